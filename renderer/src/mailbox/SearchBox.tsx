import { useEffect, useState, type Ref } from 'react';

const TYPING_PAUSE_MS = 300;

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
  onSearch(query: string): void;
  inputRef?: Ref<HTMLInputElement>;
  onLeave?(): void;
  /** A search put in the box from outside (the Quarantine view); `n` tells repeats apart. */
  preset?: { query: string; n: number };
}) {
  const [text, setText] = useState('');

  useEffect(() => {
    if (preset) setText(preset.query);
  }, [preset]);

  useEffect(() => {
    const timer = setTimeout(() => onSearch(text.trim()), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, onSearch]);

  return (
    <form
      className="search-box"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(text.trim());
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
          if (event.key !== 'Escape') return;
          if (text !== '') setText('');
          else onLeave?.();
        }}
      />
      <span id="search-hint" className="search-hint">
        from: to: subject: is:unread has:attachment before: after: mailbox: "phrase" -negate
      </span>
    </form>
  );
}
