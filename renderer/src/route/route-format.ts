// How a route reads: delays in human terms and bars drawn to scale. Pure.
import { vouchedStart } from '../../../preload/route-vouched.js';
// qmail's queue notes are told apart where the API counts hand-overs: one rule for both
import {
  localInvocation,
  localSubmitter,
  networkHandOver,
  queueNote,
} from '../../../preload/route-figures.js';

export { localInvocation, localSubmitter, queueNote };
import type { AuthenticationResult, Hop, RouteAnalysis, Warning } from '../api/contract.js';

/** "under 1 s", "45 s", "2 min", "1 h 5 min", "3 days": what a person says, not a number. */
export function humanDelay(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs < 1) return 'under 1 s';
  if (abs < 60) return `${Math.round(abs)} s`;
  if (abs < 3600) {
    const minutes = Math.floor(abs / 60);
    const rest = Math.round(abs % 60);
    return minutes < 10 && rest > 0 ? `${minutes} min ${rest} s` : `${Math.round(abs / 60)} min`;
  }
  if (abs < 86_400) {
    const hours = Math.floor(abs / 3600);
    const minutes = Math.round((abs % 3600) / 60);
    return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const days = Math.round(abs / 86_400);
  return days === 1 ? '1 day' : `${days} days`;
}

/**
 * The route's span for the summary line: ", 5 s from first to last". The figure is the API's
 * (`totalSeconds`, worked out by preload/route-figures.ts): from the first stamp a receiver
 * vouches for, less the gap of a re-send (`sentAgainAt`). When the last stamp reads earlier than
 * the first, the servers' clocks disagree (the clock-skew warning says where): the span is said
 * as that, never as a time the message took.
 */
export function routeSpanText(
  route: Pick<RouteAnalysis, 'totalSeconds' | 'sentAgainAt' | 'warnings'>,
): string {
  const total = route.totalSeconds;
  // the API's total and slowest hop are counted from the same hop
  const vouched = vouchedStart(route.warnings).hop;
  const sentAgain = route.sentAgainAt !== null;
  if (vouched > 0) {
    // the stamps below were left out of the total: say so, or the span reads as the whole route's
    const left = `the stamps below Hop ${vouched + 1} are the sender’s claim and are not counted`;
    if (total === null) return `; no time in transit is given: ${left}`;
    if (total >= 0) {
      const until = sentAgain ? 'the last before it was sent again' : 'the last';
      return `, ${humanDelay(total)} from Hop ${vouched + 1} to ${until} (${left})`;
    }
  }
  if (total === null) return '';
  if (total < 0) {
    return (
      `; the last stamp reads ${humanDelay(total)} earlier than the first, ` +
      'so the servers’ clocks disagree and the time in transit is unknown'
    );
  }
  if (sentAgain) return `, ${humanDelay(total)} from first to last before it was sent again`;
  return `, ${humanDelay(total)} from first to last`;
}

/**
 * Each hop's share of the longest positive delay, 0–100, for a bar drawn to scale. A square-root
 * scale keeps a 1 s hop visible beside a 2 h one while the order of sizes stays right.
 */
export function delayBars(hops: readonly Hop[], uncounted: readonly unknown[] = []): number[] {
  // a delay left out of the time in transit draws no bar, nor sets the scale for the others
  const counted = (index: number): boolean => !uncounted[index];
  const longest = Math.max(
    0,
    ...hops.map((hop, index) => (counted(index) ? (hop.delaySeconds ?? 0) : 0)),
  );
  return hops.map((hop, index) => {
    const delay = hop.delaySeconds ?? 0;
    if (longest <= 0 || delay <= 0 || !counted(index)) return 0;
    return Math.max(2, Math.round(Math.sqrt(delay / longest) * 100));
  });
}

/**
 * Why a hop's delay is left out of the time in transit, or null when it counts. A delay is
 * measured from the previous dated stamp; when that stamp lies below where the stamps a receiver
 * vouches for begin (route-vouched.ts), the delay is between the sender's own made-up stamps, or
 * from one of them to the first real one, and the summary does not count it: the hop shows it
 * muted and says so, rather than as a bar that reads like time in transit.
 */
export function uncountedDelay(
  route: Pick<RouteAnalysis, 'hops' | 'warnings'>,
  index: number,
): string | null {
  let from = index - 1;
  while (from >= 0 && route.hops[from]?.timestamp === null) from--;
  const offClock = clockOutOfStep(route, index, from);
  if (offClock !== null) return `not counted: Hop ${offClock + 1}’s clock is off`;
  const { hop: start, after } = vouchedStart(route.warnings);
  if (after === null || index === 0) return null;
  if (from < 0 || from >= start) return null;
  if (after === 'delay' && index === start) return 'not counted: longer than any queue keeps mail';
  return index === start
    ? 'not counted: from the sender’s claim'
    : 'not counted: the sender’s claim';
}

/**
 * The stamp whose clock is off (`clock-out-of-step`) when this hop's delay leads into it (a stamp
 * later than both neighbours) or out of it (earlier than both): that delay is the clock's error,
 * not time in a queue, and the core does not count it. `from` is the dated hop it is measured from.
 */
function clockOutOfStep(
  route: Pick<RouteAnalysis, 'hops' | 'warnings'>,
  index: number,
  from: number,
): number | null {
  if ((route.hops[index]?.delaySeconds ?? 0) <= 0) return null;
  const odd = route.warnings.find(
    (w) =>
      w.code === 'clock-out-of-step' &&
      (w.hop === index || (w.hop === from && (route.hops[from]?.delaySeconds ?? 0) < 0)),
  );
  return odd?.hop ?? null;
}

/** The sender side of a hop: HELO name and the reverse-DNS name where they differ. */
export function hopClient(hop: Hop): string {
  if (hop.local) return 'local submission';
  if (hop.internalStep?.kind === 'provider-origin') return `written with ${hop.internalStep.host}`;
  if (hop.internalStep?.kind === 'provider-mailbox') return `${hop.internalStep.host}’s MX`;
  if (hop.internalStep?.kind === 'mapi-submission') return 'written in Outlook';
  if (hop.internalStep?.kind === 'api-submission')
    return `sent through ${hop.internalStep.host}’s API`;
  // a step that names no client (SendGrid's filter) says whose it is; Exchange's names its server
  if (hop.internalStep?.kind === 'provider-step' && hop.fromIp === null) {
    return `inside ${hop.internalStep.host}`;
  }
  const names = [hop.from, hop.fromRdns].filter(
    (name, index, all): name is string => !!name && all.indexOf(name) === index,
  );
  return names.length ? names.join(' / ') : 'unknown client';
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Minutes east of UTC as RFC 5322 writes them: `-0800`, `+0530`. */
export function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`;
}

/**
 * A hop's time as its server wrote it, on its own clock and offset (`Thu, 6 Mar 2025 07:12:45
 * -0800`), so it reads against the raw field without converting; a zone name is kept beside the
 * offset, and a zone that gave none says how it was read. The hyphen is ASCII, as in the field,
 * so searching the source for what is shown finds it. Null without a date.
 */
export function hopWrittenTime(hop: Hop): string | null {
  if (!hop.timestamp) return null;
  const instant = Date.parse(hop.timestamp);
  if (Number.isNaN(instant)) return hop.timestamp;
  const offset = hop.utcOffsetMinutes ?? 0;
  const wall = new Date(instant + offset * 60_000);
  const seconds = wall.getUTCMilliseconds()
    ? `.${String(wall.getUTCMilliseconds()).padStart(3, '0')}`
    : '';
  const clock =
    `${WEEKDAYS[wall.getUTCDay()]}, ${wall.getUTCDate()} ${MONTHS[wall.getUTCMonth()]} ` +
    `${wall.getUTCFullYear()} ${pad2(wall.getUTCHours())}:${pad2(wall.getUTCMinutes())}:` +
    `${pad2(wall.getUTCSeconds())}${seconds}`;
  const zone = hop.zone;
  if (zone === null) return `${clock} (no zone, read as UTC)`;
  if (hop.zoneKnown === false) return `${clock} ${zone} (read as UTC)`;
  // RFC 5322 §3.3: UTC, from a server that gives no information about its own zone
  if (/^-00:?00$/.test(zone)) return `${clock} -0000 (UTC, no zone information)`;
  const numeric = offsetText(offset);
  return /^[+-]/.test(zone) ? `${clock} ${numeric}` : `${clock} ${numeric} (${zone})`;
}

export function ipScopeLabel(hop: Hop): string | null {
  if (!hop.fromIp) return null;
  const scope = hop.fromIpScope ?? (hop.private ? 'private' : 'public');
  // Exchange Online stamps its delivery to the mailbox's server `from DS7PR… (::1) by MW4PR…
  // with HTTPS`: two servers, so the loopback address is no connection on one machine
  if (scope === 'loopback' && hop.internalStep?.kind === 'provider-step') {
    return `${hop.fromIp} (loopback, as Exchange writes it for this step; not a client’s address)`;
  }
  return `${hop.fromIp} (${scope})`;
}

/**
 * One spelling for the versions servers write differently (Postfix `TLSv1.3`, Exim `TLS1.3`,
 * Microsoft `TLS1_3`, Sendmail `TLSv1`), so hops compare at a glance; anything else as written.
 */
export function tlsVersionName(version: string): string {
  const known = /^(TLS|SSL)\s*v?(\d+)(?:[._](\d+))?$/i.exec(version.trim());
  if (!known) return version;
  const [, family = '', major = '', minor] = known;
  const name = family.toUpperCase();
  return name === 'TLS'
    ? `TLS ${major}.${minor ?? '0'}`
    : `SSL ${major}${minor ? `.${minor}` : ''}`;
}

/** "TLS 1.3, TLS_AES_256_GCM_SHA384"; "TLS" alone when the server named no version. */
export function tlsLabel(hop: Hop): string {
  // Exim's `with local`, Cyrus's `[unix socket]`: a program on the receiving host handed the
  // message over with no network to encrypt, so no TLS is missing ("TLS unknown" said one was)
  if (hop.tls === null && (hop.local || hop.clientCheck === 'local')) return 'none: no network';
  // a step on one machine (a content filter over 127.0.0.1) crossed no network to encrypt
  if (!hop.tls && hop.internalStep?.kind === 'same-machine') return 'none: no network';
  // Gmail stamps its own inner steps `with SMTP` whatever they run over: not a plain-text hop
  // anyone outside could read, and not one the stamp tells about
  const inside = hop.internalStep?.kind;
  // Outlook's MAPI connection runs over HTTPS or RPC, which Exchange's stamp does not name
  if (inside === 'mapi-submission') return 'not stated: Outlook’s own connection to its server';
  if (inside === 'api-submission')
    return `not stated: the call to ${hop.internalStep?.host ?? 'the service'}’s API`;
  const provider = inside === 'provider-origin' || inside === 'provider-mailbox';
  if (!hop.tls && (provider || inside === 'provider-step')) {
    return `not stated: a step inside ${hop.internalStep?.host ?? 'the provider'}`;
  }
  if (hop.tls === null) return 'TLS unknown';
  if (!hop.tls) return 'no TLS';
  const version = hop.tlsVersion ? tlsVersionName(hop.tlsVersion) : 'TLS';
  return hop.tlsCipher ? `${version}, ${hop.tlsCipher}` : version;
}

/**
 * The first hop, oldest first, whose client had an Internet address: where the message entered
 * the public network, as far as the headers tell (the hops before it ran inside a private network
 * or on one machine). Hops before a gap longer than any queue keeps mail (`delay-implausible`),
 * or below a hand-over tied to the chain only by the client's unchecked HELO name
 * (`chain-unverified`), are not counted: a phish's made-up hops sit there, and marking one as the
 * origin named the address the forger chose. Null when no hop names such a client.
 */
export function originHop(
  hops: readonly Hop[],
  warnings: readonly Warning[] = [],
): { index: number; afterGap: boolean; gap: 'delay' | 'helo' | null } | null {
  const { hop: gapAt, after: gap } = vouchedStart(warnings);
  const index = hops.findIndex(
    (hop, i) => i >= gapAt && hop.fromIp !== null && hop.private === false,
  );
  return index < 0 ? null : { index, afterGap: gap !== null, gap };
}

/** What a result is about: the signing domain, the envelope sender, the From domain. */
export function authSubject(result: AuthenticationResult): string | null {
  const p = result.properties;
  const value =
    result.method === 'dkim'
      ? (p['header.d'] ?? p['header.i'])
      : result.method === 'spf'
        ? (p['smtp.mailfrom'] ?? p['smtp.helo'] ?? p['envelope-from'] ?? p['client-ip'])
        : result.method === 'dmarc'
          ? p['header.from']
          : result.method === 'auth'
            ? p['smtp.auth']
            : undefined;
  return value ? value.replace(/^@/, '') : null;
}

export interface AuthGroup {
  key: string;
  /** "Authentication-Results by mx.google.com", "ARC-Authentication-Results i=1 by …". */
  title: string;
  results: AuthenticationResult[];
}

/**
 * Results grouped by the field that gave them, top-most first: Gmail alone adds the same three
 * verdicts in Authentication-Results, ARC-Authentication-Results and Received-SPF, which read as
 * seven unexplained badges when drawn in one row.
 */
export function authGroups(results: readonly AuthenticationResult[]): AuthGroup[] {
  const groups = new Map<string, AuthGroup>();
  for (const result of results) {
    const key = `${result.header}#${result.fieldIndex}`;
    let group = groups.get(key);
    if (!group) {
      const instance = result.instance === null ? '' : ` i=${result.instance}`;
      const by = result.authservId ? ` by ${result.authservId}` : '';
      group = { key, title: `${result.header}${instance}${by}`, results: [] };
      groups.set(key, group);
    }
    group.results.push(result);
  }
  return [...groups.values()];
}

/** A sentence for each warning of this hop (the API's message already explains). */
export function hopWarnings(route: RouteAnalysis, index: number): string[] {
  return route.warnings.filter((w) => w.hop === index).map((w) => w.message);
}

export function authTone(result: string): 'pass' | 'fail' | 'neutral' {
  if (result === 'pass') return 'pass';
  if (['fail', 'softfail', 'permerror', 'temperror', 'policy'].includes(result)) return 'fail';
  return 'neutral';
}

/**
 * The top header block of a message (up to the first empty line), which is all the route is read
 * from. An .eml with a 10 MB attachment put whole into the text field took the dialog ~11 s.
 */
export function headerBlockOf(message: string): string {
  const end = /\r?\n\r?\n/.exec(message);
  return end ? message.slice(0, end.index + end[0].length) : message;
}

/**
 * What of a message Analyze sends: its header block, or the whole of a delivery report (a bounce,
 * multipart/report), whose body holds what it reports and the returned message's headers.
 */
export function analyzedPart(message: string): string {
  const block = headerBlockOf(message);
  return /^content-type:[ \t]*multipart\/report\b/im.test(block) ? message : block;
}

/**
 * What the receiving server vouched for about the client, in the reader's words; null for a
 * local submission, whose title already says so. A HELO name is typed by the client and checked
 * by nobody, so a hop with nothing else must not read like one with a looked-up name and address.
 */
export function clientCheckLabel(hop: Hop): string | null {
  // the provider's own gateway by HTTP records no address because no SMTP client connected:
  // "unverified: name claimed by the sender" read as a gap in Yahoo's own hand-over
  if (hop.internalStep?.kind === 'provider-http') {
    return `${hop.internalStep.host}’s own gateway, by HTTP: no client address to check`;
  }
  // Gmail's first stamp names no client because none connected: the message was written there
  if (hop.internalStep?.kind === 'provider-origin') {
    return `none: the message began here, written with ${hop.internalStep.host} (web mail, app or API)`;
  }
  if (hop.internalStep?.kind === 'provider-mailbox') {
    // iCloud's gateway names its MX, by name alone: the provider's own server, not a sender's claim
    return hop.from !== null
      ? `${hop.internalStep.host}’s own MX, named by its mailbox server: a step inside ${hop.internalStep.host}`
      : `none: a step inside ${hop.internalStep.host}, from its MX into the mailbox`;
  }
  // the address Exchange writes on a MAPI submission is its own, not a client's it could check
  if (hop.internalStep?.kind === 'mapi-submission') {
    return `none: Outlook handed it to its mailbox server by MAPI, not SMTP (the address is the server’s own)`;
  }
  // SendGrid's API stamp names the account where a client goes: nobody's HELO, and no server
  if (hop.internalStep?.kind === 'api-submission') {
    const account = apiAccount(hop);
    return (
      `none: the message began here, handed to ${hop.internalStep.host} through its web API ` +
      `(HTTP); the stamp names the sender’s account${account ? ` (${account})` : ''}, not a server`
    );
  }
  if (hop.internalStep?.kind === 'provider-step') {
    // Exchange records its own server's greeting and address, never a looked-up name
    if (hop.fromIp !== null) {
      const by = hop.fromIpScope === 'loopback' ? 'by its greeting' : 'by its greeting and address';
      return `${hop.internalStep.host}’s own server, ${by}: a step inside ${hop.internalStep.host}`;
    }
    // Proton's own delivery names its server on both sides
    return hop.from === null
      ? `none: a step inside ${hop.internalStep.host}, whose server stamps only itself`
      : `none: ${hop.internalStep.host}’s server names itself on both sides; no client connected`;
  }
  // IBM's gateway takes its filter's hand-back `from localhost` with no address: a step on the
  // machine itself, not a name some sender claimed
  if (hop.internalStep?.kind === 'same-machine' && hop.fromIp === null) {
    const host = hop.internalStep.host;
    // Xen's list server stamps Mailman's steps by the programs' names (`by outflank-mailman
    // (input) for mailman`, `from list by lists.xenproject.org`), none of them a host
    if (hop.from === null) return `none: a program on ${host} stamped it; no client connected`;
    if (!/^localhost\.?$/i.test(hop.from)) {
      return `a program on ${host} (it names itself ${hop.from}); no address recorded`;
    }
    return 'this machine (named localhost, no address recorded)';
  }
  // a loopback client is this machine by the kernel's word (every message a local app sends),
  // whatever name its receiver looked up for 127.0.0.1 (`localhost`)
  if (hop.fromIpScope === 'loopback' && hop.clientCheck !== 'local') {
    return 'this machine (a loopback address)';
  }
  if (queueNote(hop)) return null;
  switch (hop.clientCheck) {
    case 'verified':
      return 'verified: reverse DNS and address';
    case 'address':
      return hop.forged
        ? 'address only: its name did not map back to it (may be forged)'
        : 'address only: no name the receiver checked';
    case 'claimed':
      return 'unverified: name claimed by the sender only (HELO), no address recorded';
    case 'none':
      return 'unverified: the stamp names no client';
    case 'local':
      // a program's own submission says so in its title; a delivery over a local socket
      // (Cyrus `[unix socket]`) names the client, which is this machine, not an unchecked claim
      return hop.local ? null : 'this machine (a local socket, no network)';
    default:
      return null;
  }
}

/**
 * The account SendGrid's API stamp names where a client goes: its number in base64
 * (`MjAyMTY3MDY` is 20216706, as in the return path `bounces+20216706-…`); null when the word is
 * no such number.
 */
function apiAccount(hop: Hop): string | null {
  const word = hop.from ?? '';
  if (!/^[A-Za-z0-9+/]{4,24}={0,2}$/.test(word)) return null;
  try {
    const padded = word.padEnd(Math.ceil(word.length / 4) * 4, '=');
    const number = atob(padded);
    return /^\d{1,12}$/.test(number) ? number : null;
  } catch {
    return null;
  }
}

/**
 * The route's verdict on its clients: at how many hops a receiver really checked who handed the
 * message over. Only for two network hops or more: a single hop's Client fact says it already.
 */
export function verifiedClientsText(route: RouteAnalysis): string | null {
  // the API counts hand-overs only (not qmail's queue notes): the screen says its figures
  const { verified, networkHops } = route.verifiedClients;
  if (networkHops < 2) return null;
  if (verified.length === networkHops) {
    return `Client verified (reverse DNS and address) at ${networkHops === 2 ? 'both' : `all ${networkHops}`} hops.`;
  }
  const counted = `Client verified (reverse DNS and address) at ${verified.length} of ${networkHops} hops`;
  // "0 of 2" alone read as something wrong, where Exchange simply never writes a looked-up name
  const addressOnly = route.hops.filter(
    (hop) => networkHandOver(hop) && hop.clientCheck === 'address' && !hop.forged,
  );
  // only Exchange's: elsewhere a receiver that wrote no name may have found none
  const exchange = addressOnly.every((hop) => /^Microsoft SMTP/i.test(hop.with ?? ''));
  if (addressOnly.length === 0 || !exchange) return `${counted}.`;
  const names = addressOnly.map((hop) => String(hop.index + 1));
  const list =
    names.length === 1
      ? `Hop ${names[0] ?? ''}`
      : `Hops ${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
  return `${counted}; at ${list} the receiver recorded the address and no looked-up name, as Exchange and Microsoft 365 always do.`;
}

/**
 * The label beside a delay that shares the largest one: the slowest hop (the earliest of a tie)
 * names the hops it is tied with, and each of those names it back; null for any other hop.
 */
export function slowestLabel(route: RouteAnalysis, index: number): string | null {
  const ties = route.slowestTies;
  if (!ties.includes(index)) return null;
  const others = ties.filter((other) => other !== index).map((other) => `Hop ${other + 1}`);
  const list =
    others.length <= 1
      ? (others[0] ?? '')
      : `${others.slice(0, -1).join(', ')} and ${others[others.length - 1]}`;
  if (index === route.slowestHop) {
    return others.length ? `slowest hop, tied with ${list}` : 'slowest hop';
  }
  return `tied for slowest with ${list}`;
}

/** The warnings the Date line of the timeline already shows, kept out of the general list. */
export const dateLineWarnings: readonly string[] = ['date-clock-ahead', 'date-held'];

/**
 * Whether a mailbox step was sent on from: a hop above it, other than this machine handing in a
 * saved copy again (Relaydesk's own stamp from 127.0.0.1 on every message sent to it again, which
 * read as "sent on from a mailbox" under it).
 */
export function sentOnFromMailbox(route: Pick<RouteAnalysis, 'hops' | 'warnings'>, index: number) {
  const above = route.hops[index + 1];
  if (!above) return false;
  const resent = route.warnings.some(
    (w) => w.hop === index + 1 && (w.code === 'local-resubmission' || w.code === 'delay-resent'),
  );
  return !(resent && above.fromIpScope === 'loopback');
}

/**
 * The badge and sentence for a hop that is a step inside one provider rather than a hand-over
 * between servers; null for any other hop.
 */
export function internalStepNote(
  hop: Hop,
  sentOn = false,
): { badge: string; sentence: string } | null {
  const step = hop.internalStep;
  if (!step) return null;
  // a mailbox the provider sends on from (a Google Group, a Gmail forward) is not the reader's:
  // "into the mailbox" alone left the hops above it unexplained
  if (step.kind === 'provider-mailbox' && sentOn) {
    return {
      badge: 'sent on from a mailbox',
      sentence:
        `Into a mailbox that sends it on: ${step.host}’s MX, which stamped the hop below, passed ` +
        'the message to the server that keeps the mailbox of the address it was sent to, inside ' +
        `the provider, and ${step.host} sent it on from there (the hops above): to a group’s or ` +
        'list’s members, or by a forward set up in that mailbox. Not counted among the ' +
        'hand-overs between servers.',
    };
  }
  if (step.kind === 'provider-origin') {
    return {
      badge: 'where it began',
      sentence:
        `Where the message began: it was written with ${step.host} (on the web, in its app or ` +
        'through its API) and handed to its outbound server inside the provider, so no client ' +
        'connected and none is named; not counted among the hand-overs between servers.',
    };
  }
  if (step.kind === 'provider-mailbox') {
    return {
      badge: 'into the mailbox',
      sentence:
        `Into the mailbox: ${step.host}’s MX, which stamped the hop below, passed the message to ` +
        'the server that keeps the mailbox, inside the provider; that server names itself ' +
        // iCloud's gateway calls itself `p32-mailgateway-smtp-…` and names the MX
        (hop.from === null
          ? 'by address and no client'
          : 'by a name only the provider’s own network knows') +
        '; not counted among the hand-overs between servers.',
    };
  }
  if (step.kind === 'mapi-submission') {
    return {
      badge: 'where it began',
      sentence:
        'Where the message began: it was written in Outlook (the app or Outlook on the web) and ' +
        `handed by MAPI to its Exchange mailbox server, ${step.host}, which writes its own name ` +
        'and address on both sides; no server handed it over, so there is no client to check; ' +
        'not counted among the hand-overs between servers.',
    };
  }
  if (step.kind === 'api-submission') {
    return {
      badge: 'where it began',
      sentence:
        `Where the message began: the sender handed it to ${step.host} through its web API ` +
        '(HTTP), not through a mail server, so no SMTP client connected and there is no address ' +
        `to check; the server that took it out of ${step.host} (above) came from an address or ` +
        `name of ${step.host}’s, as its receiver recorded. Not counted among the hand-overs ` +
        'between servers.',
    };
  }
  if (step.kind === 'provider-step') {
    return {
      badge: 'in-network',
      sentence:
        hop.from === null && hop.fromIp === null
          ? `A step inside ${step.host}: its next server, named as only its own network knows ` +
            'it, took the message from the one below and stamps only itself; not counted among ' +
            'the hand-overs between servers.'
          : hop.fromIp === null
            ? `A step inside ${step.host}: its own server delivered the message, naming itself ` +
              'on both sides and no address (as Proton Mail stamps mail between its users), so ' +
              'no server handed it over and there is no client to check; not counted among the ' +
              'hand-overs between servers.'
            : `A step inside ${step.host}: one of its Exchange servers handed the message to ` +
              'another, as Exchange does on its way through its own network (protection, front ' +
              'end, the mailbox’s server); Exchange records the address and never a looked-up ' +
              'name, so there is no client to verify here. Not counted among the hand-overs ' +
              'between servers.',
    };
  }
  if (step.kind === 'provider-http') {
    return {
      badge: 'in-network',
      sentence:
        `An in-network HTTP submission: ${step.host}’s own gateway handed the message to its ` +
        'mail server by HTTP, not a server over SMTP, so there is no client address to check; ' +
        'not counted among the hand-overs between servers.',
    };
  }
  const over = hop.fromIp ?? 'a local connection';
  return {
    badge: 'same machine',
    sentence: stampedAsLocalhost(hop)
      ? `A content filter on ${step.host} (it stamps itself ${hop.by ?? hop.byIp ?? 'localhost'}` +
        `): the message went to it over ${over} within that machine, not over a network; not ` +
        'counted among the hand-overs between servers.'
      : `On ${step.host} itself, over ${over}: a program there (a content filter, a list ` +
        'manager) took the message and handed it on, not a server over a network; not counted ' +
        'among the hand-overs between servers.',
  };
}

/**
 * The receiver of a step on one machine names itself `localhost` or a loopback address, as
 * amavis does (`by localhost (amavisd-new, port 10024)`): the machine is the one below.
 */
function stampedAsLocalhost(hop: Hop): boolean {
  const by = (hop.by ?? hop.byIp ?? '').toLowerCase().replace(/^\[|\]$/g, '');
  return /^localhost(?:\.localdomain)?\.?$|^127\.|^::1$|^::ffff:127\./.test(by);
}

/**
 * The receiving host as the hop's title names it: a content filter that stamps itself `localhost`
 * is shown as the filter on the machine it runs on, not as a host called localhost.
 */
export function hopReceiver(hop: Hop): string {
  if (hop.internalStep?.kind === 'same-machine' && stampedAsLocalhost(hop)) {
    return `content filter on ${hop.internalStep.host}`;
  }
  // a program's own name, one label and no address (`by outflank-mailman`), is no host
  if (hop.internalStep?.kind === 'same-machine' && hop.by !== null && !/[.:]/.test(hop.by)) {
    return `${hop.by} on ${hop.internalStep.host}`;
  }
  return hop.by ?? 'unknown server';
}

/**
 * How many hops the route has, and how many of them were steps on one machine (into a content
 * filter and back), which are no hand-overs between servers: "4 hops (2 of them on one machine)".
 */
export function hopCountText(hops: readonly Hop[]): string {
  const count = `${hops.length} ${hops.length === 1 ? 'hop' : 'hops'}`;
  const local = hops.filter((hop) => hop.internalStep?.kind === 'same-machine').length;
  if (local === 0) return count;
  return `${count} (${local === hops.length ? 'all' : local} of them on one machine, not between servers)`;
}
