import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import { Dialog } from '../layout/Dialog';
import { ConfirmActions } from '../layout/ConfirmActions';
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
  const deleteButton = useRef<HTMLButtonElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const questionId = useId();
  // Delete puts the focus on the question's Cancel (the question is read with it, and a second
  // Enter keeps the tag); Cancel gives it back to Delete. Each of them takes its button away.
  const [focusAfter, setFocusAfter] = useState<'keep' | 'delete' | null>(null);
  useLayoutEffect(() => {
    if (focusAfter === null) return;
    (focusAfter === 'keep' ? keepButton : deleteButton).current?.focus();
    setFocusAfter(null);
  }, [focusAfter]);

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
      setFocusAfter('keep');
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
            ref={deleteButton}
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
        <div
          className="tag-delete-confirm"
          role="group"
          aria-label={`Delete the tag ${tag}`}
          aria-describedby={questionId}
        >
          <p data-testid="tag-delete-text" id={questionId}>
            {`Remove the tag ${tag} from ${plural(carriers)}? The messages stay.`}
          </p>
          <ConfirmActions
            keepRef={keepButton}
            keepLabel="Cancel"
            onKeep={() => {
              setCarriers(null);
              setFocusAfter('delete');
            }}
            confirmLabel="Delete tag"
            onConfirm={() => void remove()}
            confirmTestId="tag-delete-confirm"
          />
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
  const body = useRef<HTMLDivElement>(null);
  // A renamed tag's row is a new row once the list reloads, and a deleted one's is gone: the
  // focus, in the renamed row's field or the deleted one's button, would fall out of the dialog
  // to the page. It goes to the renamed tag's field, or to the field of the row now in the
  // deleted one's place (the one before for the last, the dialog's Close when none is left).
  const refocus = useRef<{ renamed: string } | { deleted: string; index: number } | null>(null);
  useEffect(() => {
    const to = refocus.current;
    const rows = [
      ...(body.current?.querySelectorAll<HTMLElement>('[data-testid="tag-row"]') ?? []),
    ];
    if (!to) return;
    let row: HTMLElement | undefined;
    if ('renamed' in to) {
      row = rows.find((r) => r.dataset.tag === to.renamed);
      if (!row) return;
    } else {
      if (tags.includes(to.deleted)) return;
      row = rows[to.index] ?? rows.at(-1);
    }
    refocus.current = null;
    const target =
      row?.querySelector<HTMLElement>('input') ??
      body.current?.closest('dialog')?.querySelector<HTMLElement>('.dialog-close');
    target?.focus();
  }, [tags]);
  return (
    <Dialog
      title="Edit tags"
      onClose={props.onClose}
      className="edit-tags-dialog"
      testId="edit-tags-dialog"
    >
      <div ref={body}>
        <p>
          Renaming a tag renames it on every message. Deleting a tag takes it off every message; no
          message is deleted.
        </p>
        {tags.length === 0 ? (
          <p className="body-notice">No message has a tag yet.</p>
        ) : (
          <ul className="tag-rows">
            {tags.map((tag) => (
              <TagRow
                key={tag}
                tag={tag}
                onRenamed={(from, to) => {
                  refocus.current = { renamed: to };
                  props.onRenamed(from, to);
                }}
                onDeleted={(deleted) => {
                  refocus.current = { deleted, index: tags.indexOf(deleted) };
                  props.onDeleted(deleted);
                }}
              />
            ))}
          </ul>
        )}
      </div>
    </Dialog>
  );
}
