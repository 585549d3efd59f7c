import { useEffect, useRef, useState, type Ref } from 'react';
import { SearchSyntaxHelp } from './SearchSyntaxHelp';

const TYPING_PAUSE_MS = 300;

/** An odd number of `"`: a quoted phrase being typed (the server refuses it, naming the fix). */
function hasOpenQuote(text: string): boolean {
  return (text.match(/"/g) ?? []).length % 2 === 1;
}

/**
 * Search in Mailpit's syntax (`from:`, `to:`, `subject:`, `is:unread`, `has:attachment`, quoted
 * phrases, `-` to negate). Runs after a pause in typing, or at once on Enter.
 */
export function SearchBox({
  onSearch,
  inputRef,
  onLeave,
  preset,
}: {
  /** `how`: after a pause in typing, or on Enter (a search the address's history keeps). */
  onSearch(query: string, how: 'typed' | 'submitted'): void;
  inputRef?: Ref<HTMLInputElement>;
  onLeave?(): void;
  /** A search put in the box from outside (the Quarantine view); `n` tells repeats apart. */
  preset?: { query: string; n: number };
}) {
  // the search the page opened with (from its address) is in the box from the start
  const [text, setText] = useState(preset?.query ?? '');
  // What the box holds now, and the pause's timer. A search put in from outside (a mailbox picked
  // in the sidebar clears it) lands a render after the click: a pause ending in between must not
  // bring the old words back, as it did when its timer fired first on a busy machine.
  const latest = useRef(text);
  const typing = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    if (!preset) return;
    latest.current = preset.query;
    clearTimeout(typing.current);
    setText(preset.query);
    // a search put in from outside (Quarantine in the menu, a mailbox in the sidebar, Back) is
    // not being typed: the list follows at once, not after the typing pause
    onSearch(preset.query.trim(), 'typed');
  }, [preset, onSearch]);

  useEffect(() => {
    latest.current = text;
    // halfway through typing subject:"weekly report" the phrase is still open: the list keeps
    // the last search until the closing quote (Enter runs it as it is, and says what is wrong)
    if (hasOpenQuote(text)) return;
    const timer = setTimeout(() => {
      if (latest.current === text) onSearch(text.trim(), 'typed');
    }, TYPING_PAUSE_MS);
    typing.current = timer;
    return () => clearTimeout(timer);
  }, [text, onSearch]);

  return (
    <form
      className="search-box"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        clearTimeout(typing.current); // Enter ran it: the pause has nothing left to do
        onSearch(text.trim(), 'submitted');
      }}
    >
      <input
        ref={inputRef}
        type="search"
        data-testid="search-input"
        aria-label="Search messages"
        aria-describedby="search-hint"
        placeholder='Search: from:ada subject:"invoice" is:unread'
        value={text}
        spellCheck={false}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          // down to the messages found, the search kept: Escape clears it first, and Tab passes
          // the toolbar and the sidebar on the way
          if (event.key === 'ArrowDown' && onLeave) {
            event.preventDefault();
            onLeave();
            return;
          }
          if (event.key !== 'Escape') return;
          if (text !== '') setText('');
          else onLeave?.();
        }}
      />
      <div className="search-hint-row">
        <span id="search-hint" className="search-hint">
          {/* mailbox: (Relaydesk's own) is in the whole list, so the line fits beside its link at 1280 px */}
          from: to: subject: is:unread has:attachment before: after: "phrase" -negate
        </span>
        <SearchSyntaxHelp />
      </div>
    </form>
  );
}
