// The Content-Disposition of a part's download. A header value must be ASCII on the wire (Node
// refuses anything beyond Latin-1 and answered 500 for `Überweisung März – 日本.txt`, a name
// that every mail client sends RFC 2231-encoded and mailparser decodes). RFC 6266 §4.3 is the
// way out that browsers, curl -J and the HTTP libraries read: the name as `filename*` in RFC 8187's
// UTF-8 percent form, after a plain `filename` for clients that only know that one. An ASCII
// name keeps the one plain parameter, as Mailpit sends it.
import { withoutBidiControls } from '../../preload/mail-text.js';

/** RFC 8187 attr-char: what `filename*` may carry without percent-encoding. */
const attrChar = /[A-Za-z0-9!#$&+\-.^_`|~]/;

function extendedValue(name: string): string {
  let out = "UTF-8''";
  for (const byte of Buffer.from(name, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out +=
      byte < 0x80 && attrChar.test(ch)
        ? ch
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The name in printable ASCII: accents dropped (März → Marz), anything else as `_`. */
function asciiFallback(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]/gu, '_')
    .replace(/["\\]/g, '_');
}

/**
 * `attachment; filename="…"` (or without `attachment` when `attachment` is false, so a browser
 * shows the part in place), plus `filename*=UTF-8''…` when the name is not plain ASCII.
 */
export function contentDisposition(sentName: string, attachment = true): string {
  const type = attachment ? 'attachment; ' : '';
  // a file manager would obey them: `invoice<U+202E>fdp.exe` shows as "invoiceexe.pdf"; and a
  // path separator is never passed on (RFC 6266 §4.3): a client that saves under the header's
  // name would write `../../etc/passwd` outside its folder (MailDev's GHSA-vc6q-ccj9-9r89 was
  // such a name). As Chrome saves it, each separator becomes `_`; Mailpit %-escapes them.
  const fileName = withoutBidiControls(sentName).replace(/[/\\]/g, '_');
  const plain = asciiFallback(fileName);
  // printable ASCII without quotes or backslashes is its own fallback
  if (plain === fileName) return `${type}filename="${plain}"`;
  return `${type}filename="${plain}"; filename*=${extendedValue(fileName)}`;
}
