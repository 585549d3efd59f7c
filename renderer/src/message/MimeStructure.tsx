// The message's MIME structure above its source, as smtp4dev's and Papercut's part inspectors:
// each part as a tree line (type, charset, encoding, disposition, name, size), its headers one
// click away. It answers what the source makes hard to see: why a mail client shows an
// attachment inline, or no HTML, or the wrong charset.
import { useState } from 'react';
import { useApi } from '../api/api-context';
import type { MimePartContent, MimeStructurePart } from '../api/contract';
import { formatSize } from '../format/mail-format';
import { useAsyncValue } from '../use-async-value';
import { storedChoice, useStoredChoice } from '../use-stored-choice';

/** Open or closed, kept for every message: read for a while, then not at all. */
const structureShown = storedChoice(
  'relaydesk.mimeStructure',
  (stored) => stored === 'open',
  (open) => (open ? 'open' : null),
);

/** The line's words after its type: what a reader checks first in each part. */
function facts(part: MimeStructurePart): string {
  return [
    part.Charset && `charset ${part.Charset}`,
    part.Encoding,
    part.Disposition && `${part.Disposition}${part.FileName ? ` "${part.FileName}"` : ''}`,
    !part.Disposition && part.FileName && `named "${part.FileName}"`,
    part.ContentID && `Content-ID ${part.ContentID}`,
    formatSize(part.Size),
  ]
    .filter(Boolean)
    .join(' · ');
}

/** A part with content of its own: not a multipart, nor an attached message whose parts follow. */
function hasOwnContent(parts: MimeStructurePart[], index: number): boolean {
  const part = parts[index] as MimeStructurePart;
  const next = parts[index + 1];
  return !part.ContentType.startsWith('multipart/') && (!next || next.Depth <= part.Depth);
}

/** How the text was read: what a developer checks when letters come out wrong. */
function decodedWords(part: MimeStructurePart, content: MimePartContent): string {
  const encoding =
    part.Encoding === 'base64' || part.Encoding === 'quoted-printable'
      ? `Decoded from ${part.Encoding}`
      : 'Not transfer-encoded';
  const declared = part.Charset.toLowerCase();
  let charset = content.DecodedAs;
  if (declared === '') charset += ' (it declares no charset)';
  else if (content.DecodedAs === 'utf-8' && declared !== 'utf-8' && declared !== 'utf8')
    charset += ` (the charset it declares, ${part.Charset}, is not known)`;
  else if (declared !== content.DecodedAs)
    charset += ` (the ${part.Charset} it declares, as mail clients read it)`;
  return `${encoding}, in ${charset}${content.TextCut ? '; the first 1 MiB as sent only' : ''}:`;
}

function PartContent({ messageId, part }: { messageId: string; part: MimeStructurePart }) {
  const api = useApi();
  const content = useAsyncValue(
    () => api.messageStructurePart(messageId, part.PartID),
    `structure-part:${messageId}:${part.PartID}`,
  );
  const [asSent, setAsSent] = useState(false);
  const name = part.PartID || 'message';
  if (content.status === 'loading') return <p className="body-notice">Reading the part…</p>;
  if (content.status === 'failed') {
    return (
      <p className="body-notice error" role="alert">
        {content.error}
      </p>
    );
  }
  const { Text, Source, SourceCut } = content.value;
  return (
    <div className="mime-part-content" data-testid="mime-part-content">
      {Text === null ? (
        <p className="field-hint">
          Not text: its file is among the message&apos;s attachments. As sent:
        </p>
      ) : (
        <>
          <p className="field-hint">{decodedWords(part, content.value)}</p>
          <pre
            className="mime-part-headers mime-part-body"
            tabIndex={0}
            aria-label={`Part ${name} decoded`}
          >
            {Text}
          </pre>
          <button
            type="button"
            className="link-button"
            aria-expanded={asSent}
            onClick={() => setAsSent(!asSent)}
          >
            As sent
          </button>
        </>
      )}
      {(Text === null || asSent) && (
        <pre
          className="mime-part-headers mime-part-body"
          tabIndex={0}
          aria-label={`Part ${name} as sent`}
        >
          {Source}
          {SourceCut && '\n… (the rest of the part: the Source below has it whole)'}
        </pre>
      )}
    </div>
  );
}

function StructureTree({ messageId }: { messageId: string }) {
  const api = useApi();
  const structure = useAsyncValue(() => api.messageStructure(messageId), `structure:${messageId}`);
  const [opened, setOpened] = useState<Set<number>>(new Set());
  const [contentShown, setContentShown] = useState<Set<number>>(new Set());
  if (structure.status === 'loading') return <p className="body-notice">Reading the parts…</p>;
  if (structure.status === 'failed') {
    return (
      <p className="body-notice error" role="alert">
        {structure.error}
      </p>
    );
  }
  return (
    <ol className="mime-parts" aria-label="MIME parts">
      {structure.value.map((part, index) => (
        <li
          key={index}
          className="mime-part"
          style={{ paddingLeft: `${part.Depth * 20 + 8}px` }}
          data-testid="mime-part"
        >
          <span className="mime-part-id">{part.PartID || 'message'}</span>{' '}
          <button
            type="button"
            className="link-button mime-part-toggle"
            aria-expanded={opened.has(index)}
            aria-label={`${part.ContentType}, part ${part.PartID || 'message'}: its headers`}
            onClick={() =>
              setOpened((was) => {
                const next = new Set(was);
                if (!next.delete(index)) next.add(index);
                return next;
              })
            }
          >
            <strong>{part.ContentType}</strong>
          </button>{' '}
          <span className="mime-part-facts">{facts(part)}</span>
          {hasOwnContent(structure.value, index) && (
            <>
              {' '}
              <button
                type="button"
                className="link-button mime-part-content-toggle"
                aria-expanded={contentShown.has(index)}
                aria-label={`Content of part ${part.PartID || 'message'}`}
                onClick={() =>
                  setContentShown((was) => {
                    const next = new Set(was);
                    if (!next.delete(index)) next.add(index);
                    return next;
                  })
                }
              >
                content
              </button>
            </>
          )}
          {part.Warnings.map((warning) => (
            <span key={warning} className="mime-part-warning" data-testid="mime-part-warning">
              Warning: {warning}
            </span>
          ))}
          {opened.has(index) && (
            <pre
              className="mime-part-headers"
              aria-label={`Headers of part ${part.PartID || 'message'}`}
            >
              {part.Headers.join('\n')}
            </pre>
          )}
          {contentShown.has(index) && <PartContent messageId={messageId} part={part} />}
        </li>
      ))}
    </ol>
  );
}

export function MimeStructure({ messageId }: { messageId: string }) {
  const open = useStoredChoice(structureShown);
  return (
    <section className="mime-structure" aria-label="MIME structure">
      <h3>
        <button
          type="button"
          className="disclosure"
          aria-expanded={open}
          onClick={() => structureShown.choose(!open)}
        >
          MIME structure
        </button>
      </h3>
      {open && <StructureTree messageId={messageId} />}
    </section>
  );
}
