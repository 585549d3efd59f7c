// The screenshot's proxy (Mailpit's /proxy): fetches a remote image, style sheet or font the
// message's HTML names, so the HTML screenshot can draw it. Only an address the message loads
// is fetched: its HTML's, or one a style sheet of the message names, once that sheet has gone
// through here (Mailpit keeps those a minute per message, as here).
import { CallerError } from '../caller-error.js';
import { fetchAsset, type AssetFetchOptions, AssetRefusedError } from './asset-fetch.js';
import { absoluteSheet, assetAddress, messageAssets } from './message-assets.js';

export { AssetRefusedError, maxAssetBytes } from './asset-fetch.js';

/**
 * How long a style sheet's addresses stay fetchable after the sheet was (Mailpit's minute), and
 * how long a message's own list of addresses is kept.
 */
export const sheetAssetsMs = 60_000;

export interface ProxiedAsset {
  contentType: string;
  body: Buffer;
}

export class AssetProxy {
  /** Addresses named by the style sheets fetched for a message, by message ID. */
  private readonly sheetAssets = new Map<string, { until: number; addresses: Set<string> }>();
  /** Addresses named by each message's HTML, by message ID, as the requests read them. */
  private readonly htmlAssets = new Map<
    string,
    { until: number; addresses: Promise<Set<string>> }
  >();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The asset at `url` for message `id`, whose HTML `html` reads. A style sheet comes back with its
   * url(…) made absolute, and those addresses become fetchable for this message.
   */
  async fetch(
    id: string,
    html: () => Promise<string>,
    url: string,
    options: AssetFetchOptions,
  ): Promise<ProxiedAsset> {
    const address = assetAddress(url);
    if (!address) {
      throw new CallerError(
        `url: ${JSON.stringify(url)} is not an http or https URL (without user name or password); the proxy fetches only the remote images, style sheets and fonts of a message`,
      );
    }
    if (!(await this.messageAssets(id, html)).has(address) && !this.namedBySheet(id, address)) {
      throw new AssetRefusedError(
        `${address} refused: neither the HTML of message ${id} nor a style sheet of it that went through the proxy names it (the proxy fetches only what the message loads)`,
        403,
      );
    }
    const asset = await fetchAsset(address, options);
    if (!/^text\/css\b/i.test(asset.contentType)) return asset;
    const sheet = absoluteSheet(asset.body.toString('utf8'), asset.finalUrl);
    this.remember(id, sheet.assets);
    return { contentType: asset.contentType, body: Buffer.from(sheet.css, 'utf8') };
  }

  /**
   * The addresses message `id`'s HTML loads, read once a minute at most: a screenshot asks for
   * all of a newsletter's images at once, and each would otherwise read and parse the message
   * again (a captured message never changes, so what it names does not either).
   */
  private messageAssets(id: string, html: () => Promise<string>): Promise<Set<string>> {
    const now = this.now();
    for (const [key, entry] of this.htmlAssets) if (entry.until < now) this.htmlAssets.delete(key);
    const kept = this.htmlAssets.get(id);
    if (kept) return kept.addresses;
    const addresses = html().then(messageAssets);
    this.htmlAssets.set(id, { until: now + sheetAssetsMs, addresses });
    // a message that could not be read is read again at the next request
    addresses.catch(() => this.htmlAssets.delete(id));
    return addresses;
  }

  private namedBySheet(id: string, address: string): boolean {
    const entry = this.sheetAssets.get(id);
    if (!entry) return false;
    if (entry.until < this.now()) {
      this.sheetAssets.delete(id);
      return false;
    }
    return entry.addresses.has(address);
  }

  private remember(id: string, addresses: Set<string>): void {
    const now = this.now();
    // the expired go whenever a sheet comes: no timer holds the process open
    for (const [key, entry] of this.sheetAssets)
      if (entry.until < now) this.sheetAssets.delete(key);
    const entry = this.sheetAssets.get(id) ?? { until: 0, addresses: new Set<string>() };
    for (const address of addresses) entry.addresses.add(address);
    entry.until = now + sheetAssetsMs;
    this.sheetAssets.set(id, entry);
  }
}
