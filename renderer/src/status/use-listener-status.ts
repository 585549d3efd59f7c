import { useEffect, useState } from 'react';
import type { RendererApi } from '../api/client';
import type {
  ListenerProblemView,
  ListenerStatusView,
  ListenersView,
  ScannerDownView,
} from '../api/contract';
import { readWhenStreamOpens } from '../api/stream-reads';

/** What keeps the listeners from taking mail: those that could not start, and a full disk. */
export interface ListenerProblems {
  failed: ListenerStatusView[];
  diskFull: ListenerProblemView | null;
  /** clamd does not answer: new mail is refused with 451 (or taken unscanned). */
  scannerDown: ScannerDownView | null;
}

const none: ListenerProblems = { failed: [], diskFull: null, scannerDown: null };

function problemsOf(view: ListenersView): ListenerProblems {
  return {
    failed: view.listeners.filter((l) => l.state === 'failed'),
    diskFull: view.diskFull ?? null,
    scannerDown: view.scannerDown ?? null,
  };
}

/**
 * The listeners that could not start (SMTP port taken…) and whether a full disk refuses mail,
 * read when the event stream opens and again after it reconnects (readWhenStreamOpens), and kept
 * current by the `listeners` event.
 */
export function useListenerProblems(api: RendererApi): ListenerProblems {
  const [problems, setProblems] = useState<ListenerProblems>(none);
  useEffect(() => {
    let live = true;
    const read = () =>
      api.listeners().then(
        (view) => live && setProblems(problemsOf(view)),
        // an older relay without the method: no banner rather than an error
        () => undefined,
      );
    const unEvent = api.onEvent((event) => {
      if (event.Type === 'listeners') setProblems(problemsOf(event.Data));
    });
    const unState = readWhenStreamOpens(api, () => void read());
    return () => {
      live = false;
      unEvent();
      unState();
    };
  }, [api]);
  return problems;
}
