// An imported message (relaydesk ingest, POST /api/v1/ingest) came from no SMTP client: the client
// SPF judges is the server that delivered it to the mailbox it was saved from, as that mailbox's
// receiver recorded it. Checked for 127.0.0.1, where the import ran, every imported message read
// "SPF softfail" or "neutral" (and DMARC on SPF with it) whatever its sender publishes.
import { analyzeMessage } from '../route-analysis/index.js';

export interface DeliveringClient {
  ip: string;
  /** The name it greeted with, as the receiver recorded it; '' when none. */
  helo: string;
  /** The hop, 1-based as the Route tab numbers them. */
  hop: number;
  /** The server that recorded it. */
  receiver: string;
}

/**
 * The most recent hand-over from an address on the Internet: the stamps above it are the
 * receiver's own steps (its network's private addresses, a provider's inner servers, a copy
 * handed in again on this machine). Documentation addresses count, as in examples they stand for
 * Internet ones. Null when no stamp names one.
 */
export function deliveringClient(raw: Buffer): DeliveringClient | null {
  const { hops } = analyzeMessage(raw);
  for (let index = hops.length - 1; index >= 0; index--) {
    const hop = hops[index];
    if (!hop?.fromIp || hop.internalStep !== null) continue;
    if (hop.fromIpScope !== 'public' && hop.fromIpScope !== 'documentation') continue;
    return {
      ip: hop.fromIp,
      helo: hop.from ?? hop.fromRdns ?? '',
      hop: index + 1,
      receiver: hop.by ?? hop.byIp ?? '',
    };
  }
  return null;
}
