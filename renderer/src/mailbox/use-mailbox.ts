import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { EventStreamState, RendererApi } from '../api/client';
import { emptyMailbox, mailboxReducer } from './mailbox-state';

/** How many messages one load shows; paging and a virtualised list come with the full GUI. */
export const PAGE_SIZE = 200;

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The mail list: loads it, keeps it live from the event stream, and runs searches. */
export function useMailbox(api: RendererApi) {
  const [state, dispatch] = useReducer(mailboxReducer, emptyMailbox);
  const [query, setQuery] = useState('');
  const [reloads, setReloads] = useState(0);
  const [streamState, setStreamState] = useState<EventStreamState>('connecting');
  const queryRef = useRef(query);
  useEffect(() => {
    queryRef.current = query;
  }, [query]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);

  useEffect(
    () =>
      api.onEvent((event) => {
        dispatch({ type: 'event', event });
        // Only the server can tell whether a new message matches the search shown.
        if (event.Type === 'new' && queryRef.current !== '') reload();
      }),
    [api, reload],
  );

  useEffect(
    () =>
      api.onStreamState((next) => {
        setStreamState(next);
        // Events sent before the stream (re)opened were missed: catch up from the server.
        if (next === 'open') reload();
      }),
    [api, reload],
  );

  useEffect(() => {
    let current = true;
    const shown = query;
    dispatch({ type: 'load-started', query: shown });
    const load =
      shown === '' ? api.listMessages(0, PAGE_SIZE) : api.searchMessages(shown, 0, PAGE_SIZE);
    load.then(
      (page) => current && dispatch({ type: 'page-loaded', query: shown, page }),
      (error: unknown) =>
        current && dispatch({ type: 'load-failed', query: shown, error: describeError(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, query, reloads]);

  const markRead = useCallback(
    (ids: string[], read: boolean) => {
      dispatch({ type: 'read-set', ids, read });
      api.setRead(ids, read).catch(() => reload());
    },
    [api, reload],
  );

  return { state, streamState, search: setQuery, markRead, reload };
}
