// Link check: every link and image URL of a message, each checked with HEAD, several at once
// but never more than two at a time on one host, in Mailpit's `link-check` shape.
import type { LinkCheckResult } from '../../../../preload/check-contract.js';
import { checkLink, type LinkCheckOptions } from './link-status.js';
import { extractLinks } from './link-extract.js';

export type { LinkCheckResult };
export { extractLinks, maxLinksPerMessage } from './link-extract.js';
export type { LinkCheckOptions, LinkStatus } from './link-status.js';

/** Links checked at once, and on one host at once (Mailpit allows 2 per domain). */
export const linkCheckConcurrency = 6;
export const linkCheckPerHost = 2;

/** A counting semaphore: `run` waits for a free slot. */
class Slots {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

export async function checkLinks(
  html: string,
  text: string,
  options: LinkCheckOptions,
): Promise<LinkCheckResult> {
  const links = extractLinks(html, text);
  const all = new Slots(linkCheckConcurrency);
  const hosts = new Map<string, Slots>();
  const results = await Promise.all(
    links.map((link) => {
      const host = new URL(link).host.toLowerCase();
      let perHost = hosts.get(host);
      if (!perHost) hosts.set(host, (perHost = new Slots(linkCheckPerHost)));
      const slot = perHost;
      return slot.run(() => all.run(() => checkLink(link, options)));
    }),
  );
  return {
    Errors: results.filter((r) => r.StatusCode === 0 || r.StatusCode >= 400).length,
    Links: results,
  };
}
