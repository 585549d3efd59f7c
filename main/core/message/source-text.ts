// The message source as text to read in the Source tab. Most mail is ASCII or UTF-8 and is shown
// as it is. A body sent as 8-bit in a legacy charset (Drupal's and PHP's Latin-1, Shift_JIS,
// KOI8-R) made every letter outside ASCII a U+FFFD when read as UTF-8 ("Caf� cr�me"). Such a line
// is decoded with the charset its MIME part declares, as Thunderbird's View Source does, line by
// line, so the parts in UTF-8 and the headers stay as they are. The bytes themselves are what the
// raw route and Download .eml give.
import iconv from 'iconv-lite';

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
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The charset as the message names it, if the decoder knows it (`iso-8859-1`, `Shift_JIS`). */
function known(label: string | null): string | null {
  return label !== null && label !== 'utf-8' && iconv.encodingExists(label) ? label : null;
}

const charsetParameter = /\bcharset\s*=\s*"?([^";\s]+)/i;

export function sourceText(raw: Uint8Array): SourceText {
  const whole = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  if (isUtf8(whole)) return { text: whole.toString('utf8'), decodedAs: [] };
  const decodedAs = new Set<string>();
  const lines: string[] = [];
  // the charset of the part whose lines these are: set by a Content-Type field's charset (on
  // its own line or a folded one after it), cleared at each boundary line
  let partCharset: string | null = null;
  let inContentType = false;
  let start = 0;
  while (start < whole.length) {
    const newline = whole.indexOf(0x0a, start);
    const end = newline === -1 ? whole.length : newline + 1;
    const line = whole.subarray(start, end);
    start = end;
    const ascii = line.toString('latin1');
    if (/^content-type\s*:/i.test(ascii)) inContentType = true;
    else if (!/^[ \t]/.test(ascii)) inContentType = false;
    if (inContentType) {
      const declared = charsetParameter.exec(ascii)?.[1];
      if (declared) partCharset = declared.toLowerCase();
    }
    if (/^--\S/.test(ascii)) partCharset = null;
    if (isUtf8(line)) {
      lines.push(line.toString('utf8'));
      continue;
    }
    const charset = known(partCharset) ?? fallbackCharset;
    decodedAs.add(charset);
    lines.push(iconv.decode(line, charset));
  }
  return { text: lines.join(''), decodedAs: [...decodedAs] };
}
