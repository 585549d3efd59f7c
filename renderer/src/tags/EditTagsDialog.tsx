import { useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import { Dialog } from '../layout/Dialog';
import { tagQuery, useTagsInUse } from './TagFilter';
import { serverWords } from '../api/http-transport';

function describeError(error: unknown): string {
  return serverWords(error);
}

function plural(count: number): string {
  return `${count.toLocaleString()} ${count === 1 ? 'message' : 'messages'}`;
}

/** One tag: its name to rename in place (Enter or Save), and Delete, asked once with a count. */
function TagRow(props: {
  tag: string;
  onRenamed(from: string, to: string): void;
  onDeleted(tag: string): void;
}) {
  const api = useApi();
  const { tag } = props;
  const [name, setName] = useState(tag);
  const [carriers, setCarriers] = useState<number | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const label = `Rename the tag ${tag}`;

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    const to = name.trim();
    if (to === '' || to === tag) return;
    setFailure(null);
    try {
      await api.renameTag(tag, to);
      props.onRenamed(tag, to);
    } catch (error) {
      setFailure(describeError(error));
    }
  };
  const askDelete = async () => {
    setFailure(null);
    try {
      // the count is of every message with the tag, whatever the list shows
      setCarriers((await api.searchMessages(tagQuery(tag), 0, 1)).messages_count);
    } catch (error) {
      setFailure(describeError(error));
    }
  };
  const remove = async () => {
    setFailure(null);
    try {
      await api.deleteTag(tag);
      setCarriers(null);
      props.onDeleted(tag);
    } catch (error) {
      setFailure(describeError(error));
    }
  };

  return (
    <li className="tag-row" data-testid="tag-row" data-tag={tag}>
      <form className="tag-row-form" onSubmit={(event) => void rename(event)}>
        <input
          aria-label={label}
          data-testid="tag-rename-input"
          value={name}
          maxLength={100}
          spellCheck={false}
          onChange={(event) => setName(event.target.value)}
          onKeyDown={(event) => {
            if (event.key !== 'Escape' || name === tag) return;
            // Escape undoes the edit before it closes the dialog
            event.preventDefault();
            setName(tag);
          }}
        />
        {name.trim() !== tag && name.trim() !== '' ? (
          <button type="submit" data-testid="tag-rename-save">
            Save
          </button>
        ) : (
          <button
            type="button"
            data-testid="tag-delete"
            aria-label={`Delete the tag ${tag}`}
            onClick={() => void askDelete()}
          >
            Delete
          </button>
        )}
      </form>
      {carriers !== null && (
        <div className="tag-delete-confirm" role="group" aria-label={`Delete the tag ${tag}`}>
          <p data-testid="tag-delete-text">
            {`Remove the tag ${tag} from ${plural(carriers)}? The messages stay.`}
          </p>
          <div className="confirm-actions">
            <button type="button" onClick={() => setCarriers(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="danger-button"
              data-testid="tag-delete-confirm"
              onClick={() => void remove()}
            >
              Delete tag
            </button>
          </div>
        </div>
      )}
      {failure && (
        <p className="error" role="alert" data-testid="tag-error">
          {failure}
        </p>
      )}
    </li>
  );
}

/**
 * Mailpit's "Edit tags": rename a tag on every message, or take it off every message (no message
 * is deleted). The tag filter follows a renamed or deleted tag.
 */
export function EditTagsDialog(props: {
  onClose(): void;
  onRenamed(from: string, to: string): void;
  onDeleted(tag: string): void;
}) {
  const api = useApi();
  const tags = useTagsInUse(api);
  return (
    <Dialog
      title="Edit tags"
      onClose={props.onClose}
      className="edit-tags-dialog"
      testId="edit-tags-dialog"
    >
      <p>
        Renaming a tag renames it on every message. Deleting a tag takes it off every message; no
        message is deleted.
      </p>
      {tags.length === 0 ? (
        <p className="body-notice">No message has a tag yet.</p>
      ) : (
        <ul className="tag-rows">
          {tags.map((tag) => (
            <TagRow key={tag} tag={tag} onRenamed={props.onRenamed} onDeleted={props.onDeleted} />
          ))}
        </ul>
      )}
    </Dialog>
  );
}
