// Text from clients, upstreams and users inside our own lines: log lines, header fields, settings
// errors, SMTP replies. One set of control characters, and the ways we defuse them: taken out of a
// header value, folded onto one line, or shown as escapes inside quotes.

/** Control characters (C0, DEL, C1): never wanted in names, patterns or SMTP reply text. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

// The control characters plus the Unicode line and paragraph separators, which some readers also
// take as line ends.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Without any character that could end a line or act on a terminal (header injection). */
export function withoutControlCharacters(text: string): string {
  return text.replace(LINE_BREAKING, '');
}

/** CR and LF runs made one space, so a reply text or reason cannot forge a second log line. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

// JSON.stringify escapes only C0 controls; DEL, C1 (NEL ends a line for some readers) and the
// Unicode line and paragraph separators pass through it raw.
const UNESCAPED_BY_JSON = /[\u007f-\u009f\u2028\u2029]/g;

/** A string in double quotes, JSON-escaped, with the characters JSON leaves raw escaped too. */
export function quoted(value: string): string {
  return JSON.stringify(value).replace(
    UNESCAPED_BY_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Any value for a one-line error or reason: as JSON, cut after 60 characters. */
export function shownValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
