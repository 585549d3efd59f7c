import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { tagChipStyle, useTagColours } from './tag-colours';
import { useApi } from '../api/api-context';
import { cleanTag, typedTagProblem } from '../api/contract';
import { serverWords } from '../api/http-transport';

/**
 * The opened message's tags as Mailpit's message view has them: each one shows the list of
 * messages with that tag when clicked, × takes it off, and a field adds one (the tags in use are
 * offered). A name the server would clean (Mailpit's rule: `bad,tag!` kept as `bad tag`) is not
 * saved as if it were what was typed: the field keeps it, and says which characters a tag cannot
 * hold and what it would be saved as, with a button to save that. The tags shown are what the
 * server kept, from the message's update event.
 */
/** Tags as a set to compare: the server keeps them sorted, a save lists them as added. */
function tagSet(tags: readonly string[]): string {
  return JSON.stringify(tags.map((tag) => tag.toLowerCase()).sort());
}

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
  /** The typed name refused, with what it would be saved as ('' when nothing would be left). */
  const [refused, setRefused] = useState<{ problem: string; cleaned: string } | null>(null);
  const listId = useId();
  const problemId = useId();
  const chips = useRef<HTMLUListElement>(null);
  const field = useRef<HTMLInputElement>(null);
  // The × pressed (its chip's place), or the "Save as" button: either goes with what it did, and
  // the focus would fall to the page. It goes to the chip now in that place (the one before when
  // the last went), or to the field when no tag is left; "Save as" gives it to the field.
  const refocus = useRef<number | 'field' | null>(null);
  useLayoutEffect(() => {
    const at = refocus.current;
    if (at === null) return;
    refocus.current = null;
    const removers = [...(chips.current?.querySelectorAll<HTMLElement>('.tag-remove') ?? [])];
    const target = at === 'field' ? null : (removers[at] ?? removers.at(-1));
    (target ?? field.current)?.focus();
  }, [tags, refused]);

  // Our saves whose update event has not come back. Each save's event comes after it, and live
  // events come in batches, so with × pressed on three tags in a row the first's event
  // ([alpha, gamma]) could come after the third's removal had been answered and put removed tags
  // back, and a tag added then was saved beside them (e2e/keyboard-focus under load). An event
  // is applied only once the echoes of our saves are in: the one of the latest save ends them.
  // The server answers every save with one, also a save that changed nothing (message-tags.ts).
  const echoes = useRef({ waiting: 0, latest: '' });
  useEffect(
    () =>
      api.onEvent((event) => {
        if (event.Type !== 'update' || event.Data.ID !== messageId || !event.Data.Tags) return;
        const pending = echoes.current;
        if (pending.waiting > 0) {
          // the latest save's echo is the server's word on it (in its order): shown; an older one
          // is not
          if (tagSet(event.Data.Tags) !== pending.latest) {
            pending.waiting -= 1;
            return;
          }
          pending.waiting = 0;
        }
        setTags(event.Data.Tags);
      }),
    [api, messageId],
  );

  const save = async (next: string[]) => {
    setFailure(null);
    const before = tags;
    setTags(next);
    echoes.current = { waiting: echoes.current.waiting + 1, latest: tagSet(next) };
    try {
      await api.setTags([messageId], next);
    } catch (error) {
      // a refused save sends no event
      echoes.current.waiting = Math.max(0, echoes.current.waiting - 1);
      setTags(before);
      setFailure(serverWords(error));
    }
  };

  const addTag = (name: string) => {
    setAdding('');
    setRefused(null);
    if (tags.some((tag) => tag.toLowerCase() === name.toLowerCase())) return;
    void save([...tags, name]);
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    const name = adding.trim();
    if (name === '') return;
    const problem = typedTagProblem(name);
    if (problem !== null) {
      setRefused({ problem, cleaned: name.length > 100 ? '' : cleanTag(name) });
      return;
    }
    addTag(name);
  };

  const colours = useTagColours();
  return (
    <div className="tag-editor" data-testid="tag-editor">
      <ul className="tag-chips" aria-label="Tags" ref={chips}>
        {tags.map((tag, index) => (
          <li
            key={tag}
            className={`tag-chip editable${colours.on ? ' coloured' : ''}`}
            style={tagChipStyle(tag, colours.on)}
            data-testid="tag-chip"
            // Delete on a tag takes the tag off, as in a mail client's tag field: the page-wide
            // Delete (the message itself, for good) was one key away from a user on a tag
            onKeyDown={(event) => {
              if (event.key !== 'Delete' && event.key !== 'Backspace') return;
              if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
              event.preventDefault();
              refocus.current = index;
              void save(tags.filter((t) => t !== tag));
            }}
          >
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
              onClick={() => {
                refocus.current = index;
                void save(tags.filter((t) => t !== tag));
              }}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="tag-add" onSubmit={add}>
        <input
          ref={field}
          type="text"
          value={adding}
          list={listId}
          maxLength={100}
          placeholder="Add a tag…"
          aria-label="Add a tag"
          aria-invalid={refused !== null || undefined}
          aria-describedby={refused ? problemId : undefined}
          data-testid="tag-input"
          onFocus={() =>
            void api.tags().then(
              (list) => setKnown(list),
              () => undefined,
            )
          }
          onChange={(event) => {
            setAdding(event.target.value);
            setRefused(null);
          }}
        />
        <datalist id={listId}>
          {known
            .filter((tag) => !tags.includes(tag))
            .map((tag) => (
              <option key={tag} value={tag} />
            ))}
        </datalist>
      </form>
      {refused && (
        <span className="tag-problem error" id={problemId} role="alert" data-testid="tag-problem">
          {refused.problem}
          {refused.cleaned !== '' && (
            <button
              type="button"
              onClick={() => {
                refocus.current = 'field';
                addTag(refused.cleaned);
              }}
            >
              Save as “{refused.cleaned}”
            </button>
          )}
        </span>
      )}
      {failure && (
        <span className="error" role="alert">
          {failure}
        </span>
      )}
    </div>
  );
}
