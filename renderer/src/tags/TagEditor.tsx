import { useEffect, useId, useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';

/**
 * The opened message's tags as Mailpit's message view has them: each one shows the list of
 * messages with that tag when clicked, × takes it off, and a field adds one (the tags in use are
 * offered). The server cleans a name as Mailpit does; the tags shown are what it kept, from the
 * message's update event.
 */
export function TagEditor(props: {
  messageId: string;
  tags: readonly string[];
  onShowTag(tag: string): void;
}) {
  const api = useApi();
  const { messageId } = props;
  const [tags, setTags] = useState<readonly string[]>(props.tags);
  const [adding, setAdding] = useState('');
  const [known, setKnown] = useState<string[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const listId = useId();

  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.Type === 'update' && event.Data.ID === messageId && event.Data.Tags) {
          setTags(event.Data.Tags);
        }
      }),
    [api, messageId],
  );

  const save = async (next: string[]) => {
    setFailure(null);
    const before = tags;
    setTags(next);
    try {
      await api.setTags([messageId], next);
    } catch (error) {
      setTags(before);
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    const name = adding.trim();
    if (name === '') return;
    setAdding('');
    if (tags.some((tag) => tag.toLowerCase() === name.toLowerCase())) return;
    void save([...tags, name]);
  };

  return (
    <div className="tag-editor" data-testid="tag-editor">
      <ul className="tag-chips" aria-label="Tags">
        {tags.map((tag) => (
          <li key={tag} className="tag-chip editable" data-testid="tag-chip">
            <button
              type="button"
              className="tag-name"
              data-testid="tag-name"
              title={`Show the messages tagged ${tag}`}
              onClick={() => props.onShowTag(tag)}
            >
              {tag}
            </button>
            <button
              type="button"
              className="tag-remove"
              aria-label={`Remove the tag ${tag}`}
              onClick={() => void save(tags.filter((t) => t !== tag))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="tag-add" onSubmit={add}>
        <input
          type="text"
          value={adding}
          list={listId}
          maxLength={100}
          placeholder="Add a tag…"
          aria-label="Add a tag"
          data-testid="tag-input"
          onFocus={() =>
            void api.tags().then(
              (list) => setKnown(list),
              () => undefined,
            )
          }
          onChange={(event) => setAdding(event.target.value)}
        />
        <datalist id={listId}>
          {known
            .filter((tag) => !tags.includes(tag))
            .map((tag) => (
              <option key={tag} value={tag} />
            ))}
        </datalist>
      </form>
      {failure && (
        <span className="error" role="alert">
          {failure}
        </span>
      )}
    </div>
  );
}
