// Header fields carrying bytes that are neither UTF-8 nor encoded: PHP's mail() given a Latin-1
// Subject, a form's name put in From as typed. RFC 5322 allows only ASCII there (RFC 2047's
// encoded words carry the rest, and RFC 6532 lets UTF-8 through); every mail program guesses
// what such bytes mean, each its own way, and Relaydesk shows them as U+FFFD. The message view
// names the fields so the developer encodes them, rather than find out from a customer.
import { isUtf8 } from 'node:buffer';
import { headerBlockEnd } from '../mail/header-block.js';
import { canonicalHeaderName } from './header-fields.js';

/** The names of the top-level fields (canonical, each once, in order) with such bytes. */
export function unencodedHeaderFields(raw: Uint8Array): string[] {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const head = buf.subarray(0, headerBlockEnd(raw).bodyStart);
  const names: string[] = [];
  let name: string | null = null;
  let start = 0;
  while (start < head.length) {
    const newline = head.indexOf(0x0a, start);
    const end = newline === -1 ? head.length : newline + 1;
    const line = head.subarray(start, end);
    start = end;
    if (line[0] !== 0x20 && line[0] !== 0x09) {
      const colon = line.indexOf(0x3a);
      name =
        colon > 0 ? canonicalHeaderName(line.subarray(0, colon).toString('latin1').trim()) : null;
    }
    if (name === null || names.includes(name)) continue;
    if (line.some((byte) => byte >= 0x80) && !isUtf8(line)) names.push(name);
  }
  return names;
}
