import type { RelaydeskEvent } from './contract';
import { createListenerSet } from './listener-set';
import type { RendererApi } from './renderer-api';

/** Events are handed to the GUI at most this often. */
export const EVENT_BATCH_MS = 100;

/**
 * Hands the transport's live events to the GUI in batches: those of the last `intervalMs` are
 * delivered in one task, so React renders (and the browser lays out the list) once per batch
 * instead of once per event, in the same order. One render per arriving message cost the renderer
 * more CPU than the relay spent taking the message in: with the list open, a capture load of 2 KB
 * over 10 sessions ran at half its rate (135 against ~290 msgs/s, 6.0–6.3 ms of the renderer's CPU
 * per message); batched every 100 ms, 176–191 msgs/s at 2.4–2.9 ms (50 ms: 4.5 ms; 250 ms: no
 * better than 100). In the desktop app the renderer shares the machine with the relay.
 *
 * The list reads pages while events are held back: it takes the held events first
 * (deliverPendingEvents), or a page counted with messages whose events came later than its answer
 * would leave the list's count short for good (994 of 1,000 after a burst, before that was done).
 */
export function batchEvents(api: RendererApi, intervalMs = EVENT_BATCH_MS): RendererApi {
  let queued: RelaydeskEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let unsubscribe: (() => void) | null = null;
  const listeners = createListenerSet<RelaydeskEvent>({
    // the transport's own subscription follows ours: its stream is open only while one listens
    onFirst() {
      unsubscribe = api.onEvent((event) => {
        queued.push(event);
        timer ??= setTimeout(flush, intervalMs);
      });
    },
    onLast() {
      unsubscribe?.();
      unsubscribe = null;
      if (timer) clearTimeout(timer);
      timer = null;
      queued = [];
    },
  });
  // batch listeners count as listeners of the stream: they open it as onEvent's do
  const batchListeners = createListenerSet<readonly RelaydeskEvent[]>();
  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = queued;
    queued = [];
    if (batch.length === 0) return;
    for (const event of batch) listeners.emit(event);
    batchListeners.emit(batch);
  }
  return {
    ...api,
    onEvent: (listener) => listeners.add(listener),
    onEventBatch: (listener) => {
      const stopBatch = batchListeners.add(listener);
      // holds the transport's stream open (and takes its events) as long as it listens
      const stopEvents = listeners.add(() => undefined);
      return () => {
        stopBatch();
        stopEvents();
      };
    },
    deliverPendingEvents: flush,
  };
}
