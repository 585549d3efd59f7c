/**
 * The views that follow the log lines (the Logs view; for a moment two, while React mounts the
 * new one before it unmounts the old). Each transport tells its side when the first one starts
 * and the last one stops: the server over the WebSocket, main over IPC.
 */
export interface LogFollowers {
  /** Counts one more follower. */
  follow(): LogFollowing;
  /**
   * After a reconnect: tells the other side again when any view follows, and a follow() from now
   * on is ready at its word (the Logs view reads again what was logged while the feed was down).
   */
  renew(): void;
}

/** One view's following of the log lines. */
export interface LogFollowing {
  /**
   * Resolves once the other side sends every line logged from then on (or can be asked no
   * more): a history read after it misses no line, since what it lacks comes live.
   */
  ready: Promise<void>;
  /** Stops this following (a second call does nothing). */
  stop(): void;
}

/**
 * `tell(true)` resolves once the other side follows; a refusal is the transport's to report, and
 * resolves too (the view still reads the history).
 */
export function createLogFollowers(tell: (follow: boolean) => Promise<void>): LogFollowers {
  let count = 0;
  let followed: Promise<void> = Promise.resolve();
  return {
    follow() {
      count += 1;
      if (count === 1) followed = tell(true).catch(() => undefined);
      let following = true;
      return {
        ready: followed,
        stop() {
          if (!following) return;
          following = false;
          count -= 1;
          if (count === 0) void tell(false).catch(() => undefined);
        },
      };
    },
    renew() {
      if (count > 0) followed = tell(true).catch(() => undefined);
    },
  };
}
