// The message source as text to read in the Source tab. Most mail is ASCII or UTF-8 and is shown
// as it is. A body sent as 8-bit in a legacy charset (Drupal's and PHP's Latin-1, Shift_JIS,
// KOI8-R) made every letter outside ASCII a U+FFFD when read as UTF-8 ("Caf� cr�me"). Such a line
// is decoded with the charset its MIME part declares, as Thunderbird's View Source does, line by
// line, so the parts in UTF-8 and the headers stay as they are. The bytes themselves are what the
// raw route and Download .eml give.
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import libmime from 'libmime';
import { elideLongBase64 } from './source-elision.js';

/**
 * What a line in no declared charset is read as: the superset of Latin-1 that browsers use.
 * (iconv-lite, not Node's TextDecoder: Node 20's decodes windows-1252 as plain Latin-1, so its
 * curly quotes came out as invisible C1 controls.)
 */
const fallbackCharset = 'windows-1252';

export interface SourceText {
  text: string;
  /** The charsets lines were decoded with because they were not UTF-8; empty when none were. */
  decodedAs: string[];
  /** Bytes of long base64 bodies left out of `text` (source-elision.ts); 0 when it is whole. */
  elidedBytes: number;
}

/** The charset as the message names it, if the decoder knows it (`iso-8859-1`, `Shift_JIS`). */
function known(label: string | null): string | null {
  return label !== null && label !== 'utf-8' && iconv.encodingExists(label) ? label : null;
}

const charsetParameter = /\bcharset\s*=\s*"?([^";\s]+)/i;

/**
 * Each line's charset: the one the Content-Type of its part's header block declares, for the
 * header block itself too (a raw 8-bit Subject above the Content-Type field is in the charset
 * declared below it, as Thunderbird reads it); a boundary line starts the next part's block.
 */
function lineCharsets(lines: string[]): Array<string | null> {
  const charsets: Array<string | null> = new Array<string | null>(lines.length).fill(null);
  let blockStart = 0;
  let inHeaders = true;
  let inContentType = false;
  let declared: string | null = null;
  const close = (end: number): void => {
    charsets.fill(declared, blockStart, end);
    blockStart = end;
    declared = null;
  };
  lines.forEach((line, i) => {
    if (/^--\S/.test(line)) {
      close(i);
      charsets[i] = null;
      blockStart = i + 1;
      inHeaders = true;
      inContentType = false;
      return;
    }
    if (!inHeaders) return;
    if (/^\r?\n$/.test(line)) {
      inHeaders = false;
      return;
    }
    if (/^content-type\s*:/i.test(line)) inContentType = true;
    else if (!/^[ \t]/.test(line)) inContentType = false;
    const charset = inContentType ? charsetParameter.exec(line)?.[1] : undefined;
    if (charset) declared = charset.toLowerCase();
  });
  close(lines.length);
  return charsets;
}

export function sourceText(raw: Uint8Array): SourceText {
  const { text, decodedAs } = decodedSource(raw);
  return { ...elideLongBase64(text), decodedAs };
}

function decodedSource(raw: Uint8Array): { text: string; decodedAs: string[] } {
  const whole = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (isUtf8(whole)) return { text: whole.toString('utf8'), decodedAs: [] };
  const lines: Buffer[] = [];
  for (let start = 0; start < whole.length;) {
    const newline = whole.indexOf(0x0a, start);
    const end = newline === -1 ? whole.length : newline + 1;
    lines.push(whole.subarray(start, end));
    start = end;
  }
  const charsets = lineCharsets(lines.map((line) => line.toString('latin1')));
  const decodedAs = new Set<string>();
  const text = lines.map((line, i) => {
    if (isUtf8(line)) return line.toString('utf8');
    const charset = known(charsets[i] ?? null) ?? fallbackCharset;
    decodedAs.add(charset);
    // libmime's names, as mailparser (the Text tab, the snippet) decodes: the WHATWG Encoding
    // Standard reads Latin-1, ASCII, Latin-5 and TIS-620 as their Windows supersets, as browsers
    // and Mailpit do; read literally, a `charset=iso-8859-1` body's 0x80 was an invisible C1
    // control here while the Text tab showed the sender's "€"
    return iconv.decode(line, libmime.normalizeCharset(charset));
  });
  return { text: text.join(''), decodedAs: [...decodedAs] };
}
