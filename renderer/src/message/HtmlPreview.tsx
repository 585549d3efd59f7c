import { useMemo, useState } from 'react';
import { buildPreviewDocument, hasRemoteContent, withSafeLinks } from './preview-document';

const widths = [
  { id: 'phone', label: 'Phone', px: 375 },
  { id: 'tablet', label: 'Tablet', px: 768 },
  { id: 'desktop', label: 'Desktop', px: null },
] as const;

type Width = (typeof widths)[number]['id'];

/**
 * The HTML body in a sandboxed frame: no scripts, no forms, an opaque origin, so the mail cannot
 * reach this page or the API. Popups are allowed (and escape the sandbox) only so that a clicked
 * link opens in a new tab; the desktop shell sends those to the system browser.
 */
export function HtmlPreview({ html }: { html: string }) {
  const [remote, setRemote] = useState(false);
  const [width, setWidth] = useState<Width>('desktop');
  const safe = useMemo(() => withSafeLinks(html, new DOMParser()), [html]);
  const document = useMemo(() => buildPreviewDocument(safe, { remote }), [safe, remote]);
  const asksRemote = useMemo(() => hasRemoteContent(html), [html]);
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
      <iframe
        // a new frame for remote content: the old document's blocked requests are not retried
        key={remote ? 'remote' : 'local'}
        className="html-preview"
        data-testid="html-preview"
        data-width={width}
        title="HTML body"
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerPolicy="no-referrer"
        style={px ? { width: px, maxWidth: '100%' } : undefined}
        srcDoc={document}
      />
    </div>
  );
}
