// Address lists in From/Sender/To/Cc (RFC 5322 §3.4): display names, quoted strings with commas,
// comments, angle addresses and groups (`undisclosed-recipients:;`). Only the addr-specs matter
// for comparing the headers with the envelope.
import { lexStructured } from './structured-lexer.js';

/** The addr-specs in the field, as written. */
export function addressList(value: string): string[] {
  const addresses: string[] = [];
  let words: string[] = [];
  let angle: string | null = null;
  const flush = (): void => {
    const candidate = angle ?? (words.length === 1 ? words[0] : words.find((w) => w.includes('@')));
    if (candidate) addresses.push(candidate.trim());
    words = [];
    angle = null;
  };
  for (const token of lexStructured(value)) {
    if (token.kind === 'comment') continue;
    if (token.kind === 'angle') {
      angle = token.inner;
      continue;
    }
    if (token.kind === 'semicolon') {
      flush();
      continue;
    }
    if (token.kind === 'quoted') {
      words.push(token.text);
      continue;
    }
    // commas separate addresses; a "name:" opens a group (RFC 5322 §3.4 group)
    const pieces = token.text.split(/([,:])/);
    for (const piece of pieces) {
      if (piece === ',') flush();
      else if (piece === ':') words = [];
      else if (piece) words.push(piece);
    }
  }
  flush();
  return addresses.filter((address) => address.length > 0 && !address.startsWith('"'));
}

export function firstAddress(value: string): string | null {
  return addressList(value)[0] ?? null;
}
