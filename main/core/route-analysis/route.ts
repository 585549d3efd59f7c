// The route: Received fields in trace order (RFC 5321 §4.4: each server prepends its own, so the
// bottom-most is the oldest), the time between stamps, and where the chain does not join up.
// Order is never taken from the clocks: a negative delay is reported as skew, not re-sorted.
import { getDomain } from 'tldts';
import { fieldsNamed, type HeaderField } from '../mail/header-block.js';
import { ipScope, isPrivateScope, normalizeIp } from '../net/ip-address.js';
import { parseReceived, type ParsedReceived } from './received-parser.js';
import {
  apiStampOf,
  providerHttpGateway,
  providerMailbox,
  providerOrigin,
  providerSendsOn,
  sameOrganisation,
  sendingServiceOf,
  serviceInnerStep,
} from './provider-domains.js';
import type { ClientCheck, Hop, Warning } from './types.js';
import { vouchedStart } from '../../../preload/route-vouched.js';
import { routeSpan } from '../../../preload/route-figures.js';

export interface Route {
  hops: Hop[];
  totalSeconds: number | null;
  sentAgainAt: number | null;
  positiveSeconds: number | null;
  slowestHop: number | null;
  slowestTies: number[];
  warnings: Warning[];
}

const hopName = (index: number): string => `Hop ${index + 1}`;

/**
 * The most Received fields read. RFC 5321 §6.3 asks relays to allow at least 100 before calling
 * it a loop, and Postfix stops at 50; a pasted block with thousands is a loop or made up, and
 * reading all of it held the server for seconds and sent the browser tens of megabytes.
 */
export const MAX_HOPS = 100;

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/**
 * The longest a message plausibly waits between two stamps: mail servers give up on a message
 * after 4–5 days in their queue (RFC 5321 §4.5.4.1; Postfix's maximal_queue_lifetime and
 * Sendmail's Timeout.queuereturn are 5 days). A longer gap is a made-up header below it, a clock
 * that far off, or a message held by hand.
 */
export const MAX_QUEUE_SECONDS = 5 * 86_400;

export function describeSeconds(value: number): string {
  const abs = Math.abs(value);
  if (abs < 60) return `${abs} s`;
  if (abs >= 2 * 86_400) return `${Math.round(abs / 86_400).toLocaleString('en')} days`;
  const hours = Math.floor(abs / 3600);
  const minutes = Math.floor((abs % 3600) / 60);
  const secs = Math.round(abs % 60);
  const parts = hours ? [`${hours} h`, `${minutes} min`] : [`${minutes} min`, `${secs} s`];
  return parts.filter((part) => !part.startsWith('0 ')).join(' ');
}

/** Host names compare case-insensitively without the root's dot (RFC 1035 §2.3.3). */
function hostKey(name: string | null): string | null {
  if (!name) return null;
  let bare = name.startsWith('[') ? name.slice(1) : name;
  if (bare.endsWith(']')) bare = bare.slice(0, -1);
  const ip = normalizeIp(bare);
  if (ip) return ip;
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/**
 * Same host: equal; or one is the other's first label (`mx1` written for `mx1.example.com`); or
 * both start with the same machine-generated label, as Exchange Online names one server in two
 * domains (`BN2PEPF000044A9.namprd04.prod.outlook.com` / `….mail.protection.outlook.com`).
 */
function sameHost(a: string | null, b: string | null): boolean {
  if (!a || !b) return false;
  if (a === b) return true;
  if (normalizeIp(a) || normalizeIp(b)) return false;
  if (a.startsWith(`${b}.`) || b.startsWith(`${a}.`)) return true;
  const label = a.split('.', 1)[0] ?? '';
  const distinctive = label.length >= 10 && /\d/.test(label) && /[a-z]/.test(label);
  return distinctive && b.split('.', 1)[0] === label;
}

/**
 * The client ran on the receiving machine: a loopback address, or the name `localhost` where a
 * server writes no address at all (IBM's gateway stamps `from localhost by e06smtp02.uk.ibm.com`
 * when its own filter hands the message back).
 */
function fromThisMachine(hop: Hop): boolean {
  if (hop.fromIp !== null) return hop.fromIpScope === 'loopback';
  return hop.fromRdns === null && hostKey(hop.from) === 'localhost';
}

/**
 * Does this hop's client look like the previous hop's receiver? A content filter re-injecting on
 * the same host (`from localhost … by mx` after `by mx`) also joins up. Without `byHelo` the
 * client's HELO name is not taken as its name: it is whatever the client typed.
 */
function joinsUp(hop: Hop, previous: Hop, byHelo = true): boolean {
  const by = hostKey(previous.by);
  const byIp = hostKey(previous.byIp);
  // one at a time: the first candidate usually matches, and keys are not free to work out
  for (const name of byHelo ? [hop.from, hop.fromRdns, hop.fromIp] : [hop.fromRdns, hop.fromIp]) {
    const candidate = hostKey(name);
    if (sameHost(candidate, by) || sameHost(candidate, byIp)) return true;
  }
  if (
    (byHelo && sameOrganisation(hostKey(hop.from), by)) ||
    sameOrganisation(hostKey(hop.fromRdns), by)
  ) {
    return true;
  }
  if (fromThisMachine(hop)) {
    return sameHost(hostKey(hop.by), by) || serviceIntake(by, hostKey(hop.by));
  }
  // a sending service's server, by the address its receiver recorded, handing on what its own
  // server stamped under an internal name or in its domain (SendGrid to Cloudflare Email Routing)
  const service = sendingServiceOf(hop);
  if (service !== null && by !== null && !normalizeIp(by)) {
    if (internalName(by) || getDomain(by) === service) return true;
  }
  // the provider's mailbox server names itself by address alone, so no client name can match it
  const step = previous.internalStep;
  if (step?.kind === 'provider-mailbox' && providerSendsOn(hop, step.host)) return true;
  return insideHandOver(hop, previous);
}

/**
 * A name a program stamps for itself, not a host's: one label, no address (`outflank-mailman`,
 * `mailman`, `list`). `name` is a host key.
 */
function programName(name: string | null): boolean {
  return name !== null && !name.includes('.') && name !== 'localhost' && !normalizeIp(name);
}

/**
 * A stamp a program wrote under its own name on the machine below, with no address on either
 * side: nothing crossed a network. Xen's list server stamps `by outflank-mailman (input) for
 * mailman id 986884` and `by outflank-mailman (output) from mailman id 986884.1372421` around
 * Mailman (xen-devel, 2021 to 2026); each read as a hand-over to a server named outflank-mailman
 * ("a hop may be missing"), and Mailman's re-injection from 127.0.0.1 above the first as "a saved
 * message sent again".
 */
function programStamp(hop: Hop): boolean {
  // a provider's servers under internal one-label names stamp their protocol (SendGrid's `by
  // recvd-868874bfdf-4nfd6 with SMTP`, Yahoo's `by hermes--production-ne1-… with ESMTPA`)
  if (hop.with !== null || hop.fromIp !== null || hop.fromRdns !== null || hop.byIp !== null) {
    return false;
  }
  const from = hostKey(hop.from);
  return programName(hostKey(hop.by)) && (from === null || programName(from));
}

/**
 * The server on a machine taking the message from a program there, which it names by the
 * program's name and no address (`from list by lists.xenproject.org with outflank-mailman…`):
 * `machine` is the host the stamps below were on. Exim's own local submission (`from dave by
 * mx.example with local`) on another machine than the one below still breaks the chain.
 */
function fromProgramOnMachine(hop: Hop, machine: string | null): boolean {
  if (hop.fromIp !== null || hop.fromRdns !== null || !programName(hostKey(hop.from))) return false;
  if (/^(?:e?smtp|lmtp|http)/i.test(hop.with ?? '')) return false;
  return sameHost(hostKey(hop.by), hostKey(machine));
}

/**
 * A sending service's intake, stamped by its bare domain, and its own mail server taking the
 * message from a program on that server's machine: Mailchimp Transactional (Mandrill) stamps its
 * API's intake `from [198.51.100.7] by mandrillapp.com id 236ed50d…` (the address is its
 * customer's), then `from pmta07.mandrill.prod.atl01.rsglab.com (localhost [127.0.0.1]) by
 * mail137-31.atl71.mandrillapp.com (Mailchimp)` (xen-devel, 2024 to 2026). A mail server stamps
 * its host name; the bare domain is the service's own, and so is the server in it that a program
 * on its own machine handed the message to, over a connection no one outside can make. It read as
 * "handed in by a program on mail137-31… itself, not passed on by mandrillapp.com: a saved
 * message sent again" on every message sent through Mandrill. `below` (the intake's name) and
 * `receiver` are host keys.
 */
function serviceIntake(below: string | null, receiver: string | null): boolean {
  if (!below || !receiver || normalizeIp(below) || getDomain(below) !== below) return false;
  return receiver.endsWith(`.${below}`);
}

/**
 * The names a provider or a company gives its own servers: top-level names (and `home.arpa`)
 * that no public DNS answers for, checked against what real
 * headers show and against RFC 6762 Appendix G, which lists the ones private networks use most:
 * `intranet`, `internal`, `private`, `corp`, `home`, `lan`. Besides those: RFC 6762's own
 * `local`, RFC 8375's `home.arpa`, ICANN's reservation of `internal` (2024), Postfix's default
 * `localdomain`, and `intra`, which Exchange sites write (`by ASAS044.asem.intra`). Fastmail
 * stamps `mailfout.phl.internal`. The one list: README's Route section names the same suffixes
 * (test/route-analysis/internal-names.test.ts holds the two together).
 */
export const INTERNAL_SUFFIXES: readonly string[] = [
  'internal',
  'intranet',
  'intra',
  'private',
  'corp',
  'home',
  'lan',
  'local',
  'localdomain',
  'home.arpa',
];

/**
 * A name only a provider's own network knows: one label (SendGrid's `filterdrecv-7bc86b958d-x2xkp`,
 * Mailgun's container `7d9f1a2b3c4d`) or under one of the suffixes above. `name` is a host key
 * (lower case, no root dot) that is not an address.
 */
function internalName(name: string): boolean {
  if (!name.includes('.')) return name !== 'localhost';
  return INTERNAL_SUFFIXES.some((suffix) => name.endsWith(`.${suffix}`));
}

/**
 * A provider's server that stamped the previous hop under its internal name (above) hands the
 * message on under its public one (or from its private address), so the names never match. It
 * joins up when the receiver vouches for the client: it looked up the client's name for its
 * address (not `may be forged`), or saw a private address, which no one outside its network can
 * send from. A forger's made-up stamp below a real one is still caught: the spammer's own address has
 * no looked-up name (chain-unverified), and a public stamp below a public one still breaks.
 */
function insideHandOver(hop: Hop, previous: Hop): boolean {
  const by = hostKey(previous.by);
  if (!by || normalizeIp(by)) return false;
  // one organisation's receivers passing mail over its private network: SourceForge's list
  // server takes it from its MX as `from [172.30.20.202] (helo=mx.sourceforge.net)`
  if (hop.private === true && sameOrganisation(hostKey(hop.by), by)) return true;
  if (!internalName(by)) return false;
  const verified = hop.fromIp !== null && hop.fromRdns !== null && !hop.forged;
  // the receiver's own gateway, by HTTP: no address to look up, and none missing (Yahoo's
  // `from sonic.gate.mail.ne1.yahoo.com … with HTTP` above `by hermes--production-ne1-…`)
  return verified || hop.private === true || hop.internalStep?.kind === 'provider-http';
}

/** The hop's date gave no fraction of a second (its ISO form has none, mail-date.ts). */
function wholeSecond(hop: Hop | undefined): boolean {
  return hop?.timestamp != null && !hop.timestamp.includes('.');
}

/**
 * Outlook handing the message to its Exchange mailbox server, where every message written in
 * Outlook, Outlook on the web or Microsoft 365 begins: `from EXCH02.corp.example ([fe80::8d2c:…])
 * by EXCH02.corp.example ([fe80::8d2c:…%12]) with mapi id 15.2.1544.4`. MAPI is no SMTP: the
 * server writes its own name and address on both sides, so the address read as the client's,
 * "address only: no name the receiver checked", a link-local one, with "TLS unknown".
 */
function mapiSubmission(hop: Hop): boolean {
  if (!/^mapi$/i.test(hop.with ?? '') || hop.fromRdns !== null) return false;
  const by = hostKey(hop.by);
  return by !== null && sameHost(hostKey(hop.from), by);
}

/**
 * The receiver's MX handing the message to its mailbox gateway, on top of the chain: iCloud's
 * `from mx6.mail.icloud.com by p32-mailgateway-smtp-7d8f9c6b5-x2k4p (mailgateway 2446B41) with
 * SMTP id …` names its MX by name alone, no address, which read "unverified: name claimed by the
 * sender". The top stamp is the mailbox's own server's, which no sender writes, its client is the
 * server that stamped the hop below, and it names itself as only its own network knows it.
 * Returns the registered domain of that MX.
 */
function mailboxGateway(top: Hop, below: Hop): string | null {
  if (top.fromIp !== null || top.fromRdns !== null || top.local) return null;
  const by = hostKey(top.by);
  const mx = hostKey(below.by);
  if (!by || !mx || normalizeIp(by) || normalizeIp(mx) || !internalName(by)) return null;
  if (!sameHost(hostKey(top.from), mx)) return null;
  return getDomain(mx);
}

/**
 * Where a sending service's web API took the message, at the bottom of the chain: its API stamp
 * (`from MjAyMTY3MDY (unknown) by geopod-ismtpd-9 (SG) with HTTP`), its own inner steps above it
 * that name no client (`by recvd-868874bfdf-4nfd6 with SMTP id …`), then the hop that takes the
 * message from the service. The bottom stamps are the sender's to write, so they are read as the
 * service's only when that hop's receiver found its client to be the service's server (by the
 * address it recorded or the name it looked up, provider-domains.ts): a copy of SendGrid's stamps
 * below anyone else's server keeps "name claimed by the sender". `steps` is how many inner steps.
 */
function apiOrigin(hops: readonly Hop[]): { service: string; steps: number } | null {
  const first = hops[0];
  const service = first ? apiStampOf(first, internalName) : null;
  if (service === null) return null;
  let out = 1;
  while (hops[out] && serviceInnerStep(hops[out] as Hop, service, internalName)) out++;
  const handedOut = hops[out];
  if (!handedOut || sendingServiceOf(handedOut) !== service) return null;
  return { service, steps: out - 1 };
}

/**
 * A date whose zone gives no offset is read as UTC, as RFC 5322 §4.3 asks of unknown zones, but
 * the reader is told: a CET server's stamp read as UTC is an hour off, which shows as a delay or
 * clock skew that never happened.
 */
function zoneWarning(index: number, zone: string | null): Warning {
  const what =
    zone === null
      ? 'the date names no time zone'
      : /^[A-IK-Y]$/i.test(zone)
        ? `zone ${zone} is a military letter, which RFC 5322 §4.3 says not to trust`
        : `zone ${zone} not defined by RFC 5322`;
  return {
    code: 'hop-zone-unknown',
    message: `${hopName(index)}: ${what}: read as UTC; delays around this hop may be off by hours.`,
    hop: index,
  };
}

/**
 * How far the receiver vouches for the client. Only an address the receiver saw and a name it
 * looked up for that address are its own findings; a HELO name is whatever the client typed
 * (RFC 5321 §4.1.4 forbids refusing mail over it), so a stamp carrying nothing else, as qmail's
 * `from unknown (HELO x.example)` without an address does, proves nothing about who sent it.
 * Sendmail's `may be forged` says the name did not map back to the address. A client over a local
 * socket is the receiving machine itself, as a local submission is.
 */
function clientCheck(parsed: ParsedReceived): ClientCheck {
  if (parsed.local || parsed.localSocket) return 'local';
  if (parsed.fromIp) return parsed.fromRdns && !parsed.forged ? 'verified' : 'address';
  return parsed.from || parsed.fromRdns ? 'claimed' : 'none';
}

/**
 * The hop joins the chain only by its client's HELO name, from an address its receiver found no
 * name for. Spam writes made-up Received fields below the real ones, naming the domain it forges,
 * and greets with a name from that domain so the chain looks whole (Messageheader and MXToolbox
 * read such a route as the sender's servers). Nothing a receiver checked shows the stamps below
 * were written on the way, so they are the sender's claim (`chain-unverified`).
 */
function heloOnlyJoin(hop: Hop, previous: Hop, index: number): Warning {
  const below = index === 1 ? `${hopName(0)} was` : `Hops 1–${index} were`;
  return {
    code: 'chain-unverified',
    message:
      `${hopName(index)} came from ${hop.fromIp ?? 'an address'}, which has no reverse-DNS ` +
      `name; only its own greeting (HELO ${hop.from ?? ''}), which nobody checks, ties it to ` +
      `${previous.by ?? previous.byIp ?? 'the server'}, which stamped ${hopName(index - 1)}. ` +
      `Nothing shows that ${below} written by servers on the way: ` +
      'spam adds made-up Received fields below the real ones, so read them as the sender’s claim.',
    hop: index,
  };
}

/**
 * A hop from a loopback address that does not join up: the client ran on the receiving machine
 * itself (the kernel says so, nobody can forge it from outside), so the message was handed in
 * there, not passed on by the previous hop's server. A saved message sent again does this, and a
 * local filter handing mail back under another host name.
 */
function localResubmission(hop: Hop, previous: Hop, index: number): Warning {
  return {
    code: 'local-resubmission',
    message:
      `${hopName(index)} was handed in by a program on ${hop.by ?? 'the receiving server'} ` +
      `itself (${hop.fromIp ?? 'a loopback address'}), not passed on by ` +
      `${previous.by ?? previous.byIp ?? 'the server'}, which stamped ${hopName(index - 1)}: a ` +
      'saved message sent again (the hops below are its earlier delivery), or a local filter ' +
      'handing it back under another name.',
    hop: index,
  };
}

/**
 * Hops on one machine: a content filter takes the message from the MTA over 127.0.0.1 (amavis
 * stamps `by localhost (amavisd-new, port 10024)`, Trend Micro's `by IMSVA`) and hands it back
 * (`from localhost (localhost [127.0.0.1]) by mx.example.com`, Proofpoint's `from pps.filterd
 * (… [127.0.0.1])`, IBM's gateway `from localhost`), a list manager re-injects what it expands.
 * A loopback connection never leaves the machine, so once such a hop joins the one below, its
 * receiver runs on the machine that received that one, whatever it calls itself: `localhost` is
 * no new host, and the step no hand-over between servers. A loopback hop that does not join up
 * (a saved message sent again, told as `local-resubmission` or `delay-resent`) is not such a step.
 */
function markSameMachineSteps(hops: readonly Hop[], joined: readonly boolean[]): void {
  // the machine that received the hop below, as the first stamp on it named it
  let machine: string | null = null;
  hops.forEach((hop, index) => {
    const below = machine;
    machine = hop.by ?? hop.byIp;
    if (below === null || joined[index] !== true) return;
    if (programStamp(hop) || fromProgramOnMachine(hop, below)) {
      hop.internalStep = { kind: 'same-machine', host: below };
      machine = below;
      return;
    }
    if (!fromThisMachine(hop)) return;
    if (exchangeMailboxDelivery(hop)) return;
    // a service's intake, named by its bare domain, is no machine: the step is on the receiver's
    const host = serviceIntake(hostKey(below), hostKey(hop.by)) ? (hop.by ?? below) : below;
    hop.internalStep = { kind: 'same-machine', host };
    // the message is still on that machine, whatever the program there called itself
    machine = host;
  });
}

/**
 * Exchange Online handing the message to the mailbox's server, on top of every message Microsoft
 * 365 and Outlook.com deliver: `from DS7PR06MB6790.namprd06.prod.outlook.com (::1) by
 * CH3PPF3CC9C8367.namprd06.prod.outlook.com with HTTPS` (so since 2023; earlier it wrote the
 * sender's IPv6 address). The `::1` is no connection within one machine: the two names are two
 * servers of one organisation, and the step is Exchange's own (markExchangeSteps). Read as one
 * machine, it said a content filter on the server below took the message, and left Microsoft's
 * protection and front-end steps under it counted as hand-overs nobody verified.
 */
function exchangeMailboxDelivery(hop: Hop): boolean {
  if (!/^HTTPS$/i.test(hop.with ?? '')) return false;
  const from = hostKey(hop.from);
  const by = hostKey(hop.by);
  if (!from || !by || normalizeIp(from) || normalizeIp(by)) return false;
  return !sameHost(from, by) && sameOrganisation(from, by);
}

/**
 * Exchange's hand-overs between its own servers: `with Microsoft SMTP Server (version=TLS1_2, …)
 * id 15.20…`, and Exchange Online's delivery to the mailbox's server `with HTTPS`.
 */
const exchangeStamp = /^(?:Microsoft SMTP Server|HTTPS)$/i;

/**
 * The registered domains the hop's receiver goes by: its own name's, and the name it greets the
 * next server with where that is the same machine, as Exchange Online names one server in two
 * domains (`by BN6PR06CA0019.outlook.office365.com`, then `from BN6PR06CA0019.namprd06.prod.
 * outlook.com`).
 */
function receiverDomains(hops: readonly Hop[], index: number): string[] {
  const by = hostKey(hops[index]?.by ?? null);
  if (!by || normalizeIp(by)) return [];
  const domains = [getDomain(by)];
  const greeting = hostKey(hops[index + 1]?.from ?? null);
  if (greeting && sameHost(greeting, by)) domains.push(getDomain(greeting));
  return domains.filter((domain): domain is string => domain !== null);
}

/**
 * The organisation a hop is a step inside, when Exchange stamped one of its servers handing the
 * message to another of the same domain, and the chain joins there; null otherwise. The client is
 * named by its greeting: Exchange records the address beside it and never a looked-up name.
 */
function exchangeInnerStep(hops: readonly Hop[], joined: readonly boolean[], index: number) {
  const hop = hops[index];
  if (!hop || !joined[index] || hop.internalStep !== null) return null;
  if (!exchangeStamp.test(hop.with ?? '')) return null;
  const client = hostKey(hop.fromRdns ?? hop.from);
  const domain = client && !normalizeIp(client) ? getDomain(client) : null;
  return domain !== null && receiverDomains(hops, index).includes(domain) ? domain : null;
}

/**
 * Exchange's steps inside one organisation (Microsoft 365's protection servers, its front end
 * and the mailbox's server; a company's Exchange servers) as `provider-step`: Exchange never
 * writes a looked-up name, so each read as a hand-over whose client nobody verified, and Microsoft
 * 365 mail said "verified at 0 of 4 hops" for its own inner steps. A run of such steps counts as
 * the organisation's only where no sender can have written it: at the top of the chain (the
 * recipient's side, or a saved copy handed in again on this machine), or below a hop whose
 * receiver looked up its client's name in that domain (Microsoft 365 sending to Postfix,
 * `mail-am6eur05on2071.outbound.protection.outlook.com`). Copied below anyone else's server they
 * stay hand-overs, as the sender wrote them.
 */
function markExchangeSteps(hops: Hop[], joined: readonly boolean[]): void {
  const inside = hops.map((_, index) => exchangeInnerStep(hops, joined, index));
  let start = 0;
  while (start < hops.length) {
    const domain = inside[start];
    if (domain === null || domain === undefined) {
      start++;
      continue;
    }
    let end = start;
    while (inside[end + 1] === domain) end++;
    const above = hops[end + 1];
    const onTop = !above || (above.fromIpScope === 'loopback' && joined[end + 1] !== true);
    const vouched =
      above !== undefined &&
      joined[end + 1] === true &&
      above.fromIp !== null &&
      above.fromRdns !== null &&
      !above.forged &&
      getDomain(hostKey(above.fromRdns) ?? '') === domain;
    if (onTop || vouched) {
      for (const hop of hops.slice(start, end + 1)) {
        hop.internalStep = { kind: 'provider-step', host: domain };
      }
    }
    start = end + 1;
  }
}

/**
 * The reader's provider delivering the message itself, on top of the chain, naming its own server
 * on both sides and no address or protocol: Proton Mail stamps `from mail.protonmail.ch by
 * mail.protonmail.ch; Fri, 14 Jun 2024 06:03:48 +0000` on mail between its users, which read
 * "unverified: name claimed by the sender" on the only hop. No client connected whose name could
 * be checked, and only the provider writes on top of the chain.
 */
function ownDelivery(hop: Hop): boolean {
  if (hop.fromIp !== null || hop.fromRdns !== null || hop.with !== null || hop.local) return false;
  const by = hostKey(hop.by);
  if (!by || normalizeIp(by) || internalName(by) || getDomain(by) === null) return false;
  return hostKey(hop.from) === by;
}

/**
 * A stamp out of step with both its neighbours: ahead of the stamps on either side (`09:31:04`,
 * `10:31:07`, `09:31:09`, where a server wrote its local time under `+0000`), or behind both.
 * The clock-skew warning named only the hop after the gap, and the hour into the odd stamp read
 * as the slowest hop, time the message sat in a queue, when the two neighbours are seconds apart.
 * It is read so only when the neighbours agree with each other (the later is not before the
 * earlier) and are closer together than the skew is large; otherwise which clock is off cannot be
 * told, and the skew stays as it was. The delay into (ahead) or out of (behind) the odd stamp is
 * then no time in transit, and the warning names the odd stamp (`clock-out-of-step`).
 */
function markStampsOutOfStep(
  hops: readonly Hop[],
  instants: readonly (number | null)[],
  measuredFrom: readonly number[],
  inTransit: boolean[],
  warnings: Warning[],
): void {
  const apart = (later: number, earlier: number) =>
    seconds((instants[later] ?? 0) - (instants[earlier] ?? 0));
  hops.forEach((hop, index) => {
    if (!hop.skew || hop.delaySeconds === null) return;
    const skew = -hop.delaySeconds;
    const before = measuredFrom[index] ?? -1;
    if (before < 0) return;
    const belowThat = measuredFrom[before] ?? -1;
    const next = hops.findIndex((_, i) => measuredFrom[i] === index);
    const agree = (later: number, earlier: number) =>
      apart(later, earlier) >= 0 && apart(later, earlier) < skew;
    let found: { odd: number; uncounted: number; first: number; last: number } | null = null;
    // ahead: the stamp below this one is later than both of its neighbours
    if (belowThat >= 0 && inTransit[before] && agree(index, belowThat)) {
      found = { odd: before, uncounted: before, first: belowThat, last: index };
    } else if (next >= 0 && inTransit[next] && agree(next, before)) {
      // behind: this stamp is earlier than both of its neighbours
      found = { odd: index, uncounted: next, first: before, last: next };
    }
    if (found === null) return;
    const { odd, uncounted, first, last } = found;
    inTransit[uncounted] = false;
    // a whole number of hours (or half hours) off is a zone, not a drifting clock
    const halfHours = Math.round(skew / 1800);
    const zone =
      halfHours >= 1 && Math.abs(skew - halfHours * 1800) <= 120
        ? ` by about ${describeSeconds(halfHours * 1800)}, most likely its time zone (a local ` +
          'time written with the wrong offset)'
        : '';
    const message =
      `${hopName(odd)} is stamped ${odd === index ? 'earlier' : 'later'} than both ` +
      `${hopName(first)} and ${hopName(last)}, which are ${describeSeconds(apart(last, first))} ` +
      `apart: its server’s clock or time zone is off${zone}. So the ` +
      `${describeSeconds(hops[uncounted]?.delaySeconds ?? 0)} ` +
      `${uncounted === odd ? 'before' : 'after'} it is no time the message spent in a queue, ` +
      'and is not counted.';
    // one warning, on the stamp that is off, in place of the skew's on the hop after it
    const replaced = warnings.findIndex((w) => w.code === 'clock-skew' && w.hop === index);
    const warning: Warning = { code: 'clock-out-of-step', message, hop: odd };
    if (replaced >= 0) warnings[replaced] = warning;
    else warnings.push(warning);
  });
}

/** A hand-over seen this often is a loop: a content filter's re-injection repeats once or twice. */
const LOOP_REPEATS = 3;

/**
 * Two servers handing a message back and forth (a forward or an MX that points back) stamp the
 * same hand-over again and again, until one refuses it for too many hops. Well under the 100 hops
 * read, a 40-hop loop read as forty ordinary one-second hops.
 */
function mailLoop(hops: readonly Hop[]): Warning | null {
  interface HandOver {
    count: number;
    first: number;
    from: string;
    by: string;
  }
  const seen = new Map<string, HandOver>();
  let worst: HandOver | null = null;
  for (const [index, hop] of hops.entries()) {
    const from = hop.fromRdns ?? hop.from ?? hop.fromIp;
    const by = hop.by ?? hop.byIp;
    if (!from || !by) continue;
    const key = `${hostKey(from) ?? ''} ${hostKey(by) ?? ''}`;
    const entry = seen.get(key) ?? { count: 0, first: index, from, by };
    entry.count++;
    seen.set(key, entry);
    if (entry.count >= LOOP_REPEATS && (!worst || entry.count > worst.count)) worst = entry;
  }
  if (!worst) return null;
  return {
    code: 'mail-loop',
    message:
      `A mail loop: ${worst.from} handed the message to ${worst.by} ${worst.count} times (first ` +
      `at ${hopName(worst.first)}). Servers pass a looping message back and forth until one ` +
      'refuses it for too many hops (Sendmail after 25, Exim and Relaydesk after 30, Postfix ' +
      'after 50); look for a forward, an alias or an MX record that points back.',
  };
}

export function buildRoute(fields: readonly HeaderField[]): Route {
  const warnings: Warning[] = [];
  const all = fieldsNamed(fields, 'Received');
  // the top-most fields were stamped by the servers nearest the reader, the ones to trust most
  const received = all.slice(0, MAX_HOPS).reverse();
  if (all.length > MAX_HOPS) {
    warnings.push({
      code: 'hops-truncated',
      message:
        `The header has ${all.length.toLocaleString('en')} Received fields; only the ` +
        `${MAX_HOPS} most recent (top-most) are shown. A real route has a few dozen at most, ` +
        'so this is a mail loop or a made-up header.',
    });
  }
  const instants: (number | null)[] = [];
  // clients whose receiver found no reverse-DNS name: their name is only their HELO
  const heloOnly: boolean[] = [];
  const hops: Hop[] = received.map((field, index) => {
    const parsed = parseReceived(field.value);
    const scope = parsed.fromIp ? ipScope(parsed.fromIp) : null;
    instants.push(parsed.date?.epochMs ?? null);
    heloOnly.push(parsed.noReverseDns);
    if (!parsed.parsed) {
      warnings.push({
        code: 'hop-unparsed',
        message: `${hopName(index)}: the Received field could not be read; it is shown as written.`,
        hop: index,
      });
    } else {
      for (const problem of parsed.problems) {
        warnings.push({
          code: 'hop-malformed',
          message: `${hopName(index)}: the Received field has ${problem}; parts of it may be missing.`,
          hop: index,
        });
      }
      if (!parsed.date) {
        warnings.push({
          code: 'hop-undated',
          message: `${hopName(index)} has no readable date, so no delay can be given for it.`,
          hop: index,
        });
      } else if (!parsed.date.zoneKnown) {
        warnings.push(zoneWarning(index, parsed.date.zone));
      }
    }
    return {
      from: parsed.from,
      fromRdns: parsed.fromRdns,
      fromIp: parsed.fromIp,
      by: parsed.by,
      with: parsed.with,
      tls: parsed.tls,
      id: parsed.id,
      for: parsed.for,
      timestamp: parsed.date?.iso ?? null,
      delaySeconds: null,
      raw: field.raw,
      parsed: parsed.parsed,
      index,
      via: parsed.via,
      byIp: parsed.byIp,
      envelopeFrom: parsed.envelopeFrom,
      tlsVersion: parsed.tlsVersion,
      tlsCipher: parsed.tlsCipher,
      authenticated: parsed.authenticated,
      local: parsed.local,
      forged: parsed.forged,
      fromIpScope: scope,
      private: scope === null ? null : isPrivateScope(scope),
      utcOffsetMinutes: parsed.date?.offsetMinutes ?? null,
      zone: parsed.date?.zone ?? null,
      zoneKnown: parsed.date?.zoneKnown ?? null,
      skew: false,
      broken: false,
      clientCheck: clientCheck(parsed),
      internalStep: null,
    };
  });
  for (const hop of hops) {
    const provider = providerHttpGateway(hop);
    if (provider !== null) hop.internalStep = { kind: 'provider-http', host: provider };
  }
  const firstStamp = hops[0];
  const origin = firstStamp ? providerOrigin(firstStamp) : null;
  // the bottom stamp is the sender's to write: read as the provider's own only when the receiver
  // above found nothing against it (no looked-up name of another domain, no name that did not map
  // back); a server of someone else's behind a copied Gmail stamp keeps "unknown client"
  const handedOn = hops[1];
  const contradicted =
    handedOn !== undefined &&
    origin !== null &&
    (handedOn.forged ||
      (handedOn.fromRdns !== null && getDomain(hostKey(handedOn.fromRdns) ?? '') !== origin));
  if (firstStamp && origin !== null && !contradicted) {
    firstStamp.internalStep = { kind: 'provider-origin', host: origin };
  }
  if (firstStamp && mapiSubmission(firstStamp)) {
    firstStamp.internalStep = { kind: 'mapi-submission', host: firstStamp.by ?? '' };
  }
  const api = apiOrigin(hops);
  if (api !== null) {
    for (const [index, hop] of hops.slice(0, api.steps + 1).entries()) {
      hop.internalStep = {
        kind: index === 0 ? 'api-submission' : 'provider-step',
        host: api.service,
      };
    }
  }
  // the mailbox's own stamp is the top one, or the one under a saved copy's re-send on this
  // machine: every message sent to Relaydesk again carries Relaydesk's stamp from 127.0.0.1 on top
  const topStamp = hops[hops.length - 1];
  const resent =
    topStamp !== undefined &&
    hops.length >= 3 &&
    topStamp.fromIpScope === 'loopback' &&
    !joinsUp(topStamp, hops[hops.length - 2] as Hop);
  const [below, top] = resent ? hops.slice(-3, -1) : hops.slice(-2);
  const mailbox = below && top ? (providerMailbox(top, below) ?? mailboxGateway(top, below)) : null;
  if (top && mailbox !== null) top.internalStep = { kind: 'provider-mailbox', host: mailbox };
  // a mailbox inside the chain, which the provider's own server sends on from (a Google Group):
  // read as "unknown client, unverified", and the group's sending as a broken chain
  hops.forEach((hop, index) => {
    const previous = hops[index - 1];
    const next = hops[index + 1];
    if (!previous || !next || hop.internalStep !== null) return;
    const provider = providerMailbox(hop, previous);
    if (provider !== null && providerSendsOn(next, provider)) {
      hop.internalStep = { kind: 'provider-mailbox', host: provider };
    }
  });

  let previousMs: number | null = null;
  let previousIndex = -1;
  // the dated hop each delay is measured from, and the hops whose delay was time in transit (a
  // re-send's gap is not), for the total and the slowest hop below
  const measuredFrom: number[] = hops.map(() => -1);
  const inTransit: boolean[] = hops.map(() => false);
  hops.forEach((hop, index) => {
    const ms = instants[index];
    if (ms === null || ms === undefined) return;
    if (previousMs !== null) {
      const delay = seconds(ms - previousMs);
      hop.delaySeconds = delay;
      measuredFrom[index] = previousIndex;
      if (delay > MAX_QUEUE_SECONDS) {
        const before = index === 1 ? hopName(0) : `Hops 1–${index}`;
        // sent again from inside (a saved .eml re-sent to test, a quarantine released): the
        // route below is the first delivery's, not made up
        if (hop.local || hop.private === true) {
          warnings.push({
            code: 'delay-resent',
            message:
              `${hopName(index)} is stamped ${describeSeconds(delay)} after ` +
              `${hopName(previousIndex)}, longer than mail servers keep a message queued: it ` +
              `was sent again from ${hop.fromIp ?? 'this host'} (a saved message re-sent, or ` +
              'released from a quarantine), so this is not time in transit.',
            hop: index,
          });
        } else {
          warnings.push({
            code: 'delay-implausible',
            message:
              `${hopName(index)} is stamped ${describeSeconds(delay)} after ${hopName(previousIndex)}, ` +
              'longer than mail servers keep a message queued (they give up after 4–5 days). ' +
              `${before} ${index === 1 ? 'was' : 'were'} most likely written by the sender to look ` +
              'like a route (forged), unless a clock was that far off or the message was held by ' +
              `hand; the servers’ own stamps begin at ${hopName(index)}.`,
            hop: index,
          });
        }
      } else if (delay > 0) {
        inTransit[index] = true;
      } else if (delay < 0 && delay > -1 && wholeSecond(hop)) {
        // a stamp in whole seconds names the second it fell in, so the later one may be up to a
        // second after what it says: SendGrid's `04:54:50.563674155` below Cloudflare's
        // `04:54:50` read as clock skew, when the hand-over took under a second
        hop.delaySeconds = 0;
      } else if (delay < 0) {
        hop.skew = true;
        warnings.push({
          code: 'clock-skew',
          message:
            `${hopName(index)} is stamped ${describeSeconds(delay)} before ${hopName(previousIndex)}. ` +
            'Mail cannot arrive before it was sent, so the two servers’ clocks (or time zones) ' +
            'disagree; the delays around this hop are not reliable.',
          hop: index,
        });
      }
    }
    previousMs = ms;
    previousIndex = index;
  });

  markStampsOutOfStep(hops, instants, measuredFrom, inTransit, warnings);

  // the hops whose client is the receiver of the hop below, by the names and addresses
  const joined: boolean[] = hops.map(() => false);
  // the machine each stamp was written on: a program's stamp (programStamp) is on the one below
  const machines: (string | null)[] = [];
  hops.forEach((hop, index) => {
    const below = machines[index - 1] ?? null;
    machines.push(index > 0 && programStamp(hop) ? below : (hop.by ?? hop.byIp));
    const stamped = hops[index - 1];
    if (!stamped || !hop.parsed || !stamped.parsed) return;
    if (below !== null && (programStamp(hop) || fromProgramOnMachine(hop, below))) {
      joined[index] = true;
      return;
    }
    if (hop.from === null && hop.fromIp === null) return;
    // below a program's stamp, the client is compared with the machine the program ran on
    const previous =
      programStamp(stamped) && below !== null ? { ...stamped, by: below, byIp: null } : stamped;
    if (previous.by === null && previous.byIp === null) return;
    // a private or loopback address is one only the receiver's own network can send from (the
    // IMSVA filter's `from mx1.example (unknown [127.0.0.1])`, `from relay (unknown [10.0.2.173])`):
    // its HELO naming the previous receiver is a hand-over inside that network, not a forger's claim
    const unchecked = heloOnly[index] === true && hop.private !== true;
    if (joinsUp(hop, previous, !unchecked)) {
      joined[index] = true;
      return;
    }
    if (unchecked && joinsUp(hop, previous)) {
      // a gap no queue explains at this hop already says the stamps below are made up
      if (warnings.some((w) => w.code === 'delay-implausible' && w.hop === index)) return;
      hop.broken = true;
      warnings.push(heloOnlyJoin(hop, previous, index));
      return;
    }
    if (hop.fromIpScope === 'loopback') {
      // a program on the receiving machine handed it in: Relaydesk's own stamp on every saved
      // message sent to it again read "a hop may be missing" (twice, with the re-send's gap)
      if (!warnings.some((w) => w.code === 'delay-resent' && w.hop === index)) {
        warnings.push(localResubmission(hop, previous, index));
      }
      return;
    }
    hop.broken = true;
    warnings.push({
      code: 'chain-broken',
      message:
        `${hopName(index)} was received from ${hop.from ?? hop.fromIp}, which is not ` +
        `${previous.by ?? previous.byIp}, the server that stamped ${hopName(index - 1)}. ` +
        'A hop may be missing, or a server names itself differently from how its peer sees it.',
      hop: index,
    });
  });

  markSameMachineSteps(hops, joined);
  markExchangeSteps(hops, joined);
  hops.forEach((delivery, index) => {
    const above = hops[index + 1];
    // the top of the chain, or of a saved copy handed in again on this machine
    const onTop = !above || (above.fromIpScope === 'loopback' && joined[index + 1] !== true);
    if (!onTop || (index > 0 && joined[index] !== true) || !ownDelivery(delivery)) return;
    delivery.internalStep = { kind: 'provider-step', host: getDomain(delivery.by ?? '') ?? '' };
  });

  // time in transit, the total and the slowest hop count from the receivers' own stamps: a
  // made-up route's years are no delay of anyone's, nor are the minutes a forger wrote below a
  // hand-over tied on only by a HELO name
  const start = vouchedStart(warnings).hop;
  const counted = instants
    .map((ms, index) => ({ ms, index }))
    .filter(
      (entry): entry is { ms: number; index: number } => entry.index >= start && entry.ms !== null,
    );
  const transit = inTransit
    .map((yes, index) => (yes && (measuredFrom[index] ?? -1) >= start ? index : -1))
    .filter((index) => index >= 0);
  const positive = transit.reduce((sum, index) => sum + (hops[index]?.delaySeconds ?? 0), 0);
  const first = counted[0];
  const last = counted[counted.length - 1];
  const slowestTies = slowestHops(hops, transit);
  const loop = mailLoop(hops);
  if (loop) warnings.push(loop);

  const firstToLast = counted.length >= 2 && first && last ? seconds(last.ms - first.ms) : null;
  // as the Route view says it: a re-send's gap is not time in transit (route-figures.ts)
  const span = routeSpan(hops, warnings, firstToLast);
  return {
    hops,
    totalSeconds: span.totalSeconds,
    sentAgainAt: span.sentAgainAt,
    positiveSeconds: counted.length >= 2 ? Math.round(positive * 1000) / 1000 : null,
    slowestHop: slowestTies[0] ?? null,
    slowestTies,
    warnings,
  };
}

/**
 * The hops sharing the largest positive delay, in route order. With whole-second stamps ties are
 * common (two 1 s hops), and the reader is told of all of them rather than shown one picked by
 * chance; the earliest is the one highlighted, so the same header always reads the same way.
 * None when no delay is above 0 s, or when every measured hop took the same time.
 */
function slowestHops(hops: readonly Hop[], candidates: readonly number[]): number[] {
  let largest = 0;
  for (const index of candidates) largest = Math.max(largest, hops[index]?.delaySeconds ?? 0);
  if (largest <= 0) return [];
  const measured = candidates.filter((index) => typeof hops[index]?.delaySeconds === 'number');
  const ties = measured.filter((index) => hops[index]?.delaySeconds === largest);
  // every hop took the same time (Microsoft 365's five hops of 1 s each): none was slow, and
  // marking the first of them as the slowest sent the reader to a hop no worse than the others
  if (ties.length >= 2 && ties.length === measured.length) return [];
  return ties;
}
