// Where a message says it comes from, apart from the Received chain: the signing domain
// (RFC 6376 §3.5 d= and s=), the envelope sender the final server recorded (RFC 5321 §4.4
// Return-Path), the Message-ID's domain (RFC 5322 §3.6.4) and the webmail/client X- fields
// (X-Originating-IP, X-Forwarded-For: the address of the browser a webmail was used from).
import { fieldsNamed, type HeaderField } from '../mail/header-block.js';
import { ipScope, isPrivateScope, normalizeIp } from '../net/ip-address.js';
import { firstAddress } from './address-list.js';
import type { DkimSignatureSummary, OriginHeaders } from './types.js';

/** RFC 6376 §3.2 tag-list: `tag=value; …`, whitespace (FWS) inside values ignored. */
export function parseDkimSignature(value: string): DkimSignatureSummary {
  const tags: Record<string, string> = {};
  for (const part of value.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const tag = part.slice(0, eq).trim().toLowerCase();
    if (!(tag in tags)) tags[tag] = part.slice(eq + 1).replace(/\s+/g, '');
  }
  return {
    domain: tags.d || null,
    selector: tags.s || null,
    algorithm: tags.a || null,
    identity: tags.i || null,
  };
}

function messageIdDomain(value: string): string | null {
  const inside = /<([^<>]*)>/.exec(value)?.[1] ?? value.trim();
  const at = inside.lastIndexOf('@');
  if (at < 0) return null;
  const domain = inside
    .slice(at + 1)
    .trim()
    .replace(/^\[|\]$/g, '');
  return domain || null;
}

const firstValue = (fields: readonly HeaderField[], name: string): string | null =>
  fieldsNamed(fields, name)[0]?.value ?? null;

/** An address as written (`[192.0.2.1]`, `192.0.2.1:5123`) in its plain form, else as written. */
const plainIp = (text: string): string => normalizeIp(text) ?? text;

/**
 * X-Forwarded-For, which some webmails copy from their HTTP proxies: `client, proxy1, proxy2`,
 * the original client first (each proxy appends the address it was reached from). A message can
 * carry several such fields (each webmail or proxying hop adds one); like the trace fields
 * (RFC 5322 §3.6.7) each new one goes on top, so the bottom-most is the oldest. The path is every
 * address of every field, oldest field first, each address once.
 */
function forwardedPath(fields: readonly HeaderField[]): string[] | null {
  const path: string[] = [];
  for (const field of [...fields].reverse()) {
    for (const part of field.value.split(',')) {
      const address = plainIp(part.trim());
      if (address && !path.includes(address)) path.push(address);
    }
  }
  return path.length ? path : null;
}

/**
 * The originating client of a forwarded path: the left-most address that can be reached from the
 * Internet. Addresses left of it are the client's own network (a LAN address its proxy or NAT
 * reported), words such as `unknown` (Squid) are no address, and what follows it is the proxies
 * that handed the request on. With no such address, the left-most address at all. Only the
 * addresses the reader's own proxies added can be trusted: everything left of them is what the
 * client said, so this names the claimed client, as X-Originating-IP does.
 */
function forwardedClient(path: readonly string[] | null): string | null {
  if (!path) return null;
  const addresses = path.filter((address) => ipScope(address) !== null);
  const reachable = addresses.find((address) => !isPrivateScope(ipScope(address) ?? 'private'));
  return reachable ?? addresses[0] ?? null;
}

export function originHeaders(fields: readonly HeaderField[]): OriginHeaders {
  const returnPath = firstValue(fields, 'Return-Path');
  const messageId = firstValue(fields, 'Message-ID');
  const originatingIp = firstValue(fields, 'X-Originating-IP');
  const forwarded = forwardedPath(fieldsNamed(fields, 'X-Forwarded-For'));
  return {
    // `Return-Path: <>` is the null sender of a bounce (RFC 5321 §4.5.5)
    returnPath:
      returnPath === null ? null : /^<\s*>$/.test(returnPath) ? '' : firstAddress(returnPath),
    messageIdDomain: messageId === null ? null : messageIdDomain(messageId),
    dkimSignatures: fieldsNamed(fields, 'DKIM-Signature').map((f) => parseDkimSignature(f.value)),
    xOriginatingIp: originatingIp === null ? null : plainIp(originatingIp),
    xForwardedFor: forwarded,
    xForwardedForClient: forwardedClient(forwarded),
    xMailer: firstValue(fields, 'X-Mailer') || null,
    userAgent: firstValue(fields, 'User-Agent') || null,
  };
}
