// Which servers belong to one organisation, by their names: the registered domain the Public
// Suffix List gives, and the few providers whose own servers stamp under two registered domains.
import { getDomain } from 'tldts';
import { inCidr, normalizeIp, parseCidr, type CidrRange } from '../net/ip-address.js';
import type { Hop } from './types.js';

/**
 * Providers whose servers hand mail to each other under two registered domains, so that the
 * Public Suffix List cannot tell they are one: each entry lists name suffixes (a name is in it
 * when it is one of them or ends in `.` and one). Each pair is taken from real chains, and only
 * the pair's own names join, so a stamp naming any other domain still breaks the chain.
 *
 * A table and not a rule because no rule in the stamps tells a sibling from a stranger: the
 * receiver's own address would (a client whose address the previous stamp gave as its `by`
 * address already joins, route.ts), but neither provider writes one (`by mx.zohomail.com with
 * SMTPS`), and two unrelated domains meeting at a hand-over is just what a made-up stamp below a
 * real one looks like (forged-below.test.ts). The join itself still goes by what the receiver
 * checked, as for one registered domain: the client's looked-up name joins; its HELO name alone,
 * from an address the receiver found no name for, still reads as the sender's claim.
 */
export const SIBLING_DOMAINS: readonly (readonly string[])[] = [
  // Zoho Mail stamps `by mx.zohomail.com` and hands the message on from `sender4-of-o51.zoho.com`
  // (xen-devel, September 2024; the same in 2026)
  ['zoho.com', 'zohomail.com'],
  // vger, the kernel's list server, stamps `by vger.kernel.org via listexpand` and has sent from
  // `out1.vger.email` since 2022; only these names, not the rest of kernel.org
  ['vger.kernel.org', 'vger.email'],
  // Brevo (Sendinblue) stamps `by smtp-relay.sendinblue.com with ESMTP id …` and sends from
  // `gu.d.sender-sib.com`, earlier `bi.d.mailin.fr` (kernel.org's lists, December 2023 to 2024)
  ['sendinblue.com', 'sender-sib.com', 'mailin.fr'],
  // ActiveCampaign's KumoMTA stamps `by acems1.com (KumoMTA 10.96.112.98)` and hands the message
  // on from `mail60.use2.acemsrvh.com`; the same message gives both as ActiveCampaign's (its
  // CFBL-Address at acems1.com, its List-Unsubscribe at acemsrvh.com; a copy to Microsoft 365
  // quoted in Microsoft's MHA tests, April 2026)
  ['acems1.com', 'acemsrvh.com'],
];

/** The table entry a host key (lower case, no root dot) falls in, or -1. */
function siblingGroup(name: string): number {
  return SIBLING_DOMAINS.findIndex((group) =>
    group.some((suffix) => name === suffix || name.endsWith(`.${suffix}`)),
  );
}

/**
 * Both names in one registered domain (by the Public Suffix List), or in one provider's sibling
 * domains (above): one organisation's own servers, which hand mail on without stamping every
 * step or name themselves differently inside. Exchange Online does so in every message it sends
 * (`by DB9PR04MB8412.eurprd04.prod.outlook.com`, then `from EUR05-AM6-obe.outbound.protection.
 * outlook.com`), and calling that a broken chain flagged all of them. Both are host keys.
 */
export function sameOrganisation(a: string | null, b: string | null): boolean {
  if (!a || !b || normalizeIp(a) || normalizeIp(b)) return false;
  const domain = getDomain(a);
  if (domain !== null && domain.includes('.') && domain === getDomain(b)) return true;
  const group = siblingGroup(a);
  return group >= 0 && group === siblingGroup(b);
}

/** A host name as compared: lower case, without the root's dot (RFC 1035 §2.3.3). */
const nameKey = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/**
 * The provider whose own gateway handed the message to its mail server by HTTP, or null: a stamp
 * that names no client address, gives HTTP as the protocol, and names a client in the receiver's
 * own organisation. Yahoo's submission and webmail servers hand mail to its outbound servers so
 * (`from sonic.gate.mail.ne1.yahoo.com by sonic310.consmr.mail.gq1.yahoo.com with HTTP`, below
 * it `by hermes--production-ne1-… (Yahoo Inc. Hermes SMTP Server) with ESMTPA`): no SMTP client
 * connected whose address the receiver could write down, so the missing address is no gap in
 * what it checked. Returns the provider's registered domain.
 */
export function providerHttpGateway(
  hop: Pick<Hop, 'from' | 'fromIp' | 'fromRdns' | 'by' | 'with'>,
): string | null {
  if (hop.fromIp !== null || hop.fromRdns !== null || !hop.from || !hop.by) return null;
  if (!/^HTTPS?$/i.test(hop.with ?? '')) return null;
  const by = nameKey(hop.by);
  if (!sameOrganisation(nameKey(hop.from), by)) return null;
  return getDomain(by);
}

/**
 * Providers whose own steps at either end of a chain stamp only themselves, naming no client:
 * Gmail on the web, its apps and its API hand the message to Google's outbound server, which
 * writes `Received: by mail-wm1-f54.google.com with SMTP id 5b1f17b1804b1-…`; Gmail's MX hands
 * what it received to the mailbox's server, which writes `Received: by 2002:a05:7208:3184:… with
 * SMTP id t4csp1432456rbd` on top. Taken from real Gmail chains; a provider whose steps name its
 * own gateway joins by HTTP instead (providerHttpGateway).
 */
const SELF_STAMPING_PROVIDERS: readonly string[] = ['google.com'];

/** A stamp that names no client at all (no name, no address, no looked-up name), over SMTP. */
function stampsOnlyItself(hop: Pick<Hop, 'from' | 'fromIp' | 'fromRdns' | 'by' | 'with'>) {
  return (
    hop.from === null &&
    hop.fromIp === null &&
    hop.fromRdns === null &&
    !!hop.by &&
    /^SMTP$/i.test(hop.with ?? '')
  );
}

/** The registered domain of a self-stamping provider's server name, or null. */
function selfStampingProvider(by: string | null): string | null {
  if (!by) return null;
  const name = nameKey(by);
  if (normalizeIp(name)) return null;
  const domain = getDomain(name);
  return domain !== null && SELF_STAMPING_PROVIDERS.includes(domain) ? domain : null;
}

/**
 * The provider where the message began, for the first stamp of a chain (0-based hop 0), or null.
 * Its client is not unverified, there was none: Gmail's own submission read "unknown client,
 * unverified" on every message written in Gmail. Returns the provider's registered domain.
 */
export function providerOrigin(
  hop: Pick<Hop, 'from' | 'fromIp' | 'fromRdns' | 'by' | 'with'>,
): string | null {
  return stampsOnlyItself(hop) ? selfStampingProvider(hop.by) : null;
}

/**
 * The provider that passed the message into the mailbox, for the last stamp of a chain, or null:
 * a stamp naming no client right above one the provider's MX wrote (`by mx.google.com`). Only
 * the receiving provider writes above its own MX's stamp, so no sender can have made it up; its
 * server names itself by address alone (`by 2002:a05:7208:…`), which is why the MX's stamp below
 * says whose it is.
 */
export function providerMailbox(
  hop: Pick<Hop, 'from' | 'fromIp' | 'fromRdns' | 'by' | 'with'>,
  below: Pick<Hop, 'by'>,
): string | null {
  if (!stampsOnlyItself(hop)) return null;
  const provider = selfStampingProvider(below.by);
  if (provider === null || !hop.by) return null;
  const by = nameKey(hop.by);
  return normalizeIp(by) !== null || getDomain(by) === provider ? provider : null;
}

/**
 * The provider's own server handing on what one of its mailboxes received: a list the provider
 * runs re-sends to its members. Google Groups does so: `by gmr-mx.google.com` takes the message
 * for the group, `by 2002:a05:6214:… with SMTP id …` (no client) keeps it in the group, and the
 * group sends it out `from mail-sor-f69.google.com`. Only a client whose name the receiver looked
 * up for its address counts: a HELO name is anyone's to type, so it cannot tie a stamp below to
 * the provider (forged-below.test.ts).
 */
export function providerSendsOn(
  hop: Pick<Hop, 'fromIp' | 'fromRdns' | 'forged'>,
  provider: string,
): boolean {
  if (hop.fromIp === null || hop.fromRdns === null || hop.forged) return false;
  return getDomain(nameKey(hop.fromRdns)) === provider;
}

/**
 * Sending services whose servers stamp under names only their own network knows and hand the
 * message on from the addresses they publish for their mail, which is what ties the two: SendGrid
 * stamps `by recvd-868874bfdf-4nfd6 with SMTP id …`, then connects from 159.183.12.231, greeting
 * with its customer's branded name (`o13.ptr1681.<customer's domain>`). A receiver that records
 * no looked-up name (Cloudflare Email Routing's `from o13.ptr1681.… (159.183.12.231) by
 * cloudflare-email.net`) leaves no name to join by; the address it recorded is its own finding,
 * which no sender can make up, and lies in the service's network. `apiMark` is the comment the
 * service writes after its API server's name on the first stamp (`by geopod-ismtpd-9 (SG) with
 * HTTP`), where the message was handed to it through its web API.
 */
export const SENDING_SERVICES: readonly {
  domain: string;
  apiMark: string;
  networks: readonly string[];
}[] = [
  {
    domain: 'sendgrid.net',
    apiMark: 'SG',
    // the `ip4:` ranges of sendgrid.net's SPF record (as Mailtrap's SPF guide quotes it)
    networks: [
      '167.89.0.0/17',
      '208.117.48.0/20',
      '50.31.32.0/19',
      '198.37.144.0/20',
      '198.21.0.0/21',
      '192.254.112.0/20',
      '168.245.0.0/17',
      '149.72.0.0/16',
      '159.183.0.0/16',
    ],
  },
];

const serviceNetworks: readonly { domain: string; ranges: CidrRange[] }[] = SENDING_SERVICES.map(
  (service) => ({
    domain: service.domain,
    ranges: service.networks
      .map((network) => parseCidr(network))
      .filter((range): range is CidrRange => range !== null),
  }),
);

/**
 * The sending service whose server the client was, by what its receiver found: the address it
 * recorded in the service's published network, or the name it looked up for that address in the
 * service's domain (`o1678912x123.outbound-mail.sendgrid.net`). Never by a HELO name, which is
 * anyone's to type, nor when the receiver saw the two not map to each other (`may be forged`).
 */
export function sendingServiceOf(hop: Pick<Hop, 'fromIp' | 'fromRdns' | 'forged'>): string | null {
  if (hop.fromIp === null || hop.forged) return null;
  const ip = hop.fromIp;
  const byAddress = serviceNetworks.find((service) =>
    service.ranges.some((range) => inCidr(ip, range)),
  );
  if (byAddress) return byAddress.domain;
  const named = hop.fromRdns === null ? null : getDomain(nameKey(hop.fromRdns));
  return SENDING_SERVICES.find((service) => service.domain === named)?.domain ?? null;
}

/**
 * The sending service whose web API took the message, for a stamp that says so: no client
 * address or looked-up name, HTTP as the protocol and the service's mark after its server's name
 * (`from MjAyMTY3MDY (unknown) by geopod-ismtpd-9 (SG) with HTTP id …`; the from-word is the
 * account's number in base64, not a server). `internal` tells a name only the service's own
 * network knows (route.ts). Only a claim until the hop that hands the message out of the service
 * shows its server (route.ts): the bottom stamp is the sender's to write.
 */
export function apiStampOf(
  hop: Pick<Hop, 'fromIp' | 'fromRdns' | 'by' | 'with' | 'raw'>,
  internal: (name: string) => boolean,
): string | null {
  if (hop.fromIp !== null || hop.fromRdns !== null || !hop.by) return null;
  if (!/^HTTPS?$/i.test(hop.with ?? '')) return null;
  const by = nameKey(hop.by);
  if (normalizeIp(by)) return null;
  const service = SENDING_SERVICES.find((candidate) => {
    const mark = new RegExp(
      `\\bby\\s+\\S+\\s+\\(${candidate.apiMark}\\)\\s+with\\s+HTTPS?\\b`,
      'i',
    );
    return mark.test(hop.raw) && (internal(by) || getDomain(by) === candidate.domain);
  });
  return service?.domain ?? null;
}

/**
 * A stamp that names no client, by a server under an internal name or in the service's domain:
 * the service's next step inside its network, after its API took the message (SendGrid's
 * `by recvd-868874bfdf-4nfd6 with SMTP id …`, its filter).
 */
export function serviceInnerStep(
  hop: Pick<Hop, 'from' | 'fromIp' | 'fromRdns' | 'by' | 'with'>,
  service: string,
  internal: (name: string) => boolean,
): boolean {
  if (!stampsOnlyItself(hop) || !hop.by) return false;
  const by = nameKey(hop.by);
  return !normalizeIp(by) && (internal(by) || getDomain(by) === service);
}
