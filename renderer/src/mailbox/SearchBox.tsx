import { useEffect, useState } from 'react';

const TYPING_PAUSE_MS = 300;

/**
 * Search in Mailpit's syntax (`from:`, `to:`, `subject:`, `is:unread`, `has:attachment`, quoted
 * phrases, `-` to negate). Runs after a pause in typing, or at once on Enter.
 */
export function SearchBox({
  onSearch,
  preset,
}: {
  onSearch(query: string): void;
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
        type="search"
        data-testid="search-input"
        aria-label="Search messages"
        placeholder='Search: from:ada subject:"invoice" is:unread'
        value={text}
        spellCheck={false}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Escape') setText('');
        }}
      />
    </form>
  );
}
