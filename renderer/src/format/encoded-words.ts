/**
 * RFC 2047 encoded words (`=?UTF-8?Q?J=C3=BCrgen?=`) decoded for reading, beside the raw header a
 * developer debugging an encoding needs. The renderer cannot use libmime, which the server's
 * mailparser decodes with: it needs Node's Buffer and iconv-lite's tables. The browser's own
 * TextDecoder knows the same charsets (the WHATWG Encoding Standard's), so only the RFC's framing
 * is done here.
 */

/** charset (an RFC 2231 `*language` after it), B or Q, the encoded text. */
const encodedWord = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;

/** The bytes an encoded word's text stands for, or null if they are not well-formed. */
function wordBytes(encoding: string, text: string): Uint8Array | null {
  if (encoding.toUpperCase() === 'B') {
    try {
      return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
    } catch {
      return null; // not base64
    }
  }
  // Q: `_` is a space, `=XX` a byte, anything else itself (RFC 2047 §4.2)
  const bytes: number[] = [];
  for (let at = 0; at < text.length; at++) {
    const c = text[at] as string;
    if (c === '_') bytes.push(0x20);
    else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(at + 1, at + 3))) {
      bytes.push(parseInt(text.slice(at + 1, at + 3), 16));
      at += 2;
    } else bytes.push(c.charCodeAt(0) & 0xff);
  }
  return Uint8Array.from(bytes);
}

function decodeBytes(charset: string, bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(charset).decode(bytes);
  } catch {
    return null; // a charset the browser does not know: the word stays as sent
  }
}

/**
 * The header value with its encoded words decoded, or null if it has none. Whitespace between
 * two encoded words is not part of the text (§6.2), and adjacent words in one charset are decoded
 * together: a sender may split a character's bytes between them.
 */
export function decodeEncodedWords(value: string): string | null {
  const words = [...value.matchAll(encodedWord)];
  if (words.length === 0) return null;
  let decoded = '';
  let at = 0;
  /** The bytes of adjacent words in one charset, not yet decoded, and the raw text they came from. */
  let run: { charset: string; bytes: number[]; raw: string } | null = null;
  const flush = () => {
    if (!run) return;
    decoded += decodeBytes(run.charset, Uint8Array.from(run.bytes)) ?? run.raw;
    run = null;
  };
  for (const word of words) {
    const [raw, charset = '', encoding = '', text = ''] = word;
    const start = word.index;
    const between = value.slice(at, start);
    const adjacent = at > 0 && /^\s*$/.test(between) && run !== null;
    if (!adjacent) {
      flush();
      decoded += between;
    }
    at = start + raw.length;
    const bytes = wordBytes(encoding, text);
    if (bytes === null) {
      flush();
      decoded += raw;
      continue;
    }
    const current: { charset: string; bytes: number[]; raw: string } | null = run;
    if (current && current.charset.toLowerCase() === charset.toLowerCase()) {
      current.bytes.push(...bytes);
      current.raw += between + raw;
    } else {
      flush();
      run = { charset, bytes: [...bytes], raw };
    }
  }
  flush();
  return decoded + value.slice(at);
}
