// Mailpit's "HTML screenshot": the HTML body drawn as a PNG, {ID}.png, of the mail on white at
// the preview's width. The mail is laid out in an off-screen frame that runs no script (sandboxed
// without allow-scripts, under the preview's own policy), so the page can read its layout; then
// modern-screenshot copies it into an SVG image and draws that on a canvas, where nothing runs
// either. modern-screenshot fetches what the copy shows (images, fonts) from this page, outside
// the frame's policy: here it fetches nothing the preview would not load. What it fetches that
// is remote goes through Relaydesk's proxy (Mailpit's /proxy, by the API): this page may not
// fetch another site (its policy's connect-src is 'self'), and the remote server would not let
// it read the answer anyway (CORS); so without the proxy the remote images came out blank.
import { bytesAsDataUrl } from './data-url';
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

/** A remote image, style sheet or font as the proxy gives it. */
export interface RemoteAsset {
  contentType: string;
  data: Uint8Array;
}

/** Fetches a remote address of the mail through Relaydesk's proxy. */
export type RemoteAssetFetch = (url: string) => Promise<RemoteAsset>;

export interface HtmlScreenshot {
  png: Blob;
  /**
   * Why remote images or style sheets are missing from the picture, in the proxy's words, each
   * once (an internal address refused, a type not passed, the site down): the preview may show
   * what the screenshot could not get, and the user should not have to guess why.
   */
  missing: string[];
}

function reason(failure: unknown): string {
  return failure instanceof Error && failure.message ? failure.message : String(failure);
}

const remoteAddress = /^https?:\/\//i;

/**
 * The mail's remote style sheets put in its HTML as `<style>`, fetched through the proxy (which
 * makes their url(…) absolute). Copied into the picture, a `<link>` would be fetched by this page,
 * which may not; and the proxy fetches the images a sheet names only once it has passed the
 * sheet. A sheet the proxy refuses stays a link, drawn without (as before).
 */
async function withInlinedSheets(
  html: string,
  fetchRemote: RemoteAssetFetch,
  missing: Set<string>,
): Promise<string> {
  if (!/<link[\s/]/i.test(html)) return html;
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const links = Array.from(doc.querySelectorAll('link[href]')).filter(
    (link) =>
      /(?:^|\s)stylesheet(?:\s|$)/i.test(link.getAttribute('rel') ?? '') &&
      remoteAddress.test((link.getAttribute('href') ?? '').trim()),
  );
  if (links.length === 0) return html;
  await Promise.all(
    links.map(async (link) => {
      try {
        const sheet = await fetchRemote((link.getAttribute('href') ?? '').trim());
        const style = doc.createElement('style');
        const media = link.getAttribute('media');
        if (media) style.setAttribute('media', media);
        // serialised back into HTML, a `</style` in the sheet would end the element and the
        // rest would be markup of the sender's; escaped (`\/` is `/` to CSS) it stays CSS
        style.textContent = new TextDecoder().decode(sheet.data).replace(/<\/(style)/gi, '<\\/$1');
        link.replaceWith(style);
      } catch (failure) {
        // refused or failed: the picture is drawn without it, and says why
        missing.add(reason(failure));
      }
    }),
  );
  const doctype = leadingDoctype.exec(html)?.[0] ?? '';
  return doctype + doc.documentElement.outerHTML;
}

/**
 * Draws the mail's HTML (as `screenshotHtml` gives it) as a PNG `width` px wide (at least
 * `screenshotMinWidth`), as tall as the mail, on white, whatever the app's theme.
 * `remote`: the preview's "Load remote content" was pressed; without it no remote address is
 * fetched, as the preview fetches none. With it, each remote image and style sheet is fetched
 * by `fetchRemote` (the proxy); one it cannot get is drawn blank, and `missing` says why.
 */
export async function captureHtml(
  html: string,
  options: { width: number; remote: boolean; fetchRemote: RemoteAssetFetch },
): Promise<HtmlScreenshot> {
  const width = Math.max(screenshotMinWidth, Math.round(options.width));
  const { fetchRemote } = options;
  const missing = new Set<string>();
  const drawn = options.remote ? await withInlinedSheets(html, fetchRemote, missing) : html;
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
  frame.srcdoc = buildPreviewDocument(drawn, { remote: options.remote });
  const ready = loaded(frame, 10_000);
  document.body.append(frame);
  try {
    await ready;
    const body = frame.contentDocument?.body;
    if (!body) throw new Error('the HTML could not be read from its frame');
    body.style.margin = '0';
    body.style.padding = `${screenshotPadding}px`;
    const height = Math.max(body.scrollHeight, 1);
    const png = await domToBlob(body, {
      width,
      height,
      backgroundColor: '#ffffff',
      style: { margin: '0' },
      scale: 1,
      timeout: 10_000,
      // no web fonts: they are fetched from this page, and their style sheets' @imports too
      font: false,
      // the cid: images are data: URLs already, never asked for; anything else is remote
      // content, fetched only once the preview loads it, and then through the proxy
      fetchFn: (url) =>
        options.remote && remoteAddress.test(url)
          ? fetchRemote(url).then(
              (asset) => bytesAsDataUrl(asset.data, asset.contentType),
              (failure: unknown) => {
                missing.add(reason(failure));
                return blankImage;
              },
            )
          : Promise.resolve(blankImage),
      fetch: { placeholderImage: blankImage },
      // an SVG <use> of another file is fetched as text, past fetchFn: the preview's policy
      // loads none
      filter: (node) =>
        !(node.nodeName.toLowerCase() === 'use' && !useTarget(node as Element).startsWith('#')),
    });
    return { png, missing: Array.from(missing) };
  } finally {
    frame.remove();
  }
}

function useTarget(use: Element): string {
  return (use.getAttribute('href') ?? use.getAttribute('xlink:href') ?? '#').trim();
}
