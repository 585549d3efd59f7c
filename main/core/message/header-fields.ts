// The header block of a raw message as name → values, the shape Mailpit's and MailHog's APIs
// return. Names are canonicalised the way Go's textproto does (both tools are Go programs and
// their clients index by those names: `Message-Id`, `Content-Type`).
import { headerBlockEnd } from '../mail/header-block.js';

export function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_m, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** Byte offset where the body starts (after the first empty line), or the length if none. */
export function bodyOffset(raw: Uint8Array): number {
  return headerBlockEnd(raw).bodyStart;
}

export interface HeaderField {
  name: string;
  /** The value with folds removed (RFC 5322 §2.2.3 unfolding). */
  value: string;
}

export function readHeaderFields(raw: Uint8Array): HeaderField[] {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  // header values may carry raw UTF-8 (RFC 6532); decode as UTF-8, not latin1
  const head = buf.subarray(0, bodyOffset(raw)).toString('utf8');
  const fields: HeaderField[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      const last = fields[fields.length - 1];
      if (last) last.value += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trimStart() });
  }
  return fields;
}

export function headerMap(raw: Uint8Array): Record<string, string[]> {
  const map: Record<string, string[]> = {};
  for (const field of readHeaderFields(raw)) {
    const name = canonicalHeaderName(field.name);
    (map[name] ??= []).push(field.value.replace(/\r?\n/g, ''));
  }
  return map;
}
