// MailHog's `data.Content` and `data.MIMEBody`, built the way mailhog/data's message.go builds them
// (ContentFromString, ParseMIMEBody), because clients read these fields by position and by exact
// header name: `Content.Headers.Subject[0]`, `MIME.Parts[1].Body`.
//
// What MailHog does and we therefore do too:
// - headers are keyed by the name exactly as written (no canonical casing), values unfolded by
//   dropping the line break and keeping the continuation's leading whitespace, never decoded;
// - Body is the raw text after the first blank line, transfer encoding untouched;
// - a multipart body is split on "--boundary" as a plain string. Every non-empty piece becomes a
//   part after trimming CR/LF at both ends, so a preamble is a part of its own and the close
//   delimiter leaves a last part whose Body is "--" (MailHog issues #199, #411);
// - Size is the byte length of the (trimmed) text the content was read from;
// - MIME is set on parts that are themselves multipart, never on the top-level Content.
//
// Where we differ, on purpose:
// - a header that occurs more than once keeps all its values in order (MailHog keeps the last);
// - a header line needs only a colon, not colon-space;
// - a part whose body is empty keeps its headers (MailHog turns them into the body, issue #198);
// - a message with bare LF line endings is read with LF (MailHog would see no headers at all);
// - nesting deeper than MAX_MIME_DEPTH is left unsplit, so hostile input cannot exhaust the stack.
//
// Parsing works on a latin1 view of the bytes (one char per byte) so sizes are byte counts and
// boundaries match byte-for-byte; text is turned into UTF-8 strings only on the way out.

export interface MailhogContent {
  Headers: Record<string, string[]>;
  Body: string;
  Size: number;
  MIME: MailhogMimeBody | null;
}

export interface MailhogMimeBody {
  /** null when a multipart body had no usable boundary (Go's nil slice). */
  Parts: MailhogContent[] | null;
}

const MAX_MIME_DEPTH = 32;

/** A content still in byte form (latin1 string), before conversion to JSON text. */
interface ByteContent {
  headers: Map<string, string[]>;
  body: string;
  size: number;
  mime: ByteMimeBody | null;
}

interface ByteMimeBody {
  parts: ByteContent[] | null;
}

/**
 * Reads a whole message: its Content (top-level MIME always null, as in MailHog) and, for a
 * multipart message, the parts that MailHog puts on Message.MIME.
 */
export function readMailhogContent(raw: Uint8Array): {
  content: MailhogContent;
  mime: MailhogMimeBody | null;
} {
  const data = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const eol = data.includes('\r\n') ? '\r\n' : '\n';
  const content = contentFromBytes(data, data, eol);
  const mime = isMultipart(content) ? parseMimeBody(content, eol, 1) : null;
  return { content: toJsonContent(content), mime: mime && toJsonMime(mime) };
}

/**
 * ContentFromString: `whole` is the text the size is measured on; the header block ends at the
 * first blank line searched from `from`, which may lie in trailing line breaks `whole` omits.
 */
function contentFromBytes(whole: string, from: string, eol: string): ByteContent {
  const blank = eol + eol;
  const split = from.indexOf(blank);
  if (split < 0) return { headers: new Map(), body: whole, size: whole.length, mime: null };
  const headerBlock = from.slice(0, split);
  const body = split + blank.length <= whole.length ? whole.slice(split + blank.length) : '';
  return { headers: parseHeaderBlock(headerBlock, eol), body, size: whole.length, mime: null };
}

function parseHeaderBlock(block: string, eol: string): Map<string, string[]> {
  // A Map, because a header may be called "__proto__".
  const headers = new Map<string, string[]>();
  let last: string[] | null = null;
  for (const line of block.split(eol)) {
    if (last !== null && (line.startsWith(' ') || line.startsWith('\t'))) {
      last[last.length - 1] += line;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trimEnd() : '';
    // MailHog logs and skips a line that is not a header, and keeps folding into the previous one.
    if (name === '') continue;
    const value = line.slice(line[colon + 1] === ' ' ? colon + 2 : colon + 1);
    const values = headers.get(name);
    if (values) values.push(value);
    else headers.set(name, [value]);
    last = headers.get(name) ?? null;
  }
  return headers;
}

/** IsMIME: the exact key "Content-Type", first value starting "multipart/" (case as MailHog). */
function isMultipart(content: ByteContent): boolean {
  return content.headers.get('Content-Type')?.[0]?.startsWith('multipart/') ?? false;
}

function parseMimeBody(content: ByteContent, eol: string, depth: number): ByteMimeBody {
  const contentType = content.headers.get('Content-Type')?.[0] ?? '';
  const boundary = boundaryOf(contentType);
  if (boundary === '') return { parts: null };

  const parts: ByteContent[] = [];
  for (const piece of content.body.split(`--${boundary}`)) {
    if (piece.length === 0) continue;
    const start = skipLineBreaks(piece, 0, 1);
    const end = skipLineBreaks(piece, piece.length - 1, -1) + 1;
    const trimmed = start < end ? piece.slice(start, end) : '';
    const part = contentFromBytes(trimmed, piece.slice(start), eol);
    if (isMultipart(part) && depth < MAX_MIME_DEPTH)
      part.mime = parseMimeBody(part, eol, depth + 1);
    parts.push(part);
  }
  return { parts: parts.length > 0 ? parts : null };
}

/** Go's strings.Trim(s, "\r\n") by index, without regex backtracking on long runs. */
function skipLineBreaks(text: string, from: number, step: 1 | -1): number {
  let i = from;
  while (i >= 0 && i < text.length && (text[i] === '\r' || text[i] === '\n')) i += step;
  return i;
}

/**
 * The boundary parameter as Go's mime.ParseMediaType reads it: "" when the media type or any
 * parameter is malformed or a parameter repeats, as MailHog then finds no parts.
 */
export function boundaryOf(contentType: string): string {
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim();
  if (!MEDIA_TYPE.test(mediaType)) return '';
  if (semicolon < 0) return '';

  const params = new Map<string, string>();
  let rest = contentType.slice(semicolon);
  for (;;) {
    rest = rest.trimStart();
    if (rest === '') break;
    const param = PARAMETER.exec(rest);
    if (!param) {
      if (rest.trim() === ';') break; // a trailing semicolon is tolerated
      return '';
    }
    const name = (param[1] as string).toLowerCase();
    if (params.has(name)) return '';
    const quoted = param[2];
    params.set(name, quoted !== undefined ? unquote(quoted) : (param[3] as string));
    rest = rest.slice(param[0].length);
  }
  return params.get('boundary') ?? '';
}

/** Go's isTokenChar: printable ASCII except space and the tspecials ()<>@,;:\"/[]?= */
const TOKEN = String.raw`[^\x00-\x20\x7f-\xff()<>@,;:\\"/[\]?=]+`;
const MEDIA_TYPE = new RegExp(String.raw`^${TOKEN}(?:/${TOKEN})?$`);
const PARAMETER = new RegExp(String.raw`^;\s*(${TOKEN})\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(${TOKEN}))`);

function unquote(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function toJsonMime(mime: ByteMimeBody): MailhogMimeBody {
  return { Parts: mime.parts && mime.parts.map(toJsonContent) };
}

function toJsonContent(content: ByteContent): MailhogContent {
  const headers: Record<string, string[]> = {};
  for (const [name, values] of content.headers) {
    // defineProperty, so that a header named "__proto__" is data and not the prototype.
    Object.defineProperty(headers, asText(name), {
      value: values.map(asText),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return {
    Headers: headers,
    Body: asText(content.body),
    Size: content.size,
    MIME: content.mime && toJsonMime(content.mime),
  };
}

/** Bytes (latin1 view) to text. Invalid UTF-8 becomes U+FFFD, as Go's JSON encoder does. */
function asText(bytes: string): string {
  // Pure ASCII needs no round trip, and most header values and bodies are ASCII.
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(bytes) ? bytes : Buffer.from(bytes, 'latin1').toString('utf8');
}
