// How an HTML body names its message's own parts (`<img src="cid:logo@x">`, multipart/related),
// shared by the GUI's preview (which shows them as data: URLs) and the server's /view/ pages
// (which point them at the part route), so the two find the same references. Pure.

/** A Content-ID as a header or a cid: URL gives it: no angle brackets, %-escapes undone, any case. */
export function contentIdKey(id: string): string {
  let bare = id.trim().replace(/^<|>$/g, '');
  try {
    bare = decodeURIComponent(bare);
  } catch {
    // a stray % is part of the ID
  }
  return bare.toLowerCase();
}

// where a URL starts (an attribute's value, CSS url()), so a "cid:" in the text stays as written
const cidReference = /((?:=|url\()\s*["']?)cid:([^"'\s)>]+)/gi;

/** The Content-IDs the HTML refers to with cid: URLs, as contentIdKey gives them. */
export function referencedContentIds(html: string): Set<string> {
  return new Set([...html.matchAll(cidReference)].map((m) => contentIdKey(m[2] ?? '')));
}

/** Each cid: reference replaced by `target` of its Content-ID key; one without a target stays. */
export function replaceCidReferences(
  html: string,
  target: (key: string) => string | undefined,
): string {
  return html.replace(cidReference, (whole, start: string, id: string) => {
    const url = target(contentIdKey(id));
    return url === undefined ? whole : `${start}${url}`;
  });
}
