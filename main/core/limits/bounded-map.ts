// A Map that forgets its least recently written key past a size, for per-client state (failure
// counts, message counters, cached verdicts): a flood of distinct addresses must not grow memory
// without limit. Reads do not refresh a key; only writes do, so a client cannot keep its entry
// alive by being looked up.

export class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly maxEntries: number) {
    super();
  }

  /** Stores the value as the newest entry; the oldest goes when the map is over its size. */
  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.maxEntries) {
      const oldest = this.keys().next();
      if (!oldest.done) super.delete(oldest.value);
    }
    return this;
  }
}
