import type { RateLimitedView } from './relay-contract.js';

/** "1 message a minute", "100 messages an hour": the upstream's rate limit as the GUI and mailq say it. */
export function rateLimitWords({ limit, per }: Pick<RateLimitedView, 'limit' | 'per'>): string {
  return `${limit} ${limit === 1 ? 'message' : 'messages'} ${per === 'hour' ? 'an' : 'a'} ${per}`;
}
