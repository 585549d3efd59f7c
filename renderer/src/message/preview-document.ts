// The document the HTML preview frame shows. Mail HTML is hostile by default: it may carry
// tracking pixels, remote CSS and fonts (which tell the sender the mail was opened), forms and
// scripts. The frame is sandboxed with no permissions (no scripts, opaque origin); this policy
// additionally stops every fetch except inline images.

/** Remote content blocked: only data: and cid: images, inline styles, nothing else. */
export const previewContentSecurityPolicy =
  "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'";

const leadingDoctype = /^\s*<!doctype[^>]*>/i;

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

/**
 * Puts the policy first, so it is in force before the parser meets the first `<img>`. A `<meta>`
 * before `<html>` still lands in the document's head (the parser opens html and head for it).
 * The mail's own doctype is kept in front, because a doctype anywhere else is ignored and would
 * switch standards-mode mail into quirks mode.
 */
export function buildPreviewDocument(html: string): string {
  const guard =
    `<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(previewContentSecurityPolicy)}">` +
    '<meta name="referrer" content="no-referrer">';
  const doctype = leadingDoctype.exec(html);
  if (!doctype) return guard + html;
  return doctype[0] + guard + html.slice(doctype[0].length);
}
