// The relay's upstream as the Queue reads it (whether one is set, its current pause), for views
// deep under the App that reads it (useRelayStatus) without passing it through every view between:
// the Delivery tab words a recipient's next try by the pause and offers Resend only with an upstream.
import { createContext, useContext } from 'react';
import type { QueueView, UpstreamPauseView } from '../api/contract';

export const UpstreamContext = createContext<QueueView['upstream'] | null>(null);

export function useUpstreamPause(): UpstreamPauseView | null {
  return useContext(UpstreamContext)?.paused ?? null;
}

/** Whether an upstream is set; null until the queue was first read (then nothing is refused here). */
export function useUpstreamConfigured(): boolean | null {
  return useContext(UpstreamContext)?.configured ?? null;
}
