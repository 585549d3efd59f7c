import { useEffect, useState } from 'react';

const TYPING_PAUSE_MS = 300;

/**
 * Search in Mailpit's syntax (`from:`, `to:`, `subject:`, `is:unread`, `has:attachment`, quoted
 * phrases, `-` to negate). Runs after a pause in typing, or at once on Enter.
 */
export function SearchBox({ onSearch }: { onSearch(query: string): void }) {
  const [text, setText] = useState('');

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
