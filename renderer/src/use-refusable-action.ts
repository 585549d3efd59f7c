import { useState } from 'react';
import { serverWords } from './api/http-transport';

/**
 * An action the relay may refuse, behind a confirm's button: `busy` while it runs (the button
 * disabled, no second click), its refusal kept in `error` to be shown and the button working
 * again. On success the confirm is closed by whoever opened it, so nothing is reset here.
 */
export function useRefusableAction(action: () => Promise<void>): {
  busy: boolean;
  error: string | null;
  run(): Promise<void>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(serverWords(failure));
      setBusy(false);
    }
  };
  return { busy, error, run };
}
