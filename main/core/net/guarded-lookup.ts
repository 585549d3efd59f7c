// The guard against internal addresses that every fetch of a URL chosen by a message's sender
// goes through (the link check, the screenshot's proxy): a message must not become a way to
// probe the user's network, so private, loopback and link-local addresses are refused by the
// address a name resolves to, not by how the name looks (Mailpit's safeDialContext does the
// same), unless the user allows them (allowInternalHttpRequests).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isInternalAddress } from './ip-address.js';

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';

  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(host === address ? `${address} is internal` : `${host} is ${address}`);
  }
}

/** A `lookup` for http(s).request that fails with BlockedAddressError on an internal address. */
export function guardedLookup(allowInternal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      // any internal answer refuses the name: the one connected to could be any of them
      const blocked = addresses.find((a) => isInternalAddress(a.address));
      if (!allowInternal && blocked) {
        return callback(new BlockedAddressError(hostname, blocked.address), '', 0);
      }
      if (options.all) return callback(null, addresses as unknown as string, 0);
      const first = addresses[0] as LookupAddress;
      return callback(null, first.address, first.family);
    });
  };
}

/**
 * The refusal for a URL whose host is a literal internal IP, or null. A literal is connected to
 * without a lookup, so guardedLookup never sees it.
 */
export function blockedLiteral(url: URL, allowInternal: boolean): BlockedAddressError | null {
  const literal = url.hostname.replace(/^\[|\]$/g, '');
  if (allowInternal || !isIP(literal) || !isInternalAddress(literal)) return null;
  return new BlockedAddressError(literal, literal);
}

/** The guard's refusal a request failed on, if it did (Node wraps a lookup's error in its own sometimes). */
export function blockedAddress(err: unknown): BlockedAddressError | null {
  if (err instanceof BlockedAddressError) return err;
  if (err instanceof Error && err.cause instanceof BlockedAddressError) return err.cause;
  return null;
}

/**
 * One http(s) request to a sender's URL under the guard (its literal host and whatever its name
 * resolves to), resolving with the response before its body is read. Only the headers given
 * are sent (no cookie, no credentials, no Referer), on a connection of its own: no pooled socket,
 * nor its TLS session, outlives it.
 */
export function guardedRequest(
  url: URL,
  options: {
    method: 'GET' | 'HEAD';
    allowInternal: boolean;
    headers: Record<string, string>;
    signal: AbortSignal;
  },
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const blocked = blockedLiteral(url, options.allowInternal);
    if (blocked) {
      reject(blocked);
      return;
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method: options.method,
        signal: options.signal,
        lookup: guardedLookup(options.allowInternal),
        headers: options.headers,
        agent: false,
      },
      resolve,
    );
    req.on('error', reject);
    req.end();
  });
}

/**
 * Why a request to a sender's URL got no answer, in a user's words ("Connection refused", not
 * `connect ECONNREFUSED 192.0.2.1:443`): the link check's statuses and the proxy's refusals.
 */
export function connectionFailure(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'Connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'No such host';
    case 'ECONNRESET':
      return 'Connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'Host unreachable';
    default:
      if (err.code?.startsWith('ERR_TLS') || /certificate/i.test(err.message))
        return `TLS error: ${err.message}`;
      return err.message;
  }
}
