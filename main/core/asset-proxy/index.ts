// The screenshot's proxy (Mailpit's /proxy): fetches a remote image, style sheet or font the
// message's HTML names, so the HTML screenshot can draw it. Only an address the message loads
// is fetched: its HTML's, or one a style sheet of the message names, once that sheet has gone
// through here (Mailpit keeps those a minute per message, as here).
import { CallerError } from '../caller-error.js';
import { fetchAsset, type AssetFetchOptions, AssetRefusedError } from './asset-fetch.js';
import { absoluteSheet, assetAddress, messageAssets } from './message-assets.js';

export { AssetRefusedError, maxAssetBytes } from './asset-fetch.js';

/** How long a style sheet's addresses stay fetchable after the sheet was (Mailpit's minute). */
export const sheetAssetsMs = 60_000;

export interface ProxiedAsset {
  contentType: string;
  body: Buffer;
}

export class AssetProxy {
  /** Addresses named by the style sheets fetched for a message, by message ID. */
  private readonly sheetAssets = new Map<string, { until: number; addresses: Set<string> }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The asset at `url` for message `id`, whose HTML is `html`. A style sheet comes back with its
   * url(…) made absolute, and those addresses become fetchable for this message.
   */
  async fetch(
    id: string,
    html: string,
    url: string,
    options: AssetFetchOptions,
  ): Promise<ProxiedAsset> {
    const address = assetAddress(url);
    if (!address) {
      throw new CallerError(
        `url: ${JSON.stringify(url)} is not an http or https URL (without user name or password); the proxy fetches only the remote images, style sheets and fonts of a message`,
      );
    }
    if (!messageAssets(html).has(address) && !this.namedBySheet(id, address)) {
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
