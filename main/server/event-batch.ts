// The GUI's event stream in batches (`/api/events?shape=relaydesk&batch=1`): the events of a short
// spell go out as one frame, a JSON array, in their order. A captured message is four events (new,
// stats and two log lines); one WebSocket frame each cost a write here, a read and a hand-over in
// each of the browser's network, browser and page processes and a task on the page, per message,
// while the page draws them in batches anyway (renderer/src/api/event-batching.ts). The desktop
// window's IPC forwarding (main/desktop/ipc-handlers.ts) batches the same way, for the same reason:
// each webContents.send is a message to the renderer's process and a task on its page.
import type { RelaydeskEvent } from '../../preload/api-contract.js';

/** How long events are gathered before they go out; the GUI's own batches are 100 ms. */
export const eventBatchMs = 25;

export class EventBatch<T> {
  private queued: T[] = [];
  private timer: NodeJS.Timeout | null = null;

  /**
   * `latestOnly`: events that say a whole state (the counts), of which a batch needs only its
   * last: what came before it in the batch is overwritten by it on arrival.
   */
  constructor(
    private readonly send: (events: T[]) => void,
    private readonly latestOnly: (event: T) => boolean = () => false,
    private readonly delayMs = eventBatchMs,
  ) {}

  /** Goes out with the others of this spell, at its end. */
  add(event: T): void {
    if (this.latestOnly(event)) {
      const earlier = this.queued.findLastIndex((queued) => this.latestOnly(queued));
      if (earlier >= 0) this.queued.splice(earlier, 1);
    }
    this.queued.push(event);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  /** Sends what waits now (HeldEvents calls it before an answer goes out). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const events = this.queued;
    this.queued = [];
    if (events.length > 0) this.send(events);
  }

  /** The listener is gone: nothing more is sent. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queued = [];
  }
}

/**
 * The GUI's events (the contract's shape) gathered for one send: of the counts, a batch keeps its
 * last, since `new` and `delete` after them count from them.
 */
export function relaydeskEventBatch(
  send: (events: RelaydeskEvent[]) => void,
): EventBatch<RelaydeskEvent> {
  return new EventBatch<RelaydeskEvent>(send, (event) => event.Type === 'stats');
}

/**
 * The batches of one adapter that must go out before its answers: an answer read from the
 * database counts the arrivals before it, so the events of those arrivals must reach the GUI
 * first (a page ahead of their events placed their messages above its top, where nothing counts
 * or shows them: the list stayed 2 short).
 */
export class HeldEvents<T> {
  private readonly batches = new Set<EventBatch<T>>();

  add(batch: EventBatch<T>): () => void {
    this.batches.add(batch);
    return () => this.batches.delete(batch);
  }

  /** Sends what every batch holds now; called before an answer goes out. */
  flush(): void {
    for (const batch of this.batches) batch.flush();
  }
}
