// Two figures of a route that the API gives and the Route view shows, worked out once so the
// two never differ: how many hops were hand-overs between servers (the verified count's
// denominator, without qmail's queue notes), and the time in transit of the delivery the
// receivers vouch for (without the gap of a re-send). Pure; the core and the renderer share it,
// as they share route-vouched.ts.
import type { Hop, Warning } from './route-contract.js';
import { vouchedStart } from './route-vouched.js';

/**
 * qmail's note that the message went into its queue: `(qmail 28741 invoked from network)`, written
 * by the server that stamped the hop below (qmail-smtpd handing it to qmail-queue), not a
 * hand-over between servers; its time is when the message was queued. The qmail process number,
 * or null for any other stamp.
 */
export function queueNote(hop: Pick<Hop, 'from' | 'fromIp' | 'by' | 'raw'>): string | null {
  if (hop.from !== null || hop.fromIp !== null || hop.by !== null) return null;
  return /^[^:]*:\s*\(qmail\s+(\d+)\s+invoked\s+from\s+network\)/i.exec(hop.raw)?.[1] ?? null;
}

/**
 * qmail's stamp for mail a program on the qmail host handed to qmail-inject: `(qmail 12345 invoked
 * by uid 1001)`. It names neither client nor server (qmail-inject writes no host name), but the
 * host is the one that stamped the hop above, where qmail-smtpd or qmail-remote passed the
 * message on; what it does name is the user the program ran as. The user (`uid 1001`) and the
 * qmail process number, or null for any other stamp.
 */
export function localInvocation(
  hop: Pick<Hop, 'from' | 'fromIp' | 'by' | 'raw'>,
): { user: string; process: string } | null {
  if (hop.from !== null || hop.fromIp !== null || hop.by !== null) return null;
  const stamp = /^[^:]*:\s*\(qmail\s+(\d+)\s+invoked\s+by\s+(uid\s+\d+)\)/i.exec(hop.raw);
  return stamp?.[1] && stamp[2] ? { user: stamp[2].replace(/\s+/, ' '), process: stamp[1] } : null;
}

/**
 * Who handed the message in at a local-submission hop and on which host, in words: `uid 1001 on
 * mx.qmailhost.example` for qmail's stamp, the host being the receiver of the next stamp up; null
 * for any other hop.
 */
export function localSubmitter(
  hops: readonly Pick<Hop, 'from' | 'fromIp' | 'by' | 'raw'>[],
  index: number,
): string | null {
  const hop = hops[index];
  const invoked = hop ? localInvocation(hop) : null;
  if (!invoked) return null;
  const host = hops[index + 1]?.by;
  return `${invoked.user} on ${host ?? 'the qmail host'}`;
}

/**
 * A hop that came over the network from another server: not a local submission, not a queue note
 * (which names no client because there was no hand-over, not for want of a check), not a step
 * inside one provider (its own gateway by HTTP has no address to check, nor is one missing), and
 * not a client on the receiver's own machine (a loopback address: an app handing mail to
 * Relaydesk, a web server to its local MTA), whose "verified" `localhost` made a chain read
 * "verified at 1 of 2" with no server verified at all.
 */
export function networkHandOver(
  hop: Pick<Hop, 'clientCheck' | 'internalStep' | 'from' | 'fromIp' | 'fromIpScope' | 'by' | 'raw'>,
): boolean {
  return (
    hop.clientCheck !== 'local' &&
    !hop.internalStep &&
    hop.fromIpScope !== 'loopback' &&
    queueNote(hop) === null
  );
}

/** How many hops were hand-overs between servers (`networkHandOver`). */
export function networkHandOvers(hops: readonly Hop[]): number {
  return hops.filter(networkHandOver).length;
}

export interface RouteSpan {
  /**
   * Seconds from the first stamp a receiver vouches for to the last, less the gaps where the
   * message was sent again; null when fewer than two such stamps are dated (before a re-send).
   */
  totalSeconds: number | null;
  /** The first hop (0-based) where the message was sent again (`delay-resent`), or null. */
  sentAgainAt: number | null;
}

/**
 * The span of a route from `firstToLast` (the last counted stamp minus the first, from the
 * vouched-for hop on). A message sent again months later (a saved .eml, a released quarantine)
 * spans those months: the time in transit is the deliveries', not the wait between them. A
 * phish's made-up stamps below the vouched-for hop are not counted, and when fewer than two
 * dated stamps remain before a re-send, no time in transit is given at all.
 */
export function routeSpan(
  hops: readonly Pick<Hop, 'timestamp' | 'delaySeconds'>[],
  warnings: readonly Warning[],
  firstToLast: number | null,
): RouteSpan {
  const vouched = vouchedStart(warnings).hop;
  const resentAt = warnings
    .filter((w) => w.code === 'delay-resent' && w.hop !== undefined && w.hop > vouched)
    .map((w) => w.hop ?? 0);
  const resent = resentAt.reduce((sum, at) => sum + Math.max(0, hops[at]?.delaySeconds ?? 0), 0);
  const sentAgain = resent > 0 && firstToLast !== null && resent <= firstToLast;
  const sentAgainAt = sentAgain ? Math.min(...resentAt) : null;
  if (firstToLast === null) return { totalSeconds: null, sentAgainAt };
  if (vouched > 0) {
    const end = sentAgainAt ?? hops.length;
    const stamps = hops.slice(vouched, end).filter((hop) => hop.timestamp !== null).length;
    if (stamps < 2) return { totalSeconds: null, sentAgainAt };
  }
  const total = sentAgain ? firstToLast - resent : firstToLast;
  return { totalSeconds: Math.round(total * 1000) / 1000, sentAgainAt };
}
