import { useEffect, useState, type KeyboardEvent } from 'react';
import type { MessageSummary } from '../api/contract';
import { MessageRow, messageRowId } from './MessageRow';

/**
 * The mail list as a listbox: one tab stop, arrow keys move, Enter opens. The row under the
 * keyboard ("active") is tracked apart from the opened one, as in mail clients, so browsing
 * with the arrows does not mark every message read on the way.
 */
export function MessageList(props: {
  messages: MessageSummary[];
  openedId: string | null;
  loading: boolean;
  error: string | null;
  searching: boolean;
  onOpen(message: MessageSummary): void;
}) {
  const { messages, openedId, onOpen } = props;
  const [activeId, setActiveId] = useState<string | null>(openedId);

  useEffect(() => {
    if (openedId) setActiveId(openedId);
  }, [openedId]);

  const activeIndex = messages.findIndex((m) => m.ID === activeId);
  const activeMessage = messages[activeIndex];

  useEffect(() => {
    if (activeId)
      document.getElementById(messageRowId(activeId))?.scrollIntoView({ block: 'nearest' });
  }, [activeId]);

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const last = messages.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(last, activeIndex + 1),
      ArrowUp: Math.max(0, activeIndex - 1),
      Home: 0,
      End: last,
    };
    const target = moves[event.key];
    if (target !== undefined && last >= 0) {
      event.preventDefault();
      setActiveId(messages[target]?.ID ?? null);
      return;
    }
    if ((event.key === 'Enter' || event.key === ' ') && activeMessage) {
      event.preventDefault();
      onOpen(activeMessage);
    }
  };

  return (
    <section className="message-list" aria-label="Message list">
      {props.error && (
        <p className="list-notice error" role="alert" data-testid="list-error">
          {props.error}
        </p>
      )}
      {!props.error && !props.loading && messages.length === 0 && (
        <p className="list-notice" data-testid="list-empty">
          {props.searching ? 'No messages match this search.' : 'No messages yet.'}
        </p>
      )}
      <ul
        role="listbox"
        aria-label="Messages"
        aria-busy={props.loading}
        aria-activedescendant={activeMessage ? messageRowId(activeMessage.ID) : undefined}
        tabIndex={0}
        data-testid="message-list"
        onKeyDown={onKeyDown}
        onFocus={() => {
          if (activeIndex < 0 && messages[0]) setActiveId(messages[0].ID);
        }}
      >
        {messages.map((message) => (
          <MessageRow
            key={message.ID}
            message={message}
            selected={message.ID === openedId}
            active={message.ID === activeId}
            onOpen={() => {
              setActiveId(message.ID);
              onOpen(message);
            }}
          />
        ))}
      </ul>
    </section>
  );
}
