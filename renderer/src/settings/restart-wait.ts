// After "Restart now" in a browser: the page waits for the relay to come back, then goes to the
// UI's address after the restart (it changes when the HTTP address was among what waited). The
// page asks only its own address (its Content-Security-Policy and the API's guard against other
// sites' pages allow nothing else): when the UI moved, `relaydesk serve` answers the old address
// with a redirect to the new one for a minute after the restart (see main/cli/moved-ui.ts).
import type { EventStreamState } from '../api/renderer-api';

/** What this page's own address answers: nothing yet, the UI, or a redirect to its new address. */
export type HereAnswer = 'down' | 'up' | 'moved';

export type RestartOutcome =
  /** The relay answers at `url`: the page goes there. */
  | { kind: 'back'; url: string }
  /** It came back at this page's address while the saved one, `url`, could not be taken. */
  | { kind: 'old-address'; url: string }
  | { kind: 'silent'; url: string };

export interface RestartWaitOptions {
  /** The UI's address after the restart (the answer's url). */
  url: string;
  /** This page's own address. */
  here: string;
  onStreamState(listener: (state: EventStreamState) => void): () => void;
  probeHere(): Promise<HereAnswer>;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** How long to wait before saying the relay did not come back. */
  timeoutMs?: number;
}

export async function waitForRestart(options: RestartWaitOptions): Promise<RestartOutcome> {
  const { url, here } = options;
  const sameAddress = new URL(url).origin === new URL(here).origin;
  let wentDown = false;
  const stop = options.onStreamState((state) => {
    if (state !== 'open') wentDown = true;
  });
  try {
    const deadline = options.now() + (options.timeoutMs ?? 30_000);
    // the old relay still answers until it has finished what it was receiving: an answer then
    // would read as the new relay's
    while (!wentDown && options.now() < deadline) await options.sleep(200);
    while (options.now() < deadline) {
      const answer = await options.probeHere();
      if (answer === 'moved') return { kind: 'back', url };
      if (answer === 'up')
        return sameAddress ? { kind: 'back', url } : { kind: 'old-address', url };
      await options.sleep(500);
    }
    return { kind: 'silent', url };
  } finally {
    stop();
  }
}

/** Asks this page's own address for the API's info, following no redirect. */
export async function probeHere(): Promise<HereAnswer> {
  try {
    // a request caught by the old server as it closes may never be answered: asked again
    const answer = await fetch('/api/v1/info', {
      redirect: 'manual',
      cache: 'no-store',
      signal: AbortSignal.timeout(2_000),
    });
    if (answer.type === 'opaqueredirect') return 'moved';
    return answer.ok ? 'up' : 'down';
  } catch {
    return 'down';
  }
}
