import { useEffect, useState } from 'react';
import { serverWords } from './api/http-transport';

export type AsyncValue<T> =
  { status: 'loading' } | { status: 'ready'; value: T } | { status: 'failed'; error: string };

/**
 * Runs `load` whenever `key` changes and keeps only the latest answer, so a slow response for
 * a message the user already left never overwrites the one now shown.
 */
export function useAsyncValue<T>(load: () => Promise<T>, key: string): AsyncValue<T> {
  const [result, setResult] = useState<{ key: string; value: AsyncValue<T> }>({
    key,
    value: { status: 'loading' },
  });

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
  }, [key]);

  return result.key === key ? result.value : { status: 'loading' };
}
