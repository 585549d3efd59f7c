import { useEffect, useState } from 'react';
import type { RendererApi } from '../api/client';
import type { MailboxCount, QueueView, UpstreamPauseView } from '../api/contract';
import { readWhenStreamOpens } from '../api/stream-reads';
import { changesRelayStatus, withArrivals } from './mailbox-arrivals';
import { serverWords } from '../api/http-transport';

/** How long events are gathered before the queue and counts are read again. */
const SETTLE_MS = 400;

/**
 * The relay's state beside the list: mailboxes with counts, the queue, the upstream pause.
 * Read again at once after an event that follows a quiet spell (a message opened: its mailbox's
 * unread badge must not lag the list's count, which the `stats` event sets at once), then at
 * most every SETTLE_MS while events keep coming, so a burst of mail costs one more read.
 * Captured mail is counted from its events as it comes (mailbox-arrivals.ts), and read once
 * after it stops.
 */
export function useRelayStatus(api: RendererApi) {
  const [mailboxes, setMailboxes] = useState<MailboxCount[]>([]);
  const [queue, setQueue] = useState<QueueView | null>(null);
  const [pause, setPause] = useState<Pick<UpstreamPauseView, 'reason' | 'fix'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let quiet: ReturnType<typeof setTimeout> | null = null;
    let lastRead = -Infinity;
    const read = (): void => {
      lastRead = performance.now();
      setVersion((n) => n + 1);
    };
    const unsubscribe = api.onEvent((event) => {
      if (event.Type === 'upstream') setPause(event.Data.paused ? event.Data : null);
      if (event.Type === 'new') setMailboxes((boxes) => withArrivals(boxes, [event]));
      if (!changesRelayStatus(event)) {
        // captured mail: counted here as it comes, and read once when it stops: the relay counts
        // what its index has committed, which can be a few messages behind the events, so a
        // read during the burst may leave a badge short (Inbox 899 beside All mail 900) until then
        if (event.Type !== 'new') return;
        if (quiet) clearTimeout(quiet);
        quiet = setTimeout(() => {
          quiet = null;
          read();
        }, SETTLE_MS);
        return;
      }
      if (timer) return;
      const wait = lastRead + SETTLE_MS - performance.now();
      if (wait <= 0) read();
      else
        timer = setTimeout(() => {
          timer = null;
          read();
        }, wait);
    });
    const unState = readWhenStreamOpens(api, () => setVersion((n) => n + 1));
    return () => {
      unsubscribe();
      unState();
      if (timer) clearTimeout(timer);
      if (quiet) clearTimeout(quiet);
    };
  }, [api]);

  useEffect(() => {
    // read when the stream opens (version 1) or something changed, not at mount as well
    if (version === 0) return;
    let current = true;
    Promise.all([api.mailboxes(), api.queue()]).then(
      ([boxes, waiting]) => {
        if (!current) return;
        // the arrivals told before this answer first: it counts them (events-socket.ts)
        api.deliverPendingEvents?.();
        setMailboxes(boxes);
        setQueue(waiting);
        setPause(waiting.upstream.paused);
        setError(null);
      },
      (failure: unknown) => current && setError(serverWords(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, version]);

  return { mailboxes, queue, pause, error, refresh: () => setVersion((n) => n + 1) };
}
