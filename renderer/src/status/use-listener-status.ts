import { useEffect, useState } from 'react';
import type { RendererApi } from '../api/client';
import type { ListenerStatusView } from '../api/contract';
import { readWhenStreamOpens } from '../api/stream-reads';

/**
 * The listeners that could not start (SMTP port taken…), read when the event stream opens and
 * again after it reconnects (readWhenStreamOpens), and kept current by the `listeners` event.
 */
export function useListenerProblems(api: RendererApi): ListenerStatusView[] {
  const [failed, setFailed] = useState<ListenerStatusView[]>([]);
  useEffect(() => {
    let live = true;
    const read = () =>
      api.listeners().then(
        (view) => live && setFailed(view.listeners.filter((l) => l.state === 'failed')),
        // an older relay without the method: no banner rather than an error
        () => undefined,
      );
    const unEvent = api.onEvent((event) => {
      if (event.Type === 'listeners')
        setFailed(event.Data.listeners.filter((l) => l.state === 'failed'));
    });
    const unState = readWhenStreamOpens(api, () => void read());
    return () => {
      live = false;
      unEvent();
      unState();
    };
  }, [api]);
  return failed;
}
