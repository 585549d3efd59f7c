// Notices that the machine slept (or its wall clock jumped ahead), for the headless mode, which
// has no Electron powerMonitor to say so. Node's timers run on the monotonic clock, which stands
// still during suspend on Linux: a queue timer set for 40 minutes before a night's sleep still
// waits what is left of them after the wake, though every retry time has long passed. A tick
// every `everyMs` compares the wall clock with when the tick was due.

export interface WakeWatchOptions {
  now: () => number;
  /** How often to look; default 15 s, as the desktop app polls Electron's net.isOnline. */
  everyMs?: number;
  /** Called once per wake with about how long the machine was away. */
  onWake(awayMs: number): void;
  /** Called on every other tick: a cheap look at something else (network-watch.ts). */
  onTick?(): void;
}

/** Starts watching; returns the function that stops it. */
export function watchForWake({
  now,
  everyMs = 15_000,
  onWake,
  onTick,
}: WakeWatchOptions): () => void {
  // an event loop busy for a while (a big import) also makes a tick late: only a gap well beyond
  // that counts, and a wrong guess costs one retry of deferred mail
  const threshold = Math.max(60_000, 4 * everyMs);
  let last = now();
  const timer = setInterval(() => {
    const at = now();
    const away = at - last - everyMs;
    last = at;
    if (away >= threshold) onWake(away);
    else onTick?.();
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
