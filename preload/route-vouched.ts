// Where the stamps a receiver vouches for begin. Hops below a gap no queue explains
// (`delay-implausible`), or below a hand-over tied to the chain only by the client's unchecked
// HELO name (`chain-unverified`), were written by the sender to look like a route: their stamps
// say nothing of when the message reached a server, nor where it came from. One rule for the
// core (the total, the slowest hop, the Date line) and the Route view (origin, summary), so the
// screen and the API never start the route at different hops.
import type { Warning } from './route-contract.js';

export interface VouchedStart {
  /** The index of the first hop a receiver vouches for; 0 when every stamp counts. */
  hop: number;
  /** What parts it from the hops below: the gap in time, the HELO-only hand-over, or nothing. */
  after: 'delay' | 'helo' | null;
}

export function vouchedStart(warnings: readonly Warning[]): VouchedStart {
  const start: VouchedStart = { hop: 0, after: null };
  for (const warning of warnings) {
    const kind =
      warning.code === 'delay-implausible'
        ? 'delay'
        : warning.code === 'chain-unverified'
          ? 'helo'
          : null;
    if (!kind || warning.hop === undefined) continue;
    const at = warning.hop;
    // at one hop the gap in time is the stronger finding, and the one named
    if (at > start.hop || (at === start.hop && (start.after === null || kind === 'delay'))) {
      start.hop = at;
      start.after = kind;
    }
  }
  return start;
}
