import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import { contentIdKey, referencedContentIds } from '../api/contract';
import type { MessageDetail, MessagePart } from '../api/contract';
import { formatSize, savedFileName, shownMailText } from '../format/mail-format';
import { storedChoice, useStoredChoice } from '../use-stored-choice';
import { CalendarDialog } from './CalendarDialog';
import { isCalendarPart } from './calendar-part';
import { CollapsedList } from './CollapsedList';

/** Whether each attachment shows its type, Content-ID and checksums (Mailpit's details). */
const detailsChosen = storedChoice(
  'relaydesk.attachmentDetails',
  (stored) => stored === 'on',
  (on) => (on ? 'on' : null),
);

/** A checksum with a button that copies it, as Mailpit's details have. */
function Checksum({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div>
      <dt>{label}</dt>
      <dd>
        <code>{value}</code>
        {navigator.clipboard && (
          <button
            type="button"
            className="link-button"
            aria-label={`Copy the ${label}`}
            onClick={() => {
              void navigator.clipboard.writeText(value).then(() => setCopied(true));
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        )}
      </dd>
    </div>
  );
}

/**
 * Where a part can be downloaded from. Over HTTP the API's own URL (same origin, so the page's
 * CSP allows the thumbnail); over IPC the bytes come through the bridge as a blob URL.
 */
function usePartUrl(messageId: string, part: MessagePart, wanted: boolean): string | null {
  const api = useApi();
  const [blobUrl, setBlobUrl] = useState<string | null>(null);
  const direct =
    api.transport === 'http'
      ? `api/v1/message/${encodeURIComponent(messageId)}/part/${encodeURIComponent(part.PartID)}`
      : null;
  useEffect(() => {
    if (direct || !wanted) return;
    let url: string | null = null;
    let current = true;
    void api.getPart(messageId, part.PartID).then((content) => {
      if (!current) return;
      url = URL.createObjectURL(
        new Blob([content.Data as BlobPart], { type: content.ContentType }),
      );
      setBlobUrl(url);
    });
    return () => {
      current = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, direct, wanted, messageId, part.PartID]);
  return direct ?? blobUrl;
}

/**
 * What a part is called: its file name; an attached message or a report's returned header block
 * without one by the name the relay gives it from its Subject, as a mail client saves it ("Your
 * order.eml", "Your order (headers).txt"); any other part by its place in the message.
 */
function partName(part: MessagePart, savedName: string | undefined): string {
  const fileName = shownMailText(part.FileName);
  if (fileName) return fileName;
  if (savedName === undefined) return `part ${part.PartID}`;
  return shownMailText(savedName);
}

/**
 * How an inline part (its disposition `inline`, or a Content-ID and no disposition) stands to
 * the HTML: `shown` where the HTML names its cid:, `unseen` where nothing does (a text-only
 * message's, a mistyped cid:), which the HTML view cannot show.
 */
type InlineUse = 'shown' | 'unseen';

function inlineNote(part: MessagePart, use: InlineUse, hasHtml: boolean): string {
  if (use === 'shown') return 'inline, shown in the HTML';
  if (!hasHtml) return 'inline, but the message has no HTML to show it in';
  return part.ContentID
    ? `inline, not shown: the HTML has no cid:${part.ContentID}`
    : 'inline, not shown: it has no Content-ID for the HTML to name';
}

function Attachment({
  messageId,
  part,
  savedName,
  details,
  inline,
}: {
  messageId: string;
  part: MessagePart;
  /** An attached message's or returned header block's name (AttachedMessages); undefined else. */
  savedName?: string;
  details: boolean;
  /** An inline part's note (inlineNote); undefined for an attachment. */
  inline?: { use: InlineUse; note: string };
}) {
  const [wanted, setWanted] = useState(part.ContentType.startsWith('image/'));
  const [showEvent, setShowEvent] = useState(false);
  const url = usePartUrl(messageId, part, wanted);
  // a calendar part without a file name (an invitation's text/calendar alternative) is named
  // for what it is, not "part 1.3"
  const name =
    isCalendarPart(part) && !shownMailText(part.FileName)
      ? 'invitation.ics'
      : partName(part, savedName);
  return (
    <li
      className={`attachment${inline ? ` inline-part inline-${inline.use}` : ''}`}
      data-testid={inline ? 'inline-part' : 'attachment'}
    >
      <a
        href={url ?? '#'}
        download={savedFileName(part.FileName) || savedFileName(name)}
        title={`Download ${name}`}
        onClick={(event) => {
          if (url) return;
          event.preventDefault(); // fetched through the bridge first; a second click saves
          setWanted(true);
        }}
      >
        {part.ContentType.startsWith('image/') && url && (
          <img className="thumbnail" src={url} alt="" width={40} height={40} />
        )}
        <span className="attachment-name">{name}</span>
      </a>
      <span className="attachment-meta">
        {part.ContentType}, {formatSize(part.Size)}
      </span>
      {inline && <span className="inline-note">{inline.note}</span>}
      {isCalendarPart(part) && (
        <button type="button" className="link-button" onClick={() => setShowEvent(true)}>
          Show the event
        </button>
      )}
      {details && (
        <dl className="attachment-details" data-testid="attachment-details">
          {part.ContentID && (
            <div>
              <dt>Content-ID</dt>
              <dd>
                <code>{part.ContentID}</code>
              </dd>
            </div>
          )}
          <Checksum label="MD5" value={part.Checksums.MD5} />
          <Checksum label="SHA-1" value={part.Checksums.SHA1} />
          <Checksum label="SHA-256" value={part.Checksums.SHA256} />
        </dl>
      )}
      {showEvent && (
        <CalendarDialog
          messageId={messageId}
          part={part}
          name={name}
          onClose={() => setShowEvent(false)}
        />
      )}
    </li>
  );
}

/**
 * Each attachment as a download link named by its file name, images with a thumbnail. Past a
 * dozen, the rest behind "+N more": a message of thousands listed them all and pushed the tabs
 * and the body out of the pane. Inline parts too, as Mailpit lists its "Inline images": those
 * the HTML does not show (a text-only message's logo, a cid: that names another part) with the
 * reason, since nothing else on the screen showed they exist; those it shows behind a button, to
 * download or check.
 */
export function Attachments({ message }: { message: MessageDetail }) {
  const details = useStoredChoice(detailsChosen);
  const [showShown, setShowShown] = useState(false);
  const hasHtml = message.HTML !== '';
  const referenced = referencedContentIds(message.HTML);
  const use = (part: MessagePart): InlineUse =>
    hasHtml && part.ContentID !== '' && referenced.has(contentIdKey(part.ContentID))
      ? 'shown'
      : 'unseen';
  const shownInline = message.Inline.filter((part) => use(part) === 'shown');
  const unseenInline = message.Inline.filter((part) => use(part) === 'unseen');
  // the parts Mailpit's API leaves out (an invitation's unnamed text/calendar) are listed with
  // the attachments, as files: the invitation's event is shown from there
  const files = [...message.Attachments, ...message.OtherParts];
  if (files.length === 0 && message.Inline.length === 0) return null;
  const savedNames = new Map(message.AttachedMessages.map((m) => [m.PartID, m.SavedName]));
  const items: Array<{ part: MessagePart; inline?: { use: InlineUse; note: string } }> = [
    ...files.map((part) => ({ part })),
    ...[...unseenInline, ...(showShown ? shownInline : [])].map((part) => ({
      part,
      inline: { use: use(part), note: inlineNote(part, use(part), hasHtml) },
    })),
  ];
  return (
    <section className={`attachments${details ? ' with-details' : ''}`} aria-label="Attachments">
      <div className="attachments-toggles">
        <button
          type="button"
          className="link-button attachment-details-toggle"
          aria-pressed={details}
          onClick={() => detailsChosen.choose(!details)}
        >
          {details ? 'Hide attachment details' : 'Show attachment details (checksums)'}
        </button>
        {shownInline.length > 0 && (
          <button
            type="button"
            className="link-button attachment-details-toggle"
            aria-expanded={showShown}
            data-testid="inline-shown-toggle"
            onClick={() => setShowShown((shown) => !shown)}
          >
            {showShown
              ? 'Hide the inline images the HTML shows'
              : `Inline images the HTML shows (${shownInline.length})`}
          </button>
        )}
      </div>
      {items.length > 0 && (
        <CollapsedList
          items={items}
          shown={12}
          label="attachments"
          testId="attachments-more"
          render={(shown) => (
            <ul>
              {shown.map(({ part, inline }) => (
                <Attachment
                  key={part.PartID}
                  messageId={message.ID}
                  part={part}
                  savedName={savedNames.get(part.PartID)}
                  details={details}
                  {...(inline ? { inline } : {})}
                />
              ))}
            </ul>
          )}
        />
      )}
    </section>
  );
}
