// Mailpit's /view/{ID}.html?embed=1 (server/apiv1/testing.go): a page shown inside a frame of
// someone's test report opens every link outside the frame, without telling the linked site
// where it came from. Only the <a> tags are rewritten, in place, so the rest of the mail's
// markup reaches the page byte for byte. Mailpit also adds a script that posts the page's
// height to its parent; the view's CSP runs no script, so that part is left out.
import { Parser } from 'htmlparser2';

// what HTML allows in an attribute's name (letters, digits, '-', '_', ':', '.'): anything odder
// the parser read from the mail is dropped rather than written out where it could end the tag
const safeAttributeName = /^[a-z_:][-a-z0-9_:.]*$/;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/** Every <a> with target="_blank" and rel="noreferrer noopener" (any earlier values replaced). */
export function linksOpenOutside(html: string): string {
  const anchors: { start: number; end: number; tag: string }[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name !== 'a') return;
        const kept = Object.entries(attributes).filter(
          ([key]) => key !== 'target' && key !== 'rel' && safeAttributeName.test(key),
        );
        const written = [...kept, ['target', '_blank'], ['rel', 'noreferrer noopener']]
          .map(([key, value]) => ` ${key}="${escapeAttribute(value as string)}"`)
          .join('');
        anchors.push({ start: parser.startIndex, end: parser.endIndex + 1, tag: `<a${written}>` });
      },
    },
    { decodeEntities: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  let out = '';
  let at = 0;
  for (const anchor of anchors) {
    out += html.slice(at, anchor.start) + anchor.tag;
    at = anchor.end;
  }
  return out + html.slice(at);
}
