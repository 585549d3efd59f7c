// The proxy's refusals of one screenshot, grouped by reason: a newsletter with 30 images on a
// private address got 30 lines of the same sentence, each naming the same setting, and the one
// image missing for another reason was lost among them. Pure.

/** One reason the proxy gave, and the addresses it gave it for, in the order they came. */
export interface RefusalGroup {
  /** "Refused: 127.0.0.1 is a private, …", the proxy's words after the address. */
  reason: string;
  addresses: string[];
}

/**
 * The proxy (main/core/asset-proxy) starts each refusal with the address, then "refused:" or
 * "failed:" and the reason; the address is a URL, so it holds no space.
 */
const addressFirst = /^(\S+) (refused|failed): ([\s\S]+)$/;

/** The host of an address, as the proxy names it first in a private-address refusal. */
function hostOf(address: string): string | null {
  try {
    return new URL(address).hostname;
  } catch {
    return null;
  }
}

/**
 * The reason without the address's own host, and the address with what only it adds. The proxy
 * says "127.0.0.1 is a private … address, and …" (or "intranet.example (10.0.0.5) is …" for a
 * name): images on two hosts gave the same sentence, setting and all, twice. The host is in the
 * address already; an IP a name led to goes beside the address.
 */
function withoutHost(address: string, words: string): { words: string; shown: string } {
  const named = /^(\S+)(?: \(([^)]+)\))? is /.exec(words);
  if (!named || named[1] !== hostOf(address)) return { words, shown: address };
  return {
    words: `its host is ${words.slice(named[0].length)}`,
    shown: named[2] ? `${address} (${named[2]})` : address,
  };
}

/**
 * `missing` (each of the screenshot's refusals, as the window words it) by reason, in the order
 * each reason first came. A refusal not in the proxy's form (an IPC or network error) is a
 * reason of its own, with no address.
 */
export function refusalGroups(missing: readonly string[]): RefusalGroup[] {
  const groups = new Map<string, RefusalGroup>();
  for (const text of missing) {
    const [, address, verb = '', said = ''] = addressFirst.exec(text) ?? [];
    const { words, shown } = address ? withoutHost(address, said) : { words: said, shown: '' };
    const reason = address ? `${verb.charAt(0).toUpperCase()}${verb.slice(1)}: ${words}` : text;
    const group = groups.get(reason) ?? { reason, addresses: [] };
    if (address && !group.addresses.includes(shown)) group.addresses.push(shown);
    groups.set(reason, group);
  }
  return [...groups.values()];
}

/**
 * The groups as one sentence for the screen reader's status: each reason once, with its
 * addresses counted beyond the first (the list under the button names them all).
 */
export function refusalsSaid(groups: readonly RefusalGroup[]): string {
  return groups
    .map(({ reason, addresses }) => {
      const which =
        addresses.length === 0
          ? ''
          : addresses.length === 1
            ? ` (${addresses[0] as string})`
            : ` (${addresses.length} addresses)`;
      return `${reason.replace(/\.$/, '')}${which}.`;
    })
    .join(' ');
}

/** How many images or style sheets the groups hold: a refusal without an address is one. */
export function refusedCount(groups: readonly RefusalGroup[]): number {
  return groups.reduce((sum, group) => sum + Math.max(1, group.addresses.length), 0);
}
