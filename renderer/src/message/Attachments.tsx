import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import type { MessageDetail, MessagePart } from '../api/contract';
import { formatSize, savedFileName, shownMailText } from '../format/mail-format';

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

/** Types of a returned message's header block alone (RFC 3462, RFC 6533): a text file. */
const headerBlockTypes = new Set(['text/rfc822-headers', 'message/global-headers']);

/**
 * What a part is called: its file name; an attached message without one (a bounce's returned
 * original, a message forwarded as an attachment) by its Subject, as a mail client saves it
 * ("Your order.eml"), and a report's returned header block by its original's Subject too ("Your
 * order (headers).txt": Exim's reports, Postfix's with headers_only); any other part by its
 * place in the message.
 */
function partName(part: MessagePart, attachedSubject: string | undefined): string {
  const fileName = shownMailText(part.FileName);
  if (fileName) return fileName;
  if (attachedSubject === undefined) return `part ${part.PartID}`;
  const subject = shownMailText(attachedSubject).trim() || 'message';
  return headerBlockTypes.has(part.ContentType.toLowerCase())
    ? `${subject} (headers).txt`
    : `${subject}.eml`;
}

function Attachment({
  messageId,
  part,
  attachedSubject,
}: {
  messageId: string;
  part: MessagePart;
  /**
   * The Subject of an attached message (message/rfc822), or of the one a report's header block
   * returns; undefined for other parts.
   */
  attachedSubject?: string;
}) {
  const [wanted, setWanted] = useState(part.ContentType.startsWith('image/'));
  const url = usePartUrl(messageId, part, wanted);
  const name = partName(part, attachedSubject);
  return (
    <li className="attachment" data-testid="attachment">
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
    </li>
  );
}

/** Each attachment as a download link named by its file name, images with a thumbnail. */
export function Attachments({ message }: { message: MessageDetail }) {
  if (message.Attachments.length === 0) return null;
  const subjects = new Map(message.AttachedMessages.map((m) => [m.PartID, m.Subject]));
  // a returned header block: its Subject as the delivery report's box read it (not read twice)
  const original = message.DeliveryReport?.original;
  const returned = message.Attachments.find((part) => part.PartID === original?.partId);
  if (original && returned && headerBlockTypes.has(returned.ContentType.toLowerCase()))
    subjects.set(returned.PartID, original.subject);
  return (
    <section className="attachments" aria-label="Attachments">
      <ul>
        {message.Attachments.map((part) => (
          <Attachment
            key={part.PartID}
            messageId={message.ID}
            part={part}
            attachedSubject={subjects.get(part.PartID)}
          />
        ))}
      </ul>
    </section>
  );
}
