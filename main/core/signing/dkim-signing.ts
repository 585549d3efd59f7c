// DKIM as the relay uses it: the key store, signing a message on its way to the upstream with
// the keys of its From domain, and "Check DNS" for a selector.
import type { DnsResolver } from '../dns/dns-resolver.js';
import { compareRecord, type DkimDnsCheck } from './dkim-record.js';
import { fromDomain, signMessage, type DkimSignature } from './dkim-signer.js';
import type { DkimKeyStore } from './key-store.js';

export interface SignedMessage {
  raw: Buffer;
  signatures: DkimSignature[];
  /** Why no key signed it, when keys are set up (absent when one signed or none exists). */
  unsigned?: string;
}

export class DkimSigning {
  /** Problems already logged: one line per missing key, not one per message. */
  private readonly reported = new Set<string>();

  constructor(
    readonly keys: DkimKeyStore,
    private readonly dns: DnsResolver,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * The message signed with every active key of its From domain; unchanged when the domain has
   * none. A key that cannot be used is logged and the message goes unsigned rather than stuck.
   * Unsigned mail says why (`unsigned`) when keys are set up: an office that made a key saw
   * "not signed" on the scanner's mail, or on every message while the key waited for DNS, and
   * nothing said which of the two it was.
   */
  async sign(raw: Buffer, now: Date): Promise<SignedMessage> {
    let domain: string | null = null;
    const unusable: string[] = [];
    try {
      // most relays have no key: the From header is not even parsed then
      if (!(await this.keys.hasActiveKeys())) return this.unsigned(raw, null);
      domain = fromDomain(raw);
      const keys = domain
        ? await this.keys.signingKeys(domain, (problem) => {
            unusable.push(problem);
            if (this.reported.has(problem)) return;
            this.reported.add(problem);
            this.log(`dkim: ${problem}`);
          })
        : [];
      if (keys.length === 0) {
        if (unusable.length > 0) return { raw, signatures: [], unsigned: unusable.join('; ') };
        return this.unsigned(raw, domain);
      }
      return signMessage(raw, keys, { now });
    } catch (err) {
      const words = `could not sign mail from ${domain ?? 'any domain'}: ${(err as Error).message}`;
      this.log(`dkim: ${words}`);
      return { raw, signatures: [], unsigned: words };
    }
  }

  private unsigned(raw: Buffer, domain: string | null): SignedMessage {
    // with no active key at all, the From header has not been read yet
    const reason = this.keys.whyUnsigned(() => domain ?? fromDomain(raw));
    return reason ? { raw, signatures: [], unsigned: reason } : { raw, signatures: [] };
  }

  /**
   * Keys from `--dkim-key` sign from the start, with no wait for DNS as a key made in the app
   * has: a wrong selector (or a record of an older key) then fails DKIM at every receiver, and
   * nothing here said so. Each one's record is looked up once; when it is missing or holds
   * another key, one line says what was found and what to publish. Never awaited by the start
   * and never on the SMTP path: signing goes on whatever DNS says (the record may be published
   * where this machine's DNS cannot see it). `stopped` says the relay stopped meanwhile.
   */
  async checkSettingsKeysAtStart(stopped: () => boolean): Promise<void> {
    const keys = (await this.keys.list()).filter((k) => k.source === 'settings');
    await Promise.all(
      keys.map(async (key) => {
        const check = await this.checkDns(key.domain, key.selector).catch((err: Error) => err);
        if (stopped()) return;
        const line = settingsKeyProblem(key.domain, key.selector, check);
        if (line) this.log(line);
      }),
    );
  }

  /**
   * Looks the selector's record up and says whether it is the one to publish. A match starts a
   * key that was waiting for its record signing (`activated` says so).
   */
  async checkDns(domain: string, selector: string): Promise<DkimDnsCheck> {
    const key = await this.keys.get(domain, selector);
    const check = compareRecord(key.record, await this.dns.txt(key.record.name, { fresh: true }));
    if (check.status === 'match') {
      const started = await this.keys.markPublished(key.domain, key.selector);
      return started ? { ...check, activated: true } : check;
    }
    if (check.status !== 'missing' || check.found.length > 0) return check;
    // The usual mistake: a DNS provider's form adds the zone to the name it is given, so the
    // full name pasted there ends up as s1._domainkey.example.com.example.com
    const short = `${key.selector}._domainkey`;
    const apex = key.record.name.slice(short.length + 1);
    const doubled = `${key.record.name}.${apex}`;
    const there = await this.dns.txt(doubled, { fresh: true });
    if (there.status === 'found' && compareRecord(key.record, there).status === 'match') {
      return {
        ...check,
        reason: `the record is published at ${doubled}: the DNS provider added ${apex} to the name again; enter the name as ${short}`,
      };
    }
    // The other usual mistake: the name left empty (or "@") in the form, so the key sits among
    // the domain's own TXT records (SPF, site verification), where no receiver looks for it
    const atApex = await this.dns.txt(apex, { fresh: true });
    if (atApex.status === 'found' && compareRecord(key.record, atApex).status === 'match') {
      return {
        ...check,
        reason: `the record is published at ${apex} itself, where receivers do not look; publish it at ${key.record.name} (the name ${short} in the DNS provider's form), and it can go from ${apex}`,
      };
    }
    return check;
  }
}

/** A found record as the log shows it: its start, enough to tell one key from another. */
function shortRecord(record: string): string {
  return record.length > 72 ? `${record.slice(0, 72)}…` : record;
}

/** The start's log line for a --dkim-key whose record is not right; null when it is. */
export function settingsKeyProblem(
  domain: string,
  selector: string,
  check: DkimDnsCheck | Error,
): string | null {
  const which = `dkim: --dkim-key of ${domain} (selector ${selector})`;
  if (check instanceof Error)
    return `${which}: its DNS record could not be checked: ${check.message}`;
  if (check.status === 'match') return null;
  if (check.status === 'unknown') {
    return `${which}: its DNS record at ${check.name} could not be checked at start (${check.reason}); run relaydesk dkim check ${domain} ${selector} once DNS answers`;
  }
  const found =
    check.found.length > 0 ? check.found.map((r) => `"${shortRecord(r)}"`).join(', ') : 'nothing';
  const reason = check.reason.replace(/the record shown/g, 'the record below');
  return `${which} signs mail, but receivers will fail its signatures: ${reason}. Found at ${check.name}: ${found}. Publish: ${check.name} TXT "${check.expected}" (or give the selector whose record is published)`;
}
