// Where a message says it comes from, apart from the Received chain: the signing domain
// (RFC 6376 §3.5 d= and s=), the envelope sender the final server recorded (RFC 5321 §4.4
// Return-Path), the Message-ID's domain (RFC 5322 §3.6.4) and the webmail/client X- fields
// (X-Originating-IP, X-Forwarded-For: the address of the browser a webmail was used from).
import { fieldsNamed, type HeaderField } from '../mail/header-block.js';
import { normalizeIp } from '../net/ip-address.js';
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
 * the original client first (each proxy appends the address it was reached from).
 */
function forwardedFor(value: string): string[] | null {
  const addresses = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map(plainIp);
  return addresses.length ? addresses : null;
}

export function originHeaders(fields: readonly HeaderField[]): OriginHeaders {
  const returnPath = firstValue(fields, 'Return-Path');
  const messageId = firstValue(fields, 'Message-ID');
  const originatingIp = firstValue(fields, 'X-Originating-IP');
  const forwarded = firstValue(fields, 'X-Forwarded-For');
  return {
    // `Return-Path: <>` is the null sender of a bounce (RFC 5321 §4.5.5)
    returnPath:
      returnPath === null ? null : /^<\s*>$/.test(returnPath) ? '' : firstAddress(returnPath),
    messageIdDomain: messageId === null ? null : messageIdDomain(messageId),
    dkimSignatures: fieldsNamed(fields, 'DKIM-Signature').map((f) => parseDkimSignature(f.value)),
    xOriginatingIp: originatingIp === null ? null : plainIp(originatingIp),
    xForwardedFor: forwarded === null ? null : forwardedFor(forwarded),
    xMailer: firstValue(fields, 'X-Mailer') || null,
    userAgent: firstValue(fields, 'User-Agent') || null,
  };
}
