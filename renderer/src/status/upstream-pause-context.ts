// The relay's current pause, for views that word a recipient's next try (the Delivery tab) deep
// under the App that reads it (useRelayStatus), without passing it through every view between.
import { createContext, useContext } from 'react';
import type { UpstreamPauseView } from '../api/contract';

export const UpstreamPauseContext = createContext<UpstreamPauseView | null>(null);

export function useUpstreamPause(): UpstreamPauseView | null {
  return useContext(UpstreamPauseContext);
}
