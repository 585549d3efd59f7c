import { useMemo } from 'react';
import { highlightedHtml, highlightLimit } from './html-highlight';
import { saveFile } from './save-file';
import { textWithLinks } from './text-links';

/** A body part saved as Mailpit's Download menu saves it: {ID}.html or {ID}.txt. */
function SaveBody(props: { messageId: string; text: string; kind: 'html' | 'txt' }) {
  const name = `${props.messageId}.${props.kind}`;
  const type = props.kind === 'html' ? 'text/html;charset=utf-8' : 'text/plain;charset=utf-8';
  return (
    <div className="body-tools">
      <button
        type="button"
        data-testid={`download-${props.kind}`}
        onClick={() => saveFile(name, props.text, type)}
      >
        Download .{props.kind}
      </button>
    </div>
  );
}

/**
 * The HTML part as written, Mailpit's "HTML Source" tab: what the template produced, to read or
 * copy, beside the preview that runs it through a sandbox and rewrites cid: links.
 */
export function HtmlSource({ messageId, html }: { messageId: string; html: string }) {
  const coloured = useMemo(() => highlightedHtml(html), [html]);
  if (html === '') return <p className="body-notice">This message has no HTML part.</p>;
  return (
    <>
      <SaveBody messageId={messageId} text={html} kind="html" />
      {coloured === null && (
        <p className="body-notice" data-testid="html-source-plain">
          Shown without colours: the HTML part is over {highlightLimit / 1024} kB.
        </p>
      )}
      <pre className="raw-source html-source" data-testid="html-source">
        {coloured === null ? (
          html
        ) : (
          // highlight.js escapes the message's text: what it gives is only its own spans
          <code dangerouslySetInnerHTML={{ __html: coloured }} />
        )}
      </pre>
    </>
  );
}

export function TextBody(props: {
  messageId: string;
  text: string;
  /** The text was made from the HTML: say so, or it reads as what the sender wrote. */
  fromHtml: boolean;
}) {
  const { messageId, text } = props;
  const pieces = useMemo(() => textWithLinks(text), [text]);
  if (text === '') return <p className="body-notice">This message has no text part.</p>;
  return (
    <>
      {props.fromHtml && (
        <p className="body-notice text-derived" data-testid="text-from-html">
          This message has no text part: this text was made from its HTML.
        </p>
      )}
      <SaveBody messageId={messageId} text={text} kind="txt" />
      <pre className="text-body" data-testid="text-body">
        {pieces.map((piece, i) =>
          piece.href ? (
            // a new tab (the desktop shell opens it in the browser), as Mailpit's text view does
            <a key={i} href={piece.href} target="_blank" rel="noopener noreferrer">
              {piece.text}
            </a>
          ) : (
            piece.text
          ),
        )}
      </pre>
    </>
  );
}
