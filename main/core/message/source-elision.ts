// The Source tab shortens the long base64 bodies of a message (its attachments), keeping every
// header, boundary and text line. A 15 MB PDF is 280,000 lines of base64: the tab sent and drew
// them all, and took 9 s in Chromium (4 s to fetch and parse the 22 MB answer, 8 s to lay out the
// text) before anything showed, for lines nobody reads. What a developer reads in the source is
// the header blocks and the MIME structure; the bytes are what Download .eml and /raw give.

/** A base64 line as mailers write them (76 characters, some 64 or 72), with its CR if any. */
const base64Line = /^[A-Za-z0-9+/]{60,}={0,2}\r?$/;

/** A run of base64 lines longer than this (about 38 KB) is shortened. */
export const elideRunsOver = 500;
/** Lines kept at each end of a shortened run, so its start and end can still be checked. */
const keptHead = 8;
const keptTail = 2;

export interface ElidedSource {
  text: string;
  /** Bytes of base64 lines left out (0 when the text is whole). */
  elidedBytes: number;
}

function shownBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function elideLongBase64(text: string): ElidedSource {
  const lines = text.split('\n');
  const out: string[] = [];
  let elidedBytes = 0;
  let i = 0;
  while (i < lines.length) {
    let end = i;
    while (end < lines.length && base64Line.test(lines[end] as string)) end += 1;
    const run = end - i;
    if (run > elideRunsOver) {
      const left = lines.slice(i + keptHead, end - keptTail);
      // each line and the LF that split removed
      const bytes = left.reduce((sum, line) => sum + line.length + 1, 0);
      elidedBytes += bytes;
      const cr = (lines[i] as string).endsWith('\r') ? '\r' : '';
      out.push(
        ...lines.slice(i, i + keptHead),
        `[… ${left.length.toLocaleString('en-US')} more lines of base64 (${shownBytes(bytes)}) ` +
          `not shown here: Download .eml has the whole message …]${cr}`,
        ...lines.slice(end - keptTail, end),
      );
      i = end;
    } else if (run > 0) {
      out.push(...lines.slice(i, end));
      i = end;
    } else {
      out.push(lines[i] as string);
      i += 1;
    }
  }
  return elidedBytes === 0 ? { text, elidedBytes } : { text: out.join('\n'), elidedBytes };
}
