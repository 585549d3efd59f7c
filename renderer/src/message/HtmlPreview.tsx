import { useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import { contentIdKey, referencedContentIds } from '../api/contract';
import type { MessagePart } from '../api/contract';
import { storedChoice, useStoredChoice } from '../use-stored-choice';
import { HtmlScreenshotButton } from './HtmlScreenshot';
import { bytesAsDataUrl } from './data-url';
import { captureHtml, screenshotHtml } from './html-screenshot';
import {
  asDarkMode,
  buildPreviewDocument,
  hasDarkModeCss,
  hasRemoteContent,
  withInlineParts,
  withSafeLinks,
} from './preview-document';

const widths = [
  { id: 'phone', label: 'Phone', px: 375 },
  { id: 'tablet', label: 'Tablet', px: 768 },
  { id: 'desktop', label: 'Desktop', px: null },
] as const;

type Width = (typeof widths)[number]['id'];

/**
 * The preview as a mail client in dark mode asks for it: the frame prefers a dark colour scheme,
 * so the message's own dark-mode CSS (`@media (prefers-color-scheme: dark)`, a
 * `<meta name="color-scheme" content="light dark">`) applies, as in Apple Mail and Outlook for
 * Mac. Kept for every message: a designer checks one mail after another in it.
 */
const darkPreview = storedChoice(
  'relaydesk.previewDark',
  (stored) => stored === 'dark',
  (dark) => (dark ? 'dark' : null),
);

/**
 * How long the preview waits for the message's inline images before it shows the text without
 * them. They come from this machine, usually within tens of ms: the frame then loads once, with
 * them. Shown first and again when they arrived, the pane went white for a moment in between
 * (each document has a frame, and so a process, of its own: see useDocumentGeneration).
 */
export const inlineImagesWaitMs = 400;

interface InlineImages {
  /** Data URLs by Content-ID key; empty until they arrive. */
  images: ReadonlyMap<string, string>;
  /** The HTML names images of the message that have not arrived (or failed) yet. */
  pending: boolean;
}

/**
 * The message's own images the HTML shows by cid: (multipart/related), as data: URLs by
 * Content-ID key. They are part of the message, not remote content, so they show at once, and
 * as data: URLs the frame's policy needs no new source. Read through the API (HTTP or IPC) by
 * the PartID the message JSON gives.
 */
function useInlineImages(
  messageId: string,
  parts: readonly MessagePart[],
  html: string,
): InlineImages {
  const api = useApi();
  const referenced = useMemo(() => referencedContentIds(html), [html]);
  // as text, so a new but equal list of parts (each render makes one) fetches nothing again
  const wanted = JSON.stringify(
    parts
      .filter(
        (part) =>
          part.ContentID !== '' &&
          part.ContentType.toLowerCase().startsWith('image/') &&
          referenced.has(contentIdKey(part.ContentID)),
      )
      .map((part) => [part.PartID, part.ContentID]),
  );
  const asked = `${messageId} ${wanted}`;
  // what arrived, with the request it answers: a new message's images are pending at once, not
  // only after an effect has run
  const [arrived, setArrived] = useState<{
    asked: string;
    images: ReadonlyMap<string, string>;
  } | null>(null);
  useEffect(() => {
    const list = JSON.parse(wanted) as [string, string][];
    if (list.length === 0) return;
    let current = true;
    void Promise.allSettled(
      list.map(async ([partId, contentId]) => {
        const part = await api.getPart(messageId, partId);
        const url = await bytesAsDataUrl(part.Data, part.ContentType);
        return [contentIdKey(contentId), url] as const;
      }),
    ).then((results) => {
      if (!current) return;
      const found = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      setArrived({ asked: `${messageId} ${wanted}`, images: new Map(found) });
    });
    return () => {
      current = false;
    };
  }, [api, messageId, wanted]);
  if (wanted === '[]') return { images: noImages, pending: false };
  if (arrived?.asked !== asked) return { images: noImages, pending: true };
  return { images: arrived.images, pending: false };
}

const noImages: ReadonlyMap<string, string> = new Map();

/**
 * The cid: references of the HTML that name no part of the message, as written: every mail
 * client shows a broken image there, and the frame's broken-image icon did not say why (a
 * template's `cid:logo` for a part sent as `logo.png@app`).
 */
function missingContentIds(html: string, parts: readonly MessagePart[]): string[] {
  const present = new Set(
    parts.filter((part) => part.ContentID !== '').map((part) => contentIdKey(part.ContentID)),
  );
  return [...referencedContentIds(html)].filter((key) => !present.has(key));
}

/** True once `ms` have passed while `waiting` held (for the same `subject`). */
function useWaitedLong(waiting: boolean, subject: string, ms: number): boolean {
  const [waitedFor, setWaitedFor] = useState<string | null>(null);
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => setWaitedFor(subject), ms);
    return () => clearTimeout(timer);
  }, [waiting, subject, ms]);
  return waiting && waitedFor === subject;
}

/**
 * A number that changes with every new document, to key the frame by. The sandboxed frame has
 * an opaque origin, so Chromium (and Electron) runs it in a process of its own; a srcdoc replaced
 * while that frame's first document is still loading there is never painted: the new document's
 * elements get no boxes and the pane stays white, for good (Chromium 156; seen when the inline
 * images arrived before the text-only document had loaded). A new frame for each document has
 * no load in flight to replace.
 */
function useDocumentGeneration(document: string): number {
  const [seen, setSeen] = useState({ document, generation: 0 });
  if (seen.document !== document) {
    // adjusting state while rendering, as React documents it: the frame is keyed anew in the
    // same render, so the old frame never gets the new srcdoc
    const next = { document, generation: seen.generation + 1 };
    setSeen(next);
    return next.generation;
  }
  return seen.generation;
}

/**
 * The HTML body in a sandboxed frame: no scripts, no forms, an opaque origin, so the mail cannot
 * reach this page or the API. Popups are allowed (and escape the sandbox) only so that a clicked
 * link opens in a new tab; the desktop shell sends those to the system browser.
 */
export function HtmlPreview({
  html,
  messageId,
  parts = [],
}: {
  html: string;
  messageId: string;
  /** The message's inline parts and attachments: those the HTML names by cid: are shown. */
  parts?: readonly MessagePart[];
}) {
  const api = useApi();
  const [remote, setRemote] = useState(false);
  const [width, setWidth] = useState<Width>('desktop');
  const dark = useStoredChoice(darkPreview);
  const { images, pending } = useInlineImages(messageId, parts, html);
  // the text alone only if the images are slow to come (see inlineImagesWaitMs)
  const waitedLong = useWaitedLong(pending, messageId, inlineImagesWaitMs);
  const safe = useMemo(
    () => withInlineParts(withSafeLinks(html, new DOMParser()), images),
    [html, images],
  );
  const document = useMemo(
    () => buildPreviewDocument(dark ? asDarkMode(safe) : safe, { remote }),
    [safe, remote, dark],
  );
  const generation = useDocumentGeneration(document);
  const asksRemote = useMemo(() => hasRemoteContent(html), [html]);
  const darkCss = useMemo(() => hasDarkModeCss(html), [html]);
  const missing = useMemo(() => missingContentIds(html, parts), [html, parts]);
  // the frame (or its stand-in while the images come): the screenshot is drawn at its width
  const preview = useRef<HTMLElement | null>(null);
  if (html.trim() === '') {
    return <p className="body-notice">This message has no HTML part.</p>;
  }
  const px = widths.find((w) => w.id === width)?.px ?? null;
  return (
    <div className="html-tab">
      <div className="html-bar">
        {asksRemote && !remote && (
          <p className="remote-notice" data-testid="remote-notice">
            Remote images, styles and fonts are blocked, so the sender cannot tell you opened this.
            <button type="button" onClick={() => setRemote(true)}>
              Load remote content
            </button>
          </p>
        )}
        {remote && <p className="remote-notice">Remote content loaded.</p>}
        {dark && !darkCss && (
          <p className="remote-notice" data-testid="dark-preview-none">
            No dark-mode CSS in this message (prefers-color-scheme, color-scheme): a mail client in
            dark mode that honours it, such as Apple Mail, shows it as here, in light.
          </p>
        )}
        {missing.length > 0 && <MissingPartsNotice missing={missing} parts={parts} />}
        <HtmlScreenshotButton
          messageId={messageId}
          capture={() =>
            // the picture is of what the preview shows, dark mode included
            captureHtml(screenshotHtml(dark ? asDarkMode(safe) : safe, new DOMParser()), {
              width: preview.current?.clientWidth ?? 0,
              remote,
              fetchRemote: async (url) => {
                const asset = await api.proxyAsset(messageId, url);
                return { contentType: asset.ContentType, data: asset.Data };
              },
            })
          }
        />
        <label
          className="dark-preview-switch"
          title="As a mail client in dark mode shows it: the message's own dark-mode CSS (prefers-color-scheme) applies, as in Apple Mail; a message without any shows as in light"
        >
          <input
            type="checkbox"
            checked={dark}
            onChange={(event) => darkPreview.choose(event.target.checked)}
          />
          Dark mode
        </label>
        <div role="radiogroup" aria-label="Preview width" className="width-switch">
          {widths.map((w) => (
            <label key={w.id}>
              <input
                type="radio"
                name="preview-width"
                value={w.id}
                checked={width === w.id}
                onChange={() => setWidth(w.id)}
              />
              {w.label}
            </label>
          ))}
        </div>
      </div>
      {pending && !waitedLong ? (
        <div
          ref={(element) => {
            preview.current = element;
          }}
          className="html-preview"
          data-testid="html-preview-waiting"
          aria-busy="true"
          aria-label="HTML body, loading its images"
        />
      ) : (
        <iframe
          // a new frame for every document, never a srcdoc replaced in place (see
          // useDocumentGeneration); for remote content too, so the old document's blocked requests
          // are not retried
          key={generation}
          ref={(element) => {
            preview.current = element;
          }}
          className="html-preview"
          data-testid="html-preview"
          data-width={width}
          data-dark={dark ? 'true' : undefined}
          title="HTML body"
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          referrerPolicy="no-referrer"
          style={px ? { width: px, maxWidth: '100%' } : undefined}
          srcDoc={document}
        />
      )}
    </div>
  );
}

/** Which cid: images are broken, and the Content-IDs the message does have, to compare. */
function MissingPartsNotice(props: { missing: string[]; parts: readonly MessagePart[] }) {
  const named = props.parts.filter((part) => part.ContentID !== '');
  const images = props.missing.map((key) => `cid:${key}`).join(', ');
  return (
    <p className="cid-notice" role="note" data-testid="cid-notice">
      {props.missing.length === 1
        ? `The HTML shows ${images}, but no part of this message has that Content-ID: that image is broken in every mail client.`
        : `The HTML shows ${images}, but no part of this message has those Content-IDs: those images are broken in every mail client.`}{' '}
      {named.length === 0
        ? 'The message has no part with a Content-ID: attach the image with one.'
        : `Its parts' Content-IDs: ${named.map((part) => `${part.ContentID} (${part.FileName || `part ${part.PartID}`})`).join(', ')}.`}
    </p>
  );
}
