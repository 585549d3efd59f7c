import { useApi } from '../api/api-context';
import type { MessagePartContent } from '../api/contract';
import { saveFile } from './save-file';

/**
 * Where the message's .eml is downloaded from. Over HTTP Mailpit's own `raw?dl=1` (the server
 * names the file {ID}.eml); over IPC there is no URL, so the source comes through the bridge.
 */
function rawUrl(messageId: string): string {
  return `api/v1/message/${encodeURIComponent(messageId)}/raw?dl=1`;
}

// The bytes as stored (getRawFile), not the text getRaw shows: a message in an 8-bit charset
// other than UTF-8 would be saved with its letters replaced.
async function saveThroughBridge(getRawFile: () => Promise<MessagePartContent>) {
  const file = await getRawFile();
  saveFile(file.FileName, file.Data, 'message/rfc822');
}

/**
 * What Mailpit's message toolbar does to the message being read: mark it unread (to come back to
 * it), delete it (the next one opens, so a list is worked through from one place), download its
 * .eml.
 */
export function MessageActions(props: {
  messageId: string;
  read: boolean;
  onSetRead(read: boolean): void;
  onDelete(): void;
  /** Its file cannot be read (see MessageView): no Download .eml, which would only fail. */
  unreadable?: boolean;
}) {
  const api = useApi();
  const { messageId, read } = props;
  return (
    <div className="message-actions" role="toolbar" aria-label="This message">
      <button type="button" data-testid="toggle-read" onClick={() => props.onSetRead(!read)}>
        {read ? 'Mark unread' : 'Mark read'}
      </button>
      <button type="button" data-testid="delete-message" onClick={props.onDelete}>
        Delete
      </button>
      {props.unreadable ? null : api.transport === 'http' ? (
        <a
          className="button-link"
          data-testid="download-eml"
          href={rawUrl(messageId)}
          download={`${messageId}.eml`}
        >
          Download .eml
        </a>
      ) : (
        <button
          type="button"
          data-testid="download-eml"
          onClick={() => void saveThroughBridge(() => api.getRawFile(messageId))}
        >
          Download .eml
        </button>
      )}
    </div>
  );
}
