// The settings a flag or a variable pins for this run (GET /api/v1/settings), for the views that
// word a fix (the paused banner, Test connection, the queue): a pinned setting's box is
// read-only, so its fix names the flag to start with instead (onScreen).
import { createContext, useContext } from 'react';
import { onScreen } from '../api/contract';
import { localTimes } from '../format/local-times';

export const PinnedSettingsContext = createContext<Readonly<Record<string, string>>>({});

/** onScreen with the pinned settings of this run, and the relay's UTC times in local time. */
export function useOnScreen(): (text: string) => string {
  const pinned = useContext(PinnedSettingsContext);
  return (text) => localTimes(onScreen(text, pinned));
}
