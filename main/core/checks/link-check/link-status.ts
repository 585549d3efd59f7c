// The status of one link: a HEAD request (GET only when the user allows it, since GET can use up
// a one-time sign-in or unsubscribe link), redirects followed only when asked and only to
// http(s), a time limit, and no requests to private, loopback or link-local addresses unless the
// user allows them: a message's links are chosen by whoever sent it, and a check must not become
// a way to probe the user's network (Mailpit blocks them the same way).
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { blockedAddress, connectionFailure, guardedRequest } from '../../net/guarded-lookup.js';
import type { LinkStatus } from '../../../../preload/check-contract.js';
import { settingName } from '../../../../preload/setting-names.js';

export type { LinkStatus };

export interface LinkCheckOptions {
  /** Follow redirects (to http(s) only) and report where they end. */
  follow: boolean;
  /** Retry with GET when HEAD gets an error status. */
  useGet: boolean;
  timeoutMs: number;
  allowInternal: boolean;
  userAgent: string;
}

/** Redirects followed at most (browsers allow 20; a mail link needing more is broken). */
export const maxRedirects = 5;

function describeError(err: NodeJS.ErrnoException, timeoutMs: number): LinkStatus['Status'] {
  if (err.name === 'TimeoutError' || err.name === 'AbortError')
    return `Timeout: no answer within ${timeoutMs / 1000} s`;
  return connectionFailure(err);
}

async function send(
  url: URL,
  method: 'HEAD' | 'GET',
  options: LinkCheckOptions,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const res = await guardedRequest(url, {
    method,
    allowInternal: options.allowInternal,
    signal,
    headers: { 'user-agent': options.userAgent, accept: '*/*' },
  });
  // the status is all we want; never download a body
  res.destroy();
  return res;
}

async function statusOf(
  url: URL,
  options: LinkCheckOptions,
  signal: AbortSignal,
): Promise<{ code: number; location: string | null }> {
  let res = await send(url, 'HEAD', options, signal);
  if (options.useGet && (res.statusCode ?? 0) >= 400) res = await send(url, 'GET', options, signal);
  const location = res.headers.location;
  return { code: res.statusCode ?? 0, location: typeof location === 'string' ? location : null };
}

export async function checkLink(link: string, options: LinkCheckOptions): Promise<LinkStatus> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let url = new URL(link);
  try {
    for (let hop = 0; ; hop++) {
      const { code, location } = await statusOf(url, options, signal);
      const text = STATUS_CODES[code] ?? `HTTP ${code}`;
      if (!options.follow || code < 300 || code >= 400 || location === null) {
        return { URL: link, StatusCode: code, Status: text };
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        return { URL: link, StatusCode: code, Status: `${text}: Location is not a URL` };
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        return {
          URL: link,
          StatusCode: code,
          Status: `${text}: redirect to ${next.protocol} not followed`,
        };
      }
      if (hop + 1 >= maxRedirects) {
        return {
          URL: link,
          StatusCode: code,
          Status: `${text}: more than ${maxRedirects} redirects`,
        };
      }
      url = next;
    }
  } catch (err) {
    if (blockedAddress(err)) {
      return {
        URL: link,
        StatusCode: 451,
        Status: `Blocked private/reserved address (${settingName('allowInternalHttpRequests')})`,
        // a link never asked is no broken link: the window counts it apart (Errors still counts
        // it, as Mailpit's does, for the clients that read Errors); absent on the others, so a
        // check with nothing blocked is Mailpit's shape exactly
        Blocked: true,
      };
    }
    return { URL: link, StatusCode: 0, Status: describeError(err as Error, options.timeoutMs) };
  }
}
