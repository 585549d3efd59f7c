// Tags a message gets when it arrives, as Mailpit gives them: from plus addressing
// (`user+signup@example.com` → "signup"; `a+b+c@` → "b", "c"), from an `X-Tags: a, b` header,
// from the SMTP user (--tags-username), and from the routing rules that decided its recipients.
import type { MailAddress } from '../message-record.js';
import { normalizeTags, titleCase } from './tag-name.js';

/** Mailpit's --tags-disable values. */
export type AutoTagSource = 'plus-addresses' | 'x-tags';

export interface AutoTagSettings {
  tagsDisable: AutoTagSource[];
  tagsUsername: boolean;
  tagsTitleCase: boolean;
}

export interface AutoTagInput {
  /** From, To, Cc, Bcc and Reply-To are not all used: Mailpit reads From, To, Cc and Bcc. */
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  bcc: MailAddress[];
  /** The envelope recipients: Bcc recipients are only here. */
  rcptTo: string[];
  /** Values of every X-Tags header field. */
  xTags: string[];
  user: string | null;
  /** Tags named by the routing rules' actions. */
  ruleTags: string[];
}

/** The part after the first "+" of the local part, split on "+": Mailpit's addressPlusRe. */
export function plusAddressTags(address: string): string[] {
  const at = address.lastIndexOf('@');
  const local = at === -1 ? address : address.slice(0, at);
  const plus = local.indexOf('+');
  if (plus < 0 || at === -1) return [];
  return local
    .slice(plus + 1)
    .split('+')
    .filter((t) => t !== '');
}

/** Parses `--tags-disable plus-addresses,x-tags` the way Mailpit does (also its aliases). */
export function parseTagsDisable(raw: unknown): AutoTagSource[] | undefined {
  const list =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((x) => x.trim().toLowerCase())
          .filter(Boolean)
      : raw;
  if (!Array.isArray(list)) return undefined;
  const out = new Set<AutoTagSource>();
  for (const item of list) {
    if (item === 'x-tags' || item === 'xtags') out.add('x-tags');
    else if (item === 'plus-addresses' || item === 'plus-addressing') out.add('plus-addresses');
    else return undefined;
  }
  return [...out];
}

export function autoTags(
  input: AutoTagInput,
  settings: AutoTagSettings,
  /** Asked only when there are tags: it reads every record. */
  known?: () => ReadonlyMap<string, string>,
): string[] {
  const found: string[] = [];
  const cased = (tags: string[]): string[] => (settings.tagsTitleCase ? tags.map(titleCase) : tags);
  if (!settings.tagsDisable.includes('x-tags')) {
    for (const value of input.xTags) found.push(...cased(value.split(',')));
  }
  if (!settings.tagsDisable.includes('plus-addresses')) {
    const addresses = [
      ...(input.from ? [input.from.Address] : []),
      ...[...input.to, ...input.cc, ...input.bcc].map((a) => a.Address),
      ...input.rcptTo,
    ];
    for (const address of addresses) found.push(...cased(plusAddressTags(address)));
  }
  if (settings.tagsUsername && input.user) found.push(input.user);
  found.push(...input.ruleTags);
  return found.length === 0 ? [] : normalizeTags(found, known?.());
}
