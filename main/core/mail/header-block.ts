// The message's own header block (RFC 5322 §2.1: header fields, then an empty line, then the
// body): where it ends, and its fields. Only this block is read, so Received lines in the body or
// in an attached message/rfc822 never count as hops, and a header is never looked for in a body.

const LF = 0x0a;
const CR = 0x0d;

export interface HeaderBlockEnd {
  /** Where the header block ends: after the line break of its last field. */
  headerEnd: number;
  /** Where the body starts: after the empty line (the message's length when there is none). */
  bodyStart: number;
}

/**
 * Finds the first empty line at or after `from`, in a CRLF or LF message (or a mix of both);
 * offsets are in the units of `raw` (bytes for a Buffer, UTF-16 units for a string).
 */
export function headerBlockEnd(raw: string | Uint8Array, from = 0): HeaderBlockEnd {
  const text =
    typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const lineFeed = (at: number): number =>
    typeof text === 'string' ? text.indexOf('\n', at) : text.indexOf(LF, at);
  const code = (at: number): number =>
    typeof text === 'string' ? text.charCodeAt(at) : (text[at] ?? -1);
  // a message that starts with the empty line has no header fields at all
  if (code(from) === LF) return { headerEnd: from, bodyStart: from + 1 };
  if (code(from) === CR && code(from + 1) === LF) return { headerEnd: from, bodyStart: from + 2 };
  // the first line break followed by an empty line (LF or CRLF), found line by line: a search of
  // the message for each kind of empty line read all of a CRLF message's body for the LF LF it
  // lacks (most of the header reads of a 100 KB message)
  for (let lf = lineFeed(from); lf >= 0; lf = lineFeed(lf + 1)) {
    if (code(lf + 1) === LF) return { headerEnd: lf + 1, bodyStart: lf + 2 };
    if (code(lf + 1) === CR && code(lf + 2) === LF) return { headerEnd: lf + 1, bodyStart: lf + 3 };
  }
  return { headerEnd: text.length, bodyStart: text.length };
}

export interface HeaderField {
  /** The field name as written. */
  name: string;
  /** Unfolded (RFC 5322 §2.2.3) with each fold collapsed to one space, and trimmed. */
  value: string;
  /** The whole field exactly as it appeared, name and line breaks included. */
  raw: string;
  /** 1-based line number of the field's first line. */
  line: number;
}

// Field names as real mail spells them; RFC 5322 §4.5 (obs-optional) allows space before ":".
const fieldStart = /^([A-Za-z0-9][A-Za-z0-9_.-]*)[ \t]*:/;

/** Bytes are decoded as UTF-8 (RFC 6532 allows it in headers); only the header block is decoded. */
function headerText(raw: string | Buffer): string {
  if (typeof raw === 'string') return raw;
  // blank lines before the first field are what a paste often starts with
  let start = 0;
  while (start < raw.length && (raw[start] === 0x0a || raw[start] === 0x0d)) start++;
  return raw.subarray(start, headerBlockEnd(raw, start).headerEnd).toString('utf8');
}

const isBlank = (code: number): boolean => code === 0x20 || code === 0x09;

/** Without the spaces and tabs at either end (a fold's indentation, trailing blanks). */
function trimBlanks(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isBlank(text.charCodeAt(start))) start++;
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * Splits the top header block into fields. Pasted headers often lose their indentation, so a line
 * that does not look like `Name:` continues the previous field (as Microsoft's MHA does); a
 * "name" of digits only is a time such as `16:20:05 -0400` that lost its fold.
 */
export function splitHeaderBlock(raw: string | Buffer): HeaderField[] {
  const text = headerText(raw).replace(/^\uFEFF/, '');
  // NUL bytes are dropped from values; one search here spares one per field
  const hasNul = text.includes('\0');
  const fields: HeaderField[] = [];
  let current: { name: string; parts: string[]; start: number; end: number; line: number } | null =
    null;
  const finish = (): void => {
    if (!current) return;
    const joined = current.parts.map(trimBlanks).join(' ');
    fields.push({
      name: current.name,
      value: (hasNul ? joined.replace(/\0/g, '') : joined).trim(),
      raw: text.slice(current.start, current.end),
      line: current.line,
    });
    current = null;
  };
  let position = 0;
  let line = 0;
  while (position < text.length) {
    const newline = text.indexOf('\n', position);
    const next = newline < 0 ? text.length : newline + 1;
    let end = newline < 0 ? text.length : newline;
    if (end > position && text.charCodeAt(end - 1) === 0x0d) end--;
    const content = text.slice(position, end);
    line++;
    const lineStart = position;
    position = next;
    if (content === '') {
      // RFC 5322 §2.1: the first empty line ends the header block; blank lines before any field
      // are what a paste often starts with.
      if (fields.length || current) break;
      continue;
    }
    const first = content.charCodeAt(0);
    const folded = first === 0x20 || first === 0x09;
    const named = folded ? null : fieldStart.exec(content);
    if (named?.[1] && !/^\d+$/.test(named[1])) {
      finish();
      current = {
        name: named[1],
        parts: [content.slice(named[0].length)],
        start: lineStart,
        end,
        line,
      };
    } else if (current) {
      current.parts.push(content);
      current.end = end;
    }
    // text before the first field (an mbox "From " line, stray words) belongs to no field
  }
  finish();
  return fields;
}

/** Fields with this name, any case (RFC 5322 §1.2.2: field names are case-insensitive). */
export function fieldsNamed(fields: readonly HeaderField[], name: string): HeaderField[] {
  const lower = name.toLowerCase();
  // names are ASCII (see fieldStart), so lower-casing keeps their length: compare that first
  return fields.filter(
    (field) => field.name.length === lower.length && field.name.toLowerCase() === lower,
  );
}
