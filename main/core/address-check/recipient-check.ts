// The address check at RCPT TO, by policy: `off`, `warn` (accept, and keep the verdict on the
// message), `reject` (refuse an invalid recipient with the reason). Bad syntax is refused with
// 550, a null MX with 556 (RFC 7505). A domain DNS says does not exist is deferred with 450 by
// default, as Postfix's `unknown_address_reject_code`: a DNS filter, a captive portal or a zone
// being fixed answers so for every name for a while, and a 550 there would bounce good mail for
// good. An address DNS could not judge is never refused: it passes, or gets 450 when asked.
import type { Settings } from '../settings/settings-schema.js';
import type { AddressCheck, AddressChecker } from './address-checker.js';

export interface AddressRefusal {
  code: number;
  /** Starts with the enhanced status code, as the listener's replies do. */
  message: string;
}

type PolicySettings = Pick<
  Settings,
  'addressCheck' | 'addressCheckSender' | 'addressCheckDnsOutage' | 'addressCheckUnknownDomain'
>;

/** The SMTP reply a verdict gets under the policy; null accepts. */
export function addressCheckReply(
  check: AddressCheck,
  settings: PolicySettings,
  role: 'recipient' | 'sender',
): AddressRefusal | null {
  if (settings.addressCheck !== 'reject') return null;
  const who = role === 'sender' ? `sender <${check.address}>` : `<${check.address}>`;
  if (check.verdict === 'invalid') {
    if (check.invalidBy === 'no-domain' && settings.addressCheckUnknownDomain === 'defer') {
      // RFC 3463: 4.1.2 / 4.1.8, the destination (sender) system's address is not resolvable now
      const enhanced = role === 'sender' ? '4.1.8' : '4.1.2';
      return { code: 450, message: `${enhanced} ${who}: ${check.reason}; try again later` };
    }
    if (check.invalidBy === 'null-mx') {
      // RFC 7505 §4.2 (recipient) and §4.3 (sender): 556 with 5.1.10 and 5.7.27
      const enhanced = role === 'sender' ? '5.7.27' : '5.1.10';
      return { code: 556, message: `${enhanced} ${who}: ${check.reason}` };
    }
    // RFC 3463: 5.1.3 bad mailbox syntax, 5.1.2 bad destination system, 5.1.8 bad sender system
    const enhanced = role === 'sender' ? '5.1.8' : check.invalidBy === 'syntax' ? '5.1.3' : '5.1.2';
    return { code: 550, message: `${enhanced} ${who}: ${check.reason}` };
  }
  if (check.verdict === 'unknown' && settings.addressCheckDnsOutage === 'defer') {
    return {
      code: 450,
      message: `4.4.3 ${who}: cannot be checked now (${check.reason}); try again later`,
    };
  }
  return null;
}

export class RecipientCheck {
  constructor(
    private readonly checker: AddressChecker,
    private readonly settings: PolicySettings,
    private readonly log: (line: string) => void,
  ) {}

  get enabled(): boolean {
    return this.settings.addressCheck !== 'off';
  }

  /** Checks a relayed recipient (and, when asked, the sender first). */
  async atRcpt(input: { recipient: string; sender: string }): Promise<AddressRefusal | null> {
    if (!this.enabled) return null;
    if (this.settings.addressCheckSender && input.sender !== '') {
      const sender = await this.checker.check(input.sender);
      const refusal = addressCheckReply(sender, this.settings, 'sender');
      if (refusal) return refusal;
    }
    const check = await this.checker.check(input.recipient);
    if (check.verdict !== 'valid')
      this.log(`address check: <${check.address}> ${check.verdict}: ${check.reason}`);
    return addressCheckReply(check, this.settings, 'recipient');
  }

  /** The verdicts already made for these addresses (at RCPT), to keep on the message. */
  verdicts(addresses: readonly string[]): AddressCheck[] {
    if (!this.enabled) return [];
    return addresses.flatMap((a) => this.checker.cached(a) ?? []);
  }

  check(address: string): Promise<AddressCheck> {
    return this.checker.check(address);
  }
}
