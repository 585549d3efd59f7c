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

/**
 * `missing` (each of the screenshot's refusals, as the window words it) by reason, in the order
 * each reason first came. A refusal not in the proxy's form (an IPC or network error) is a
 * reason of its own, with no address.
 */
export function refusalGroups(missing: readonly string[]): RefusalGroup[] {
  const groups = new Map<string, RefusalGroup>();
  for (const text of missing) {
    const [, address, verb = '', words = ''] = addressFirst.exec(text) ?? [];
    const reason = address ? `${verb.charAt(0).toUpperCase()}${verb.slice(1)}: ${words}` : text;
    const group = groups.get(reason) ?? { reason, addresses: [] };
    if (address && !group.addresses.includes(address)) group.addresses.push(address);
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
