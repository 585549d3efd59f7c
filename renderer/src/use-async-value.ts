import { useEffect, useState } from 'react';
import { useApi } from './api/api-context';
import { serverWords } from './api/http-transport';

export type AsyncValue<T> =
  { status: 'loading' } | { status: 'ready'; value: T } | { status: 'failed'; error: string };

/**
 * Runs `load` whenever `key` changes and keeps only the latest answer, so a slow response for
 * a message the user already left never overwrites the one now shown.
 *
 * A load that failed runs again when the live stream reopens. Most such failures are Relaydesk
 * being away (stopped, restarting after a crash), and their words promise that the page
 * reconnects by itself: an open message kept saying "did not answer" after it was back.
 */
export function useAsyncValue<T>(load: () => Promise<T>, key: string): AsyncValue<T> {
  const api = useApi();
  const [result, setResult] = useState<{ key: string; value: AsyncValue<T> }>({
    key,
    value: { status: 'loading' },
  });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setResult({ key, value: { status: 'ready', value } }),
      (error: unknown) =>
        current &&
        setResult({
          key,
          value: {
            status: 'failed',
            error: serverWords(error),
          },
        }),
    );
    return () => {
      current = false;
    };
    // Keyed on `key` alone: `load` is a fresh closure on every render, `key` names the request.
  }, [key, attempt]);

  const failed = result.key === key && result.value.status === 'failed';
  useEffect(() => {
    if (!failed) return;
    // told the state at once: a failure the stream has not noticed yet comes while it is open
    let down = false;
    return api.onStreamState((state) => {
      if (state !== 'open') down = true;
      else if (down) setAttempt((n) => n + 1);
    });
  }, [api, failed]);

  return result.key === key ? result.value : { status: 'loading' };
}
