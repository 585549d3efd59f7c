// Work over many files with a bounded number in flight: the disk takes several fdatasyncs (and
// the parse worker several writes per batch) faster than one after another, and a bound keeps
// 100,000 of them from being queued at once.

/**
 * Runs `work` for every item, at most `limit` at once. After a failure no more is begun; the
 * ones in flight finish, then the first error is thrown.
 */
export async function eachInFlight<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const run = async (): Promise<void> => {
    while (next < items.length && !failure) {
      try {
        await work(items[next++] as T);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  if (failure) throw (failure as { err: unknown }).err;
}
