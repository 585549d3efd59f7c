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

/** Each field's name and its lines as written: the first after the colon, then its folds. */
function foldedFields(raw: Uint8Array): Array<{ name: string; lines: string[] }> {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  // header values may carry raw UTF-8 (RFC 6532); decode as UTF-8, not latin1
  const head = buf.subarray(0, bodyOffset(raw)).toString('utf8');
  const fields: Array<{ name: string; lines: string[] }> = [];
  for (const line of head.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      fields[fields.length - 1]?.lines.push(line);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), lines: [line.slice(colon + 1).trimStart()] });
  }
  return fields;
}

export function readHeaderFields(raw: Uint8Array): HeaderField[] {
  return foldedFields(raw).map(({ name, lines }) => ({ name, value: lines.join('') }));
}

/**
 * Name → values as Go's net/textproto reads them, which is what Mailpit's `/headers` answers:
 * each line trimmed of spaces and tabs and the folds joined with one space, so our own
 * Received field reads `…[127.0.0.1]) by host…`, not with the tab it is folded with.
 */
export function headerMap(raw: Uint8Array): Record<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const { name, lines } of foldedFields(raw)) {
    const value = lines.map((line) => line.replace(/^[ \t]+|[ \t]+$/g, '')).join(' ');
    const key = canonicalHeaderName(name);
    const values = byName.get(key);
    if (values) values.push(value);
    else byName.set(key, [value]);
  }
  // names in Go's order (bytes, as encoding/json writes a map's keys): Mailpit's API documents its
  // header keys as alphabetical, and a client comparing answers sees the same JSON
  const names = [...byName.keys()].sort();
  const map: Record<string, string[]> = {};
  for (const name of names) map[name] = byName.get(name) ?? [];
  return map;
}
