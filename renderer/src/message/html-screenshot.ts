// Mailpit's "HTML screenshot": the HTML body drawn as a PNG, {ID}.png, of the mail on white at
// the preview's width. The mail is laid out in an off-screen frame that runs no script (sandboxed
// without allow-scripts, under the preview's own policy), so the page can read its layout; then
// modern-screenshot copies it into an SVG image and draws that on a canvas, where nothing runs
// either. modern-screenshot fetches what the copy shows (images, fonts) from this page, outside
// the frame's policy: here it fetches nothing the preview would not load.
import { buildPreviewDocument } from './preview-document';

/** Mailpit's floor: a phone-width preview still gives a readable image. */
export const screenshotMinWidth = 300;
/** Mailpit's body padding, so the mail does not touch the image's edges. */
export const screenshotPadding = 20;

const leadingDoctype = /^\s*<!doctype[^>]*>/i;

/**
 * The mail as the screenshot frame gets it, after the preview's own rewriting (safe links, cid:
 * images as data: URLs). Outlook's `<o:p>` elements and the namespaces on `<html>` go, as
 * Mailpit drops them: serialised into the SVG the image is drawn through, an undeclared `o:`
 * prefix makes that SVG invalid XML and the image comes out blank. `<base>` goes (relative
 * addresses are not the mail's to redirect), and so do scripts and `on…` handlers: none would
 * run in the frame, and then none is even copied.
 */
export function screenshotHtml(html: string, parser: DOMParser): string {
  const outlookFree = html
    .replace(/<html\s[^>]*>/i, '<html>')
    .replace(/<o:p>\s*<\/o:p>/gi, '')
    .replace(/<(\/?)o:/gi, '<$1');
  const doc = parser.parseFromString(outlookFree, 'text/html');
  for (const element of Array.from(doc.querySelectorAll('script, base'))) element.remove();
  for (const element of Array.from(doc.querySelectorAll('*'))) {
    for (const name of element.getAttributeNames()) {
      if (/^on/i.test(name)) element.removeAttribute(name);
    }
  }
  const doctype = leadingDoctype.exec(html)?.[0] ?? '';
  return doctype + doc.documentElement.outerHTML;
}

/** A transparent pixel, for an image the preview would not load either. */
const blankImage = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

function loaded(frame: HTMLIFrameElement, ms: number): Promise<void> {
  // a remote image that never answers holds the load event: past `ms` the frame is drawn as
  // it is, with what has come
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    frame.addEventListener(
      'load',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * Draws the mail's HTML (as `screenshotHtml` gives it) as a PNG `width` px wide (at least
 * `screenshotMinWidth`), as tall as the mail, on white, whatever the app's theme.
 * `remote`: the preview's "Load remote content" was pressed; without it no remote address is
 * fetched, as the preview fetches none.
 */
export async function captureHtml(
  html: string,
  options: { width: number; remote: boolean },
): Promise<Blob> {
  const width = Math.max(screenshotMinWidth, Math.round(options.width));
  // a chunk of its own, loaded at the first screenshot: the page's first paint does not wait
  // for a library used now and then (it took the bundle past the 640 kB the build allows)
  const { domToBlob } = await import('modern-screenshot');
  const frame = document.createElement('iframe');
  // no allow-scripts: the mail's script never runs; allow-same-origin so this page can read the
  // frame's layout (a srcdoc frame takes this page's origin, and its policy too)
  frame.setAttribute('sandbox', 'allow-same-origin');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.title = 'HTML screenshot';
  frame.dataset.testid = 'html-screenshot-frame';
  // off screen but laid out (a hidden frame has no layout to copy); light, as the mail is
  // written for white paper, whatever the app's theme
  frame.style.cssText = `position: fixed; top: 0; left: -100000px; width: ${width}px; height: 200px; border: 0; color-scheme: light;`;
  frame.srcdoc = buildPreviewDocument(html, { remote: options.remote });
  const ready = loaded(frame, 10_000);
  document.body.append(frame);
  try {
    await ready;
    const body = frame.contentDocument?.body;
    if (!body) throw new Error('the HTML could not be read from its frame');
    body.style.margin = '0';
    body.style.padding = `${screenshotPadding}px`;
    const height = Math.max(body.scrollHeight, 1);
    return await domToBlob(body, {
      width,
      height,
      backgroundColor: '#ffffff',
      style: { margin: '0' },
      scale: 1,
      timeout: 10_000,
      // no web fonts: they are fetched from this page, and their style sheets' @imports too
      font: false,
      // the cid: images are data: URLs already, never asked for; anything else is remote
      // content, fetched only once the preview loads it (and then as this page's policy allows)
      fetchFn: (url) =>
        Promise.resolve(options.remote && /^https?:/i.test(url) ? false : blankImage),
      fetch: { placeholderImage: blankImage },
      // an SVG <use> of another file is fetched as text, past fetchFn: the preview's policy
      // loads none
      filter: (node) =>
        !(node.nodeName.toLowerCase() === 'use' && !useTarget(node as Element).startsWith('#')),
    });
  } finally {
    frame.remove();
  }
}

function useTarget(use: Element): string {
  return (use.getAttribute('href') ?? use.getAttribute('xlink:href') ?? '#').trim();
}
