/**
 * A set of listeners that knows when it gains its first and loses its last one, so a transport
 * can hold a connection open only while someone listens.
 */
export function createListenerSet<T>(hooks: { onFirst?(): void; onLast?(): void } = {}) {
  const listeners = new Set<(value: T) => void>();
  return {
    add(listener: (value: T) => void): () => void {
      listeners.add(listener);
      if (listeners.size === 1) hooks.onFirst?.();
      return () => {
        if (!listeners.delete(listener)) return;
        if (listeners.size === 0) hooks.onLast?.();
      };
    },
    emit(value: T): void {
      for (const listener of [...listeners]) listener(value);
    },
    get size(): number {
      return listeners.size;
    },
  };
}
