import type { RelaydeskApi, RelaydeskEvent } from './contract';
import type { LogFollowing } from './log-followers';

/**
 * Whether live events are flowing. Events sent while the stream was down are lost, so the UI
 * reloads what it shows each time the stream (re)opens.
 */
export type EventStreamState = 'connecting' | 'open' | 'reconnecting';

/**
 * What the renderer's components use: the contract, plus what only a client needs to know about
 * its transport. The contract has no notion of a dropped connection (IPC never drops), so it is
 * added here rather than in preload/api-contract.ts.
 */
export interface RendererApi extends RelaydeskApi {
  readonly transport: 'ipc' | 'http';
  /** Calls the listener with the current state at once and on every change. */
  onStreamState(listener: (state: EventStreamState) => void): () => void;
  /**
   * Hands over at once the live events held back for the next batch (event-batching.ts), so a
   * page read from the server is applied after every event that came before its answer.
   */
  deliverPendingEvents?(): void;
  /**
   * The live events a batch at a time (event-batching.ts), after onEvent's listeners had each:
   * for what costs as much for a batch as for one event (the list's rows are copied per change).
   */
  onEventBatch?(listener: (events: readonly RelaydeskEvent[]) => void): () => void;
  /**
   * Asks for the `log` events (only the Logs view shows them) until the answer's `stop`: the
   * server (over HTTP) and main (over IPC) send none to a page that has not asked. Its `ready`
   * says when they do, so the history read after it leaves no line out.
   */
  followLogs?(): LogFollowing;
}
