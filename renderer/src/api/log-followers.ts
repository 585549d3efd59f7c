/**
 * The views that follow the log lines (the Logs view; for a moment two, while React mounts the
 * new one before it unmounts the old). Each transport tells its side when the first one starts
 * and the last one stops: the server over the WebSocket, main over IPC.
 */
export interface LogFollowers {
  /** Counts one more follower; the answer stops it (a second call does nothing). */
  follow(): () => void;
  /** Whether any view follows the log now (said again after a reconnect). */
  readonly any: boolean;
}

export function createLogFollowers(tell: (follow: boolean) => void): LogFollowers {
  let count = 0;
  return {
    follow() {
      count += 1;
      if (count === 1) tell(true);
      let followed = true;
      return () => {
        if (!followed) return;
        followed = false;
        count -= 1;
        if (count === 0) tell(false);
      };
    },
    get any() {
      return count > 0;
    },
  };
}
