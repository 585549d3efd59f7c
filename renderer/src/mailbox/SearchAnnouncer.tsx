import { useEffect, useRef, useState } from 'react';

/** What a screen reader hears when a search has answered. Pure. */
export function searchSentence(total: number): string {
  if (total === 0) return 'No message matches this search';
  return `${total.toLocaleString()} ${total === 1 ? 'message matches' : 'messages match'}`;
}

/**
 * A search's count said once it answers (a polite live region): a sighted user sees the list
 * change and the toolbar's "3 of 340 messages", a screen reader user pressing Enter in the box
 * heard nothing. Said once per search, not again as mail arrives (that is the arrival
 * announcer's), and emptied when the search changes, so a second search with the same count is
 * said too.
 */
export function SearchAnnouncer(props: {
  /** The user's search (and tag filter) the list shows; '' when none narrows it. */
  query: string;
  /** The list has the server's answer for this query. */
  ready: boolean;
  total: number;
}) {
  const { query, ready, total } = props;
  const [sentence, setSentence] = useState('');
  const said = useRef<string | null>(null);
  useEffect(() => {
    if (said.current === query) return;
    if (query === '' || !ready) {
      said.current = null;
      setSentence('');
      return;
    }
    said.current = query;
    setSentence(searchSentence(total));
  }, [query, ready, total]);
  return (
    <p className="visually-hidden" role="status" data-testid="search-announcer">
      {sentence}
    </p>
  );
}
