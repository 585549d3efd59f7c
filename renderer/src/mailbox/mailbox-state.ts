// The mail list as a pure function of what happened: loads and live events. Kept apart from
// React so it can be tested (and reasoned about) without a DOM.
import type { MessageSummary, MessagesPage, RelaydeskEvent } from '../api/contract';

export interface MailboxState {
  /** Newest first, as the server returns them. */
  messages: MessageSummary[];
  /** The search shown, or '' for the whole mailbox. */
  query: string;
  /** Counts over the whole mailbox (not the search). */
  total: number;
  unread: number;
  /** Messages matching the current view, which for a search may exceed `messages.length`. */
  matching: number;
  loading: boolean;
  error: string | null;
  /**
   * Messages announced by `new` while a load was in flight. The page may have been read on the
   * server before they arrived, so they are merged into it rather than lost.
   */
  arrivedDuringLoad: MessageSummary[];
}

export type MailboxAction =
  | { type: 'load-started'; query: string }
  | { type: 'page-loaded'; query: string; page: MessagesPage }
  | { type: 'load-failed'; query: string; error: string }
  | { type: 'read-set'; ids: string[]; read: boolean }
  | { type: 'event'; event: RelaydeskEvent };

export const emptyMailbox: MailboxState = {
  messages: [],
  query: '',
  total: 0,
  unread: 0,
  matching: 0,
  loading: true,
  error: null,
  arrivedDuringLoad: [],
};

export function mailboxReducer(state: MailboxState, action: MailboxAction): MailboxState {
  switch (action.type) {
    case 'load-started':
      return { ...state, query: action.query, loading: true, error: null, arrivedDuringLoad: [] };
    case 'page-loaded': {
      if (action.query !== state.query) return state; // an older search answered late
      const { page } = action;
      const loaded = new Set(page.messages.map((message) => message.ID));
      const missed = state.arrivedDuringLoad.filter((message) => !loaded.has(message.ID));
      return {
        ...state,
        messages: [...missed, ...page.messages],
        total: page.messages_count,
        unread: page.messages_unread,
        matching: page.total + missed.length,
        loading: false,
        error: null,
        arrivedDuringLoad: [],
      };
    }
    case 'load-failed':
      if (action.query !== state.query) return state;
      return { ...state, loading: false, error: action.error };
    case 'read-set':
      return applyReadChange(state, new Set(action.ids), action.read);
    case 'event':
      return applyEvent(state, action.event);
  }
}

function applyEvent(state: MailboxState, event: RelaydeskEvent): MailboxState {
  switch (event.Type) {
    case 'new':
      return applyArrival(state, event.Data);
    case 'update': {
      const { ID, Read, Tags } = event.Data;
      const withRead = Read === undefined ? state : applyReadChange(state, new Set([ID]), Read);
      if (Tags === undefined) return withRead;
      return {
        ...withRead,
        messages: withRead.messages.map((m) => (m.ID === ID ? { ...m, Tags } : m)),
      };
    }
    case 'delete':
      return applyDeletion(state, event.Data === null ? null : new Set(event.Data.IDs));
    case 'stats':
      return { ...state, total: event.Data.Total, unread: event.Data.Unread };
    default:
      // relay events (upstream pause, log lines) do not change the list
      return state;
  }
}

function applyArrival(state: MailboxState, message: MessageSummary): MailboxState {
  if (state.messages.some((m) => m.ID === message.ID)) return state;
  const counted = {
    ...state,
    total: state.total + 1,
    unread: state.unread + (message.Read ? 0 : 1),
  };
  // Whether a new message matches a search is the server's call (useMailbox re-runs it).
  if (state.query !== '') return counted;
  if (state.loading) {
    return { ...counted, arrivedDuringLoad: [message, ...state.arrivedDuringLoad] };
  }
  return { ...counted, messages: [message, ...state.messages], matching: state.matching + 1 };
}

function applyDeletion(state: MailboxState, ids: Set<string> | null): MailboxState {
  if (ids === null) {
    return { ...state, messages: [], total: 0, unread: 0, matching: 0, arrivedDuringLoad: [] };
  }
  const removed = state.messages.filter((m) => ids.has(m.ID));
  if (removed.length === 0) return state;
  const removedUnread = removed.filter((m) => !m.Read).length;
  return {
    ...state,
    messages: state.messages.filter((m) => !ids.has(m.ID)),
    total: Math.max(0, state.total - removed.length),
    unread: Math.max(0, state.unread - removedUnread),
    matching: Math.max(0, state.matching - removed.length),
  };
}

function applyReadChange(state: MailboxState, ids: Set<string>, read: boolean): MailboxState {
  let delta = 0;
  const messages = state.messages.map((m) => {
    if (!ids.has(m.ID) || m.Read === read) return m;
    delta += read ? -1 : 1;
    return { ...m, Read: read };
  });
  if (delta === 0) return state;
  return { ...state, messages, unread: Math.max(0, state.unread + delta) };
}
