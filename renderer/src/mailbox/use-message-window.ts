import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { EventStreamState, RendererApi } from '../api/client';
import type { MessagesPage } from '../api/contract';
import { ApiError, serverWords } from '../api/http-transport';
import {
  emptyWindow,
  pageLoaded,
  pagesFor,
  PAGE_SIZE,
  viewQuery,
  windowReducer,
  type ListView,
} from './message-window';

/**
 * Asks for the list's first page (the unfiltered list's page 0) before React first renders
 * (main.tsx), rather than from the list's effect after it: the rows then come one request's time
 * sooner (bench/list-render.js). The list takes it as page 0 of its first generation.
 */
export function requestFirstPage(api: RendererApi): Promise<MessagesPage> {
  const request = api.listMessages(0, PAGE_SIZE);
  // a failure is the list's to show (it takes the request over); until then it is not unhandled
  request.catch(() => undefined);
  return request;
}

/** How long after the server answers a change of Read its earlier events may still arrive. */
const READ_SETTLES_MS = 1000;

function describeError(error: unknown): string {
  // a 400 to a page of the list is the search (its syntax, a date, the time zone): the server's
  // sentence names the term and the fix; the request line around it is noise to a reader
  if (error instanceof ApiError && error.status === 400 && error.detail !== '') {
    return `This search cannot be run: ${error.detail}`;
  }
  return serverWords(error);
}

/**
 * The list's data: pages fetched for the rows in sight, kept live from the event stream, and
 * refetched when the stream reopens (events sent while it was down are lost).
 */
export function useMessageWindow(
  api: RendererApi,
  view: ListView,
  firstPage?: Promise<MessagesPage>,
) {
  const [state, dispatch] = useReducer(windowReducer, view, emptyWindow);
  const [streamState, setStreamState] = useState<EventStreamState>('connecting');
  const latest = useRef(state);
  latest.current = state;
  /** page → what it was last asked for under, so each page is fetched once per generation. */
  const asked = useRef(new Map<number, { generation: number; inserted: number }>());
  /** The first page's request, until it is taken as page 0 of generation 0. */
  const pendingFirst = useRef(firstPage ?? null);

  useEffect(() => {
    // the window starts with this view: a 'view' at mount would only make its first page stale
    const next = { mailbox: view.mailbox, query: view.query };
    if (latest.current.generation === 0 && viewQuery(latest.current.view) === viewQuery(next))
      return;
    asked.current.clear();
    dispatch({ type: 'view', view: next });
  }, [view.mailbox, view.query]);

  /** The rows last on screen (what ensureRows was asked for): an arrival keeps those loaded. */
  const sight = useRef({ first: 0, last: 0 });
  useEffect(
    () =>
      api.onEventBatch
        ? api.onEventBatch((events) => dispatch({ type: 'events', events, sight: sight.current }))
        : api.onEvent((event) => dispatch({ type: 'event', event, sight: sight.current })),
    [api],
  );

  useEffect(
    () =>
      api.onStreamState((next) => {
        setStreamState(next);
        if (next === 'open') dispatch({ type: 'refetch' });
      }),
    [api],
  );

  const fetchPage = useCallback(
    (page: number) => {
      const { generation, inserted, view: shown } = latest.current;
      asked.current.set(page, { generation, inserted });
      const query = viewQuery(shown);
      const start = page * PAGE_SIZE;
      const early = page === 0 && generation === 0 && query === '' ? pendingFirst.current : null;
      pendingFirst.current = null;
      const load =
        early ??
        (query === ''
          ? api.listMessages(start, PAGE_SIZE)
          : api.searchMessages(query, start, PAGE_SIZE));
      load.then(
        (result) => {
          // the events that came before this answer first (see deliverPendingEvents)
          api.deliverPendingEvents?.();
          dispatch({
            type: 'page',
            generation,
            start,
            insertedAtRequest: inserted,
            page: result,
            view: shown,
          });
        },
        (error: unknown) => dispatch({ type: 'failed', generation, error: describeError(error) }),
      );
    },
    [api],
  );

  /** Makes sure rows `first..last` are loaded or on their way. */
  const loadRows = useCallback(
    (first: number, last: number) => {
      const current = latest.current;
      const pages = current.ready ? pagesFor(first, Math.min(last, current.total - 1)) : [0];
      for (const page of pages) {
        const before = asked.current.get(page);
        const stale = !before || before.generation !== current.generation;
        // rows shift down as mail arrives, which can leave a gap at a page's edge
        const gap = before?.inserted !== current.inserted && !pageLoaded(current, page);
        if (stale || gap) fetchPage(page);
      }
    },
    [fetchPage],
  );

  /** The same, for the rows on screen (the list's): those stay loaded as mail arrives. */
  const ensureRows = useCallback(
    (first: number, last: number) => {
      sight.current = { first, last };
      loadRows(first, last);
    },
    [loadRows],
  );

  // the first page carries the counts the toolbar shows, also while the list is not on screen
  useEffect(() => {
    loadRows(0, 0);
  }, [loadRows, state.generation]);

  const readChanges = useRef(0);
  const markRead = useCallback(
    (ids: string[], read: boolean) => {
      if (ids.length === 0) return;
      const token = ++readChanges.current;
      dispatch({ type: 'read', ids, read, token });
      // the events the server sent before it took this change reach the page by then (they are
      // batched every EVENT_BATCH_MS): later ones are news, from here or from another client
      const answered = () =>
        setTimeout(() => dispatch({ type: 'read-answered', token }), READ_SETTLES_MS);
      api.setRead(ids, read).then(answered, () => {
        answered();
        dispatch({ type: 'refetch' });
      });
    },
    [api],
  );

  return { state, streamState, ensureRows, markRead };
}
