import type { MessageDetail } from '../api/contract';
import { useScreens } from '../api/screens-context';
import { formatSize } from '../format/mail-format';

/** Each attachment as a download link named by its file name, images with a thumbnail. */
export function Attachments({ message }: { message: MessageDetail }) {
  const screens = useScreens();
  if (message.Attachments.length === 0) return null;
  return (
    <section className="attachments" aria-label="Attachments">
      <ul>
        {message.Attachments.map((part) => {
          const url = screens.partUrl(message.ID, part.PartID);
          const name = part.FileName || `part ${part.PartID}`;
          return (
            <li key={part.PartID} className="attachment" data-testid="attachment">
              <a href={url} download={name} title={`Download ${name}`}>
                {part.ContentType.startsWith('image/') && (
                  <img className="thumbnail" src={url} alt="" width={40} height={40} />
                )}
                <span className="attachment-name">{name}</span>
              </a>
              <span className="attachment-meta">
                {part.ContentType}, {formatSize(part.Size)}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
