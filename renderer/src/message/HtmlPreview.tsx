import { useMemo } from 'react';
import { buildPreviewDocument } from './preview-document';

/**
 * The HTML body in a frame with an empty `sandbox`: no scripts, no forms, no popups, no top
 * navigation, and an opaque origin, so the mail cannot reach this page or the API.
 */
export function HtmlPreview({ html }: { html: string }) {
  const document = useMemo(() => buildPreviewDocument(html), [html]);
  if (html.trim() === '') {
    return <p className="body-notice">This message has no HTML part.</p>;
  }
  return (
    <iframe
      className="html-preview"
      data-testid="html-preview"
      title="HTML body"
      sandbox=""
      referrerPolicy="no-referrer"
      srcDoc={document}
    />
  );
}
