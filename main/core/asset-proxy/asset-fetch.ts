// Fetches one remote asset for the HTML screenshot, as Mailpit's ProxyHandler does: http(s) only,
// never an internal address unless the user allows them (the link check's guard), at most three
// redirects, a time limit and a size limit, and only images, style sheets and fonts passed on.
// Nothing of the user's goes with it: no cookie, no Authorization, no Referer, a fresh connection.
import type { IncomingMessage } from 'node:http';
import { CallerError } from '../caller-error.js';
import { blockedAddress, connectionFailure, guardedRequest } from '../net/guarded-lookup.js';
import { settingName } from '../../../preload/setting-names.js';
import { assetAddress } from './message-assets.js';

/** Mailpit's limit (maxProxyBodySize): no mail image comes near it; a bomb does not get in. */
export const maxAssetBytes = 50 * 1024 * 1024;
/** Mailpit's client timeout for the whole fetch, redirects included. */
export const assetTimeoutMs = 10_000;
/** Mailpit's limit on redirects. */
export const maxAssetRedirects = 3;

/**
 * Mailpit's list (supportedProxyContentType): what a mail's HTML loads to be drawn. Not HTML,
 * not script, not JSON: the proxy must not become a way to read any page through Relaydesk.
 */
const passedTypes = [
  'font/otf',
  'font/ttf',
  'font/woff',
  'font/woff2',
  'image/apng',
  'image/avif',
  'image/bmp',
  'image/gif',
  'image/jpeg',
  'image/jpg',
  'image/png',
  'image/tiff',
  'image/svg+xml',
  'image/webp',
  'text/css',
];

export function isPassedType(contentType: string): boolean {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return passedTypes.includes(type);
}

/**
 * An asset the proxy will not fetch or pass on, in words for the caller (a CallerError, so IPC
 * and the API show them). `httpStatus` is how the /proxy route answers: 403 for a refusal (not
 * in the message, an internal address, a type not passed on), 502 when the remote server failed
 * (no answer, an error status, too large).
 */
export class AssetRefusedError extends CallerError {
  override name = 'AssetRefusedError';

  constructor(
    message: string,
    readonly httpStatus: 403 | 502,
  ) {
    super(message, 400);
  }
}

export interface AssetFetchOptions {
  allowInternal: boolean;
  userAgent: string;
  timeoutMs?: number;
  maxBytes?: number;
}

export interface FetchedAsset {
  /** The remote server's Content-Type, one of the passed types. */
  contentType: string;
  body: Buffer;
  /** Where the asset came from after redirects: a style sheet's url(…) resolve against it. */
  finalUrl: string;
}

function get(url: URL, options: AssetFetchOptions, signal: AbortSignal): Promise<IncomingMessage> {
  return guardedRequest(url, {
    method: 'GET',
    allowInternal: options.allowInternal,
    signal,
    headers: {
      'user-agent': options.userAgent,
      accept: 'image/*,text/css,font/*;q=0.9,*/*;q=0.1',
    },
  });
}

function readCapped(res: IncomingMessage, maxBytes: number, url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        res.destroy();
        reject(tooLarge(url, maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('error', reject);
  });
}

function tooLarge(url: string, maxBytes: number): AssetRefusedError {
  return new AssetRefusedError(
    `${url} refused: it is larger than ${maxBytes / (1024 * 1024)} MB, the most the screenshot's proxy passes on`,
    502,
  );
}

function failure(url: string, err: Error, timeoutMs: number): AssetRefusedError {
  const blocked = blockedAddress(err);
  if (blocked) {
    const where =
      blocked.host === blocked.address ? blocked.address : `${blocked.host} (${blocked.address})`;
    return new AssetRefusedError(
      `${url} refused: ${where} is a private, loopback or link-local address, and a message must not make Relaydesk reach this machine or its network (${settingName('allowInternalHttpRequests')})`,
      403,
    );
  }
  if (err.name === 'TimeoutError' || err.name === 'AbortError') {
    return new AssetRefusedError(`${url} failed: no answer within ${timeoutMs / 1000} s`, 502);
  }
  return new AssetRefusedError(`${url} failed: ${connectionFailure(err)}`, 502);
}

/** The asset at `address` (an http(s) URL as assetAddress gives it); AssetRefusedError if not. */
export async function fetchAsset(
  address: string,
  options: AssetFetchOptions,
): Promise<FetchedAsset> {
  const timeoutMs = options.timeoutMs ?? assetTimeoutMs;
  const maxBytes = options.maxBytes ?? maxAssetBytes;
  const signal = AbortSignal.timeout(timeoutMs);
  let url = new URL(address);
  try {
    for (let redirects = 0; ; redirects++) {
      const res = await get(url, options, signal);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && typeof location === 'string') {
        res.destroy();
        if (redirects >= maxAssetRedirects) {
          throw new AssetRefusedError(
            `${address} failed: more than ${maxAssetRedirects} redirects`,
            502,
          );
        }
        const next = assetAddress(location, url.href);
        if (!next) {
          throw new AssetRefusedError(
            `${address} refused: it redirects to ${JSON.stringify(location)}, which is not an http(s) URL`,
            403,
          );
        }
        url = new URL(next);
        continue;
      }
      if (status < 200 || status >= 300) {
        res.destroy();
        throw new AssetRefusedError(`${address} failed: the server answered ${status}`, 502);
      }
      const contentType = res.headers['content-type'] ?? '';
      if (!isPassedType(contentType)) {
        res.destroy();
        throw new AssetRefusedError(
          `${address} refused: its Content-Type is ${JSON.stringify(contentType)}; the screenshot's proxy passes on only images, style sheets (text/css) and fonts`,
          403,
        );
      }
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        res.destroy();
        throw tooLarge(address, maxBytes);
      }
      const body = await readCapped(res, maxBytes, address);
      return { contentType, body, finalUrl: url.href };
    }
  } catch (err) {
    if (err instanceof AssetRefusedError) throw err;
    throw failure(address, err as Error, timeoutMs);
  }
}
