import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type Ref,
} from 'react';
import type { MessageSummary } from '../api/contract';
import { MessageRow, messageRowId } from './MessageRow';
import { viewQuery, type ListView, type MessageWindow } from './message-window';
import { gestureOf, select, type Selection } from './selection';

/** Fixed, so positions are arithmetic and an arrival can move the scroll by exactly its height. */
export const ROW_HEIGHT = 66;

export interface MessageListHandle {
  move(to: number | 'first' | 'last'): void;
  /**
   * The next (1) or previous (-1) message becomes the active one and opens: with none active
   * yet, the first one (the newest); at either end it stays.
   */
  step(delta: 1 | -1): void;
  openActive(): void;
  focus(): void;
  /**
   * The focus to the list, on this message (kept by ID, so it holds while the list catches up
   * with a delete): what the keyboard works on once the button it pressed has gone.
   */
  focusOn(messageId: string | null): void;
}

/**
 * The mail list as a virtualised listbox: one tab stop, j/k and the arrows move, Enter opens,
 * Space, Shift and Ctrl select. Only the rows in sight (plus a margin) are in the DOM; the
 * rest are counted (aria-setsize) and fetched a page at a time as they scroll into view.
 */
export function MessageList(props: {
  window: MessageWindow;
  ensureRows(first: number, last: number): void;
  selection: Selection;
  onSelection(selection: Selection): void;
  openedId: string | null;
  onOpen(message: MessageSummary): void;
  onDelete(): void;
  /**
   * While the list is empty: the id of what the empty-state above it says (how to send mail, or
   * that no message matches), read out with the list when it has the focus.
   */
  emptyDescription?: string;
  /** A tag chip in a row clicked. */
  onShowTag(tag: string): void;
  /**
   * The first row in sight once a scroll has settled; `moved` when the list moved it (a row
   * scrolled back to, mail arriving on top) rather than the user.
   */
  onTopRow?(index: number, moved: boolean): void;
  /** Scroll to this row once this view's rows are there (a reload's or Back's `start=`). */
  scrollTo?: { row: number; view: ListView } | null;
  handle?: Ref<MessageListHandle>;
}) {
  const { ensureRows, selection, onSelection, onOpen } = props;
  const list = useHeldWhilePressed(props.window);
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState<{ id: string | null; index: number }>({
    id: null,
    index: -1,
  });
  const activeIndex =
    active.id !== null ? (list.positions.get(active.id) ?? active.index) : active.index;

  const scrolledTo = useRef<{ row: number; view: ListView } | null>(null);
  const readyRef = useRef(list.ready);
  readyRef.current = list.ready;
  const pendingScroll = useRef(false);
  pendingScroll.current = !!props.scrollTo && scrolledTo.current !== props.scrollTo;
  /** The next settled scroll was the list's doing, not the user's. */
  const movedByList = useRef(false);
  const reportTop = useRef(props.onTopRow);
  reportTop.current = props.onTopRow;
  const virtualizer = useVirtualizer({
    count: list.total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    onChange: (instance, scrolling) => {
      // before the row the address names is scrolled to, the top is not where the user is
      if (scrolling || instance.scrollOffset === null || !readyRef.current) return;
      if (pendingScroll.current) return;
      const moved = movedByList.current;
      movedByList.current = false;
      reportTop.current?.(Math.round(instance.scrollOffset / ROW_HEIGHT), moved);
    },
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items.at(-1)?.index ?? 0;

  useEffect(() => {
    ensureRows(first, last);
  }, [ensureRows, first, last, list.generation, list.total, list.inserted, list.ready]);

  // Mail arriving on top pushes the rows down; scroll by as much, so what the user is reading
  // stays put. At the very top the new mail simply shows, as in every mail client.
  const seenInserted = useRef(list.inserted);
  useLayoutEffect(() => {
    const added = list.inserted - seenInserted.current;
    seenInserted.current = list.inserted;
    const element = scroller.current;
    if (!element) return;
    // the virtualizer's own record of the offset: reading scrollTop here made the browser lay
    // the page out in the middle of every render that mail arrived in
    if (added < 0)
      element.scrollTop = 0; // a new view
    else if (added > 0 && (virtualizer.scrollOffset ?? 0) > 0) {
      movedByList.current = true;
      element.scrollTop += added * ROW_HEIGHT;
    }
  }, [list.inserted]);

  // a row named by the address, once the view it was named in has its rows
  const { scrollTo } = props;
  useEffect(() => {
    if (!scrollTo || scrolledTo.current === scrollTo || !list.ready) return;
    if (viewQuery(list.view) !== viewQuery(scrollTo.view)) return;
    scrolledTo.current = scrollTo;
    pendingScroll.current = false;
    const row = Math.min(scrollTo.row, Math.max(0, list.total - 1));
    if (Math.round((virtualizer.scrollOffset ?? 0) / ROW_HEIGHT) === row) return;
    movedByList.current = true;
    virtualizer.scrollToIndex(row, { align: 'start' });
  }, [scrollTo, list.ready, list.view, list.total]);

  const moveTo = (index: number, extend = false) => {
    if (list.total === 0) return;
    const target = Math.max(0, Math.min(list.total - 1, index));
    const message = list.rows.get(target);
    setActive({ id: message?.ID ?? null, index: target });
    // A key that moves past the rows in sight scrolls the list: that scroll is the list's doing,
    // so crossing into another 50 rows replaces the address's entry instead of pushing one (Back
    // would otherwise step through every page j went by); a scroll by wheel or bar still pushes.
    const offset = virtualizer.scrollOffset ?? 0;
    const inSight = scroller.current?.clientHeight ?? 0;
    const rowTop = target * ROW_HEIGHT;
    if (rowTop < offset || rowTop + ROW_HEIGHT > offset + inSight) movedByList.current = true;
    virtualizer.scrollToIndex(target, { align: 'auto' });
    if (extend && message) {
      onSelection(select(selection, 'range', message.ID, list.rows, list.positions));
    }
  };

  // A row moved to before it was loaded becomes an ID once it is, so arrivals cannot move it.
  useEffect(() => {
    if (active.id !== null || active.index < 0) return;
    const message = list.rows.get(active.index);
    if (message) setActive({ id: message.ID, index: active.index });
  }, [active, list.rows]);

  const openAt = (index: number) => {
    const message = list.rows.get(index);
    if (!message) return;
    onSelection({ ids: new Set([message.ID]), anchor: message.ID });
    onOpen(message);
  };

  /** j and k: the next or previous message, opened, as Gmail's and Mailpit's keys do. */
  const step = (delta: number) => {
    if (list.total === 0) return;
    const target = activeIndex < 0 ? 0 : Math.max(0, Math.min(list.total - 1, activeIndex + delta));
    moveTo(target);
    openAt(target);
  };

  useImperativeHandle(props.handle, () => ({
    move: (to) =>
      moveTo(to === 'first' ? 0 : to === 'last' ? list.total - 1 : Math.max(0, activeIndex) + to),
    step,
    openActive: () => openAt(activeIndex),
    focus: () => scroller.current?.focus(),
    focusOn: (messageId) => {
      const index = messageId === null ? undefined : list.positions.get(messageId);
      if (messageId !== null && index !== undefined) setActive({ id: messageId, index });
      scroller.current?.focus();
    },
  }));

  const pageRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 600) / ROW_HEIGHT));

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const plain = !event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey;
    // j and k open the next message whether the list has the focus or not (here they used to
    // only move the cursor, so j did one thing after a click on a row and another after Tab);
    // the arrows stay a listbox's, moving the cursor (Shift extends the selection) for Enter
    if (plain && (event.key === 'j' || event.key === 'k')) {
      event.preventDefault();
      step(event.key === 'j' ? 1 : -1);
      return;
    }
    const from = Math.max(0, activeIndex);
    const moves: Record<string, number> = {
      ArrowDown: from + (activeIndex < 0 ? 0 : 1),
      ArrowUp: from - 1,
      Home: 0,
      End: list.total - 1,
      PageDown: from + pageRows,
      PageUp: from - pageRows,
    };
    const target = event.ctrlKey || event.metaKey || event.altKey ? undefined : moves[event.key];
    if (target !== undefined) {
      event.preventDefault();
      moveTo(target, event.shiftKey);
      return;
    }
    const message = list.rows.get(activeIndex);
    if (event.key === 'Enter' && message) {
      event.preventDefault();
      openAt(activeIndex);
    } else if (event.key === ' ' && message) {
      event.preventDefault();
      onSelection(select(selection, 'toggle', message.ID, list.rows, list.positions));
    } else if ((event.key === 'a' || event.key === 'A') && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      const ids = new Set([...list.rows.values()].map((m) => m.ID));
      onSelection({ ids, anchor: selection.anchor });
    } else if (event.key === 'Delete') {
      event.preventDefault();
      props.onDelete();
    }
  };

  const onPick = (index: number, event: MouseEvent) => {
    const message = list.rows.get(index);
    if (!message) return;
    const gesture = gestureOf(event);
    setActive({ id: message.ID, index });
    if (gesture === 'only') openAt(index);
    else onSelection(select(selection, gesture, message.ID, list.rows, list.positions));
  };

  const activeInDom = items.some((item) => item.index === activeIndex);

  return (
    <div
      ref={scroller}
      className="message-scroller"
      role="listbox"
      aria-label="Messages"
      aria-multiselectable="true"
      aria-busy={!list.ready}
      aria-describedby={props.emptyDescription}
      aria-activedescendant={activeInDom ? messageRowId(activeIndex) : undefined}
      tabIndex={0}
      data-testid="message-list"
      data-total={list.total}
      // the search the rows are of: a view just picked shows the last one's rows for a render
      data-view={viewQuery(list.view)}
      onKeyDown={onKeyDown}
      onPointerDown={list.press}
      onFocus={() => {
        // the cursor starts on the first row in sight, not the first row: a click on a row of a
        // list scrolled by wheel focuses it first, and row 0 scrolled the list back to the top
        // under the pointer, so the click missed its row
        if (activeIndex < 0 && list.total > 0) {
          moveTo(Math.ceil((virtualizer.scrollOffset ?? 0) / ROW_HEIGHT));
        }
      }}
    >
      <div className="message-rows" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const message = list.rows.get(item.index);
          return (
            <MessageRow
              key={message?.ID ?? `index-${item.index}`}
              index={item.index}
              total={list.total}
              message={message}
              selected={message ? selection.ids.has(message.ID) : false}
              active={item.index === activeIndex}
              opened={message?.ID === props.openedId}
              top={item.start}
              height={ROW_HEIGHT}
              onPick={onPick}
              onShowTag={props.onShowTag}
            />
          );
        })}
      </div>
    </div>
  );
}

/**
 * The rows as they were when a button went down on the list, until it comes up. New mail goes
 * on top and moves every row down: one arriving between the press and the release left the
 * release on another row, and the browser clicks on what both share, the list, so the click on
 * a row opened nothing. Held, the row pressed is the row that opens; the mail that came in the
 * meantime shows right after.
 */
function useHeldWhilePressed(current: MessageWindow): MessageWindow & { press(): void } {
  const [held, setHeld] = useState<MessageWindow | null>(null);
  const latest = useRef(current);
  latest.current = current;
  useEffect(() => {
    if (!held) return;
    const release = () => setHeld(null);
    window.addEventListener('pointerup', release);
    window.addEventListener('pointercancel', release);
    window.addEventListener('blur', release);
    return () => {
      window.removeEventListener('pointerup', release);
      window.removeEventListener('pointercancel', release);
      window.removeEventListener('blur', release);
    };
  }, [held]);
  const shown = held ?? current;
  return { ...shown, press: () => setHeld(latest.current) };
}
