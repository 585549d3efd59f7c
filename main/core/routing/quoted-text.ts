// Client-supplied and user-typed text inside our own sentences (settings errors, routing
// explanations, log lines): quoted so a line break or a terminal control sequence in an address
// shows as an escape instead of acting.

/** Control characters (C0, DEL, C1): never wanted in names, patterns or SMTP reply text. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

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
