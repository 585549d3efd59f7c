// The list as a window onto the server's view: the count of every message in it, and the rows
// loaded so far by position (0 = newest). Pages are fetched as the list scrolls, so 100,000
// messages cost only what is on screen. Pure, so the arithmetic of arrivals and late pages is
// tested without a DOM.
import type { MessageSummary, MessagesPage, RelaydeskEvent } from '../api/contract.js';
import { listPageSize } from '../../../preload/api-methods.js';

export const PAGE_SIZE = listPageSize;

/** What the list shows: one mailbox (or all) and a search in Mailpit's syntax. */
export interface ListView {
  mailbox: string | null;
  query: string;
}

export interface MessageWindow {
  view: ListView;
  /** Bumped when loaded rows may no longer sit where the server has them: pages are refetched. */
  generation: number;
  /** Messages in the view. */
  total: number;
  /**
   * Unread messages in the view, for the toolbar's "12 of 340, 3 unread" while a mailbox, tag or
   * search narrows the list (Mailpit's messages_unread, kept up as the rows change).
   */
  unread: number;
  rows: ReadonlyMap<number, MessageSummary>;
  positions: ReadonlyMap<string, number>;
  /** Messages put on top since the view opened, so a page asked for earlier lands right. */
  inserted: number;
  /** The first page has answered. */
  ready: boolean;
  error: string | null;
  /** Over every mailbox, for the status bar. */
  counts: { total: number; unread: number };
  /**
   * Read or unread set here and not yet answered for (by ID, with the change's token): an
   * `update` event saying otherwise was sent before the server took the change (opening marks
   * read, Mark unread at once; the open's event came after and showed the message read again, so
   * a second press marked it unread once more).
   */
  readSetHere: ReadonlyMap<string, { read: boolean; token: number }>;
}

export type WindowAction =
  | { type: 'view'; view: ListView }
  | {
      type: 'page';
      generation: number;
      start: number;
      /** `inserted` when the page was asked for. */
      insertedAtRequest: number;
      page: MessagesPage;
      /** The view it was asked for under (a page of an older generation may still be shown). */
      view?: ListView;
    }
  | { type: 'failed'; generation: number; error: string }
  | { type: 'refetch' }
  | { type: 'read'; ids: readonly string[]; read: boolean; token?: number }
  /** The server has answered a `read` change a while ago: its events say what is so again. */
  | { type: 'read-answered'; token: number }
  | {
      type: 'event';
      event: RelaydeskEvent;
      /** The rows on screen when it came: kept when arrivals make the list drop rows. */
      sight?: { first: number; last: number };
    }
  | {
      /** A batch of live events (event-batching.ts), applied in their order. */
      type: 'events';
      events: readonly RelaydeskEvent[];
      sight?: { first: number; last: number };
    };

/**
 * Rows kept loaded: beyond this many, an arrival drops those far from sight (they are fetched
 * again if scrolled to). Every arrival adds a row and copies them all: a window open through a
 * long capture with no cap would grow, and slow, without end.
 */
export const rowsKept = 20 * PAGE_SIZE;
/**
 * What stays loaded of a trimmed list: this many rows at the top and before sight, and twice as
 * many after it (arrivals push what is on screen down).
 */
const keptAround = 2 * PAGE_SIZE;

export function emptyWindow(view: ListView = { mailbox: null, query: '' }): MessageWindow {
  return {
    view,
    generation: 0,
    total: 0,
    unread: 0,
    rows: new Map(),
    positions: new Map(),
    inserted: 0,
    ready: false,
    error: null,
    counts: { total: 0, unread: 0 },
    readSetHere: new Map(),
  };
}

/** The search the server runs for a view: the mailbox filter and the user's own terms. */
export function viewQuery(view: ListView): string {
  const box = view.mailbox === null ? '' : `mailbox:${quoteTerm(view.mailbox)}`;
  return [box, view.query.trim()].filter(Boolean).join(' ');
}

function quoteTerm(value: string): string {
  return /[\s"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value;
}

/**
 * The message to open once `id` (and the rest of `deleted`) is gone from the list: the next one
 * down (older), else the nearest above, as Mailpit's Delete does; null when none is loaded.
 */
export function neighbourOf(
  state: MessageWindow,
  id: string,
  deleted: readonly string[] = [id],
): MessageSummary | null {
  const position = state.positions.get(id);
  if (position === undefined) return null;
  const kept = (index: number) => {
    const message = state.rows.get(index);
    return message && !deleted.includes(message.ID) ? message : undefined;
  };
  for (let index = position + 1; state.rows.has(index); index++) {
    const message = kept(index);
    if (message) return message;
  }
  for (let index = position - 1; state.rows.has(index); index--) {
    const message = kept(index);
    if (message) return message;
  }
  return null;
}

/** Which pages hold the rows `first..last` (inclusive). */
export function pagesFor(first: number, last: number, pageSize = PAGE_SIZE): number[] {
  if (last < first || last < 0) return [];
  const pages: number[] = [];
  for (let page = Math.floor(Math.max(0, first) / pageSize); page * pageSize <= last; page++) {
    pages.push(page);
  }
  return pages;
}

/** True when every row of the page is loaded (pages at the end may be short). */
export function pageLoaded(state: MessageWindow, page: number, pageSize = PAGE_SIZE): boolean {
  const end = Math.min(state.total, (page + 1) * pageSize);
  for (let index = page * pageSize; index < end; index++) {
    if (!state.rows.has(index)) return false;
  }
  return true;
}

function build(entries: Iterable<[number, MessageSummary]>) {
  const rows = new Map<number, MessageSummary>();
  const positions = new Map<string, number>();
  for (const [index, message] of entries) {
    const earlier = positions.get(message.ID);
    // moved (a page placing it elsewhere): its old row goes, unless another has taken it since
    if (earlier !== undefined && rows.get(earlier)?.ID === message.ID) rows.delete(earlier);
    rows.set(index, message);
    positions.set(message.ID, index);
  }
  return { rows, positions };
}

function shifted(state: MessageWindow, from: number, by: number): [number, MessageSummary][] {
  return [...state.rows].map(([index, message]) => [index >= from ? index + by : index, message]);
}

function matchesView(view: ListView, message: MessageSummary): boolean {
  return view.mailbox === null || view.mailbox.toLowerCase() === message.Mailbox.toLowerCase();
}

export function windowReducer(state: MessageWindow, action: WindowAction): MessageWindow {
  switch (action.type) {
    case 'view':
      return {
        ...emptyWindow(action.view),
        generation: state.generation + 1,
        counts: state.counts,
        readSetHere: state.readSetHere,
      };
    case 'refetch':
      return { ...state, generation: state.generation + 1 };
    case 'failed':
      if (action.generation !== state.generation) return state;
      return { ...state, error: action.error, ready: true };
    case 'page':
      return applyPage(state, action);
    case 'read': {
      const changed = applyRead(state, new Set(action.ids), action.read);
      if (action.token === undefined) return changed;
      const readSetHere = new Map(state.readSetHere);
      for (const id of action.ids) readSetHere.set(id, { read: action.read, token: action.token });
      return { ...changed, readSetHere };
    }
    case 'read-answered': {
      const readSetHere = new Map(
        [...state.readSetHere].filter(([, change]) => change.token !== action.token),
      );
      return readSetHere.size === state.readSetHere.size ? state : { ...state, readSetHere };
    }
    case 'event':
      return trimmed(applyEvent(state, action.event), action.sight);
    case 'events':
      return trimmed(applyEvents(state, action.events), action.sight);
  }
}

/**
 * A batch of events as if one after the other, but each run of arrivals put on top in one go:
 * one at a time, every arrival copied every loaded row (up to rowsKept), so a batch cost the
 * page as many copies as it held messages.
 */
function applyEvents(state: MessageWindow, events: readonly RelaydeskEvent[]): MessageWindow {
  let current = state;
  let arrivals: MessageSummary[] = [];
  for (const event of events) {
    if (event.Type === 'new') {
      arrivals.push(event.Data);
      continue;
    }
    current = applyEvent(applyArrivals(current, arrivals), event);
    arrivals = [];
  }
  return applyArrivals(current, arrivals);
}

/** Messages that arrived, oldest first: counted, and the newest on top of the list. */
function applyArrivals(state: MessageWindow, arrivals: readonly MessageSummary[]): MessageWindow {
  if (arrivals.length === 0) return state;
  const seen = new Set<string>();
  const counts = { ...state.counts };
  const onTop: MessageSummary[] = [];
  let generation = state.generation;
  for (const message of arrivals) {
    if (state.positions.has(message.ID) || seen.has(message.ID)) continue;
    seen.add(message.ID);
    counts.total += 1;
    counts.unread += message.Read ? 0 : 1;
    if (!matchesView(state.view, message)) continue;
    // Whether it matches a search is the server's call: look again.
    if (state.view.query.trim() !== '') generation += 1;
    else onTop.push(message);
  }
  onTop.sort(listOrder);
  const top = state.rows.get(0);
  const first = onTop[0];
  if (first && state.total > 0 && (top === undefined || listOrder(first, top) < 0)) {
    // Received before the list's newest (with --use-message-dates, a Date header from the past):
    // its place is further down, which only the server knows. Look again.
    return { ...state, counts, generation: generation + 1 };
  }
  return putOnTop({ ...state, counts, generation }, onTop);
}

/**
 * The server's order, oldest first: by the time received (Mailpit's Created: the arrival, or
 * the Date header with --use-message-dates). Messages of the same time stay in the order they
 * arrived in, as the server's IDs (given in that order) keep them: the sort is stable.
 */
function listOrder(a: MessageSummary, b: MessageSummary): number {
  return Date.parse(a.Created) - Date.parse(b.Created);
}

/** Messages of the view new to the list, oldest first: on top, the rows below moved down. */
function putOnTop(state: MessageWindow, messages: readonly MessageSummary[]): MessageWindow {
  if (messages.length === 0) return state;
  const placed = messages.map((m, i): [number, MessageSummary] => [messages.length - 1 - i, m]);
  return {
    ...state,
    ...build([...shifted(state, 0, messages.length), ...placed]),
    total: state.total + messages.length,
    unread: state.unread + messages.filter((m) => !m.Read).length,
    inserted: state.inserted + messages.length,
  };
}

function applyPage(
  state: MessageWindow,
  action: Extract<WindowAction, { type: 'page' }>,
): MessageWindow {
  // A page asked for before the last refetch is stale, except while the list shows nothing yet
  // and it is of the same view: then it is the first paint (at start the event stream opens and
  // refetches while the first page is on its way), and the refetch's answer lands on top of it.
  const firstPaint =
    !state.ready && action.view !== undefined && viewQuery(action.view) === viewQuery(state.view);
  if (action.generation !== state.generation && !firstPaint) return state;
  const { page, start } = action;
  // Align by a message already placed when there is one: an arrival may have been counted
  // before or after the server read this page, and only the IDs tell which.
  let offset = state.inserted - action.insertedAtRequest;
  for (let i = 0; i < page.messages.length; i++) {
    const known = state.positions.get((page.messages[i] as MessageSummary).ID);
    if (known !== undefined) {
      offset = known - (start + i);
      break;
    }
  }
  // Rows above the top: messages the list has not placed yet, above one it has. A search's
  // arrivals are not put on top when they come (which match is the server's call), so its page
  // asked again is the first to show them; aligned by the row below, they went to rows -1, -2…,
  // and new mail that matched a search never showed in it. They go on top, as arrivals do.
  const above = -(start + offset);
  if (above > 0) {
    const arrived = page.messages.slice(0, above).reverse();
    return applyPage(putOnTop(state, arrived), action);
  }
  const placed = page.messages.map((m, i): [number, MessageSummary] => [start + i + offset, m]);
  const { rows, positions } = build([...state.rows, ...placed]);
  return {
    ...state,
    rows,
    positions,
    // Mailpit's shape: messages_count is what matches the view, total is every message
    total: offset === 0 ? page.messages_count : Math.max(state.total, page.messages_count + offset),
    // arrivals since the page was asked for were counted on arrival; the next page sets it right
    unread: offset === 0 ? page.messages_unread : Math.max(state.unread, page.messages_unread),
    counts: { total: page.total, unread: page.unread },
    ready: true,
    error: null,
  };
}

/** Drops the rows far from sight and from the top once more than `rowsKept` are loaded. */
function trimmed(state: MessageWindow, sight = { first: 0, last: 0 }): MessageWindow {
  if (state.rows.size <= rowsKept) return state;
  // sight is from before the arrival: what was on screen has moved down by as many rows since
  const near = (index: number): boolean =>
    index < keptAround ||
    (index >= sight.first - keptAround && index <= sight.last + keptAround * 2);
  return { ...state, ...build([...state.rows].filter(([index]) => near(index))) };
}

function applyRead(state: MessageWindow, ids: Set<string>, read: boolean): MessageWindow {
  let delta = 0;
  const entries = [...state.rows].map(([index, m]): [number, MessageSummary] => {
    if (!ids.has(m.ID) || m.Read === read) return [index, m];
    delta += read ? -1 : 1;
    return [index, { ...m, Read: read }];
  });
  if (delta === 0) return state;
  return {
    ...state,
    ...build(entries),
    // the rows changed are the view's: its unread change as the whole store's do
    unread: Math.max(0, state.unread + delta),
    counts: { ...state.counts, unread: Math.max(0, state.counts.unread + delta) },
  };
}

function applyEvent(state: MessageWindow, event: RelaydeskEvent): MessageWindow {
  switch (event.Type) {
    case 'new':
      return applyArrivals(state, [event.Data]);
    case 'update': {
      const { ID, Read, Tags, Status } = event.Data;
      const at = state.positions.get(ID);
      const stale = Read !== undefined && state.readSetHere.get(ID)?.read === !Read;
      const withRead = Read === undefined || stale ? state : applyRead(state, new Set([ID]), Read);
      if (at === undefined || (Tags === undefined && Status === undefined)) return withRead;
      const current = withRead.rows.get(at) as MessageSummary;
      const next = { ...current, ...(Tags ? { Tags } : {}), ...(Status ? { Status } : {}) };
      return { ...withRead, ...build([...withRead.rows, [at, next]]) };
    }
    case 'delete': {
      if (event.Data === null) {
        return {
          ...emptyWindow(state.view),
          generation: state.generation + 1,
          ready: true,
          counts: { total: 0, unread: 0 },
        };
      }
      const ids = new Set(event.Data.IDs);
      const doomed = [...ids].flatMap((id) => {
        const at = state.positions.get(id);
        return at === undefined ? [] : [at];
      });
      const gone = doomed.map((at) => state.rows.get(at) as MessageSummary);
      const unreadGone = gone.filter((m) => !m.Read).length;
      const counts = {
        total: Math.max(0, state.counts.total - ids.size),
        unread: Math.max(0, state.counts.unread - unreadGone),
      };
      const unread = Math.max(0, state.unread - unreadGone);
      if (doomed.length < ids.size && event.Data.Oldest && viewQuery(state.view) === '') {
        // The oldest of all (pruning at the cap): the last rows of this list, so every row
        // before them stays where it is and nothing needs asking again (at the cap this came
        // with every few arrivals, and each refetch cost the server a page and the GUI a render).
        const total = Math.max(0, state.total - ids.size);
        const kept = [...state.rows].filter(([index, m]) => index < total && !ids.has(m.ID));
        return { ...state, ...build(kept), total, unread, counts };
      }
      if (doomed.length < ids.size) {
        // Some were not loaded, so where the rest now sit is unknown: ask the server again.
        const kept = [...state.rows].filter(([, m]) => !ids.has(m.ID));
        return { ...state, ...build(kept), unread, counts, generation: state.generation + 1 };
      }
      const sorted = doomed.sort((a, b) => a - b);
      const kept = [...state.rows].flatMap(([index, m]): [number, MessageSummary][] => {
        if (ids.has(m.ID)) return [];
        const before = sorted.filter((d) => d < index).length;
        return [[index - before, m]];
      });
      return {
        ...state,
        ...build(kept),
        total: Math.max(0, state.total - doomed.length),
        unread,
        counts,
      };
    }
    case 'stats':
      return { ...state, counts: { total: event.Data.Total, unread: event.Data.Unread } };
    default:
      return state;
  }
}
