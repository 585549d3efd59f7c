// The shapes the route API answers with (`GET /api/v1/message/{ID}/route`, `POST /api/v1/analyze`).
// Absent values are null, never undefined, so the JSON always carries every key. They live in
// the contract (types only) because the renderer draws them; main/core/route re-exports them.

/** Where an address sits: the Internet, a private network, this machine, … */
export type IpScope =
  | 'public'
  | 'private'
  | 'shared'
  | 'loopback'
  | 'link-local'
  | 'unique-local'
  | 'documentation'
  | 'multicast'
  | 'unspecified'
  | 'reserved';

/** One Received field, i.e. one server handing the message on (RFC 5321 §4.4). */
export interface Hop {
  /** The HELO/EHLO name the client gave, as the receiver recorded it. */
  from: string | null;
  /** The reverse-DNS name the receiver looked up for the client. */
  fromRdns: string | null;
  /** The connecting client's address, bare. */
  fromIp: string | null;
  /** The receiving host. */
  by: string | null;
  /** The protocol (RFC 3848 keyword or what the server wrote). */
  with: string | null;
  tls: boolean | null;
  id: string | null;
  for: string | null;
  /** ISO-8601 UTC. */
  timestamp: string | null;
  /**
   * This hop's time minus the nearest earlier dated hop's; negative means clock skew. 0 where this
   * stamp names whole seconds and falls under a second before a stamp with fractions below it:
   * the second it names covers the earlier instant.
   */
  delaySeconds: number | null;
  /** The whole field exactly as written. */
  raw: string;
  /** False when nothing in the field could be read. */
  parsed: boolean;

  // Beyond the contract:
  /** 0-based position in `hops` (oldest first). */
  index: number;
  via: string | null;
  /** The receiving host's own address where the server wrote one (Microsoft does). */
  byIp: string | null;
  /** Envelope sender recorded in the field (Exim's comment, Haraka's clause, qmail). */
  envelopeFrom: string | null;
  tlsVersion: string | null;
  tlsCipher: string | null;
  /** The client authenticated (an `…A` protocol, `Authenticated sender:`, `authenticated`). */
  authenticated: boolean;
  /** Submission on the receiving host itself (a local user or program, no network client). */
  local: boolean;
  /** The receiver noted that the client's names do not match (`may be forged`). */
  forged: boolean;
  fromIpScope: IpScope | null;
  /** The client address is not reachable from the Internet; null without an address. */
  private: boolean | null;
  /** The UTC offset the receiving server wrote, in minutes (0 where its zone says none). */
  utcOffsetMinutes: number | null;
  /** The zone as the server wrote it (`-0800`, `PST`, `CET`, `-0000`); null when none or undated. */
  zone: string | null;
  /**
   * The zone gives the offset (numeric, `-0000` being UTC with no word of the server's own zone,
   * or a name RFC 5322 defines); false when the time was read as UTC for want of one (a name such
   * as `CET`, a military letter, no zone at all); null when the hop has no date.
   */
  zoneKnown: boolean | null;
  /** A negative delay: this server's clock disagrees with the previous one's. */
  skew: boolean;
  /** This hop's client does not match the previous hop's receiving host. */
  broken: boolean;
  /**
   * How far the receiving server vouches for the client:
   * - `verified`: it recorded the client's address and the reverse-DNS name it looked up for it
   *   (and did not flag them as `may be forged`);
   * - `address`: the address it saw, but no name of its own finding (any name is the client's word);
   * - `claimed`: only the name the client gave in HELO/EHLO, no address: nothing was checked
   *   (qmail's `from unknown (HELO x.example)` without one);
   * - `none`: the stamp names no client at all (qmail's `(qmail 1234 invoked from network)`);
   * - `local`: submitted on the receiving host itself, no network client.
   */
  clientCheck: ClientCheck;
  /**
   * The hop is a step inside one machine or one provider's network rather than one server passing
   * the message to another; null for every other hop. Such a step is not among the hand-overs
   * whose client could be checked (`verifiedClients.networkHops`).
   */
  internalStep: InternalStep | null;
}

/** See `Hop.clientCheck`. Only `verified` counts as a checked client. */
export type ClientCheck = 'verified' | 'address' | 'claimed' | 'none' | 'local';

/** See `Hop.internalStep`. */
export interface InternalStep {
  /**
   * `same-machine`: over a loopback connection on the machine that received the hop below: into
   * a content filter there or back from it (amavis's `from mx.example.com ([127.0.0.1]) by
   * localhost (amavisd-new, port 10024)`, then `from localhost (localhost [127.0.0.1]) by
   * mx.example.com`), or a list manager's re-injection;
   * `provider-http`: the provider's own gateway handed the message to its mail server by HTTP,
   * naming no address (Yahoo's `from sonic.gate.mail.ne1.yahoo.com by sonic310.consmr.mail.gq1.
   * yahoo.com with HTTP`, where its webmail and submission servers hand mail to its outbound ones);
   * `provider-origin`: the first stamp, where the message began inside the provider: Gmail's
   * `by mail-wm1-f54.google.com with SMTP id …` for mail written in Gmail on the web, its apps
   * or its API, which names no client because none connected;
   * `provider-mailbox`: the last stamp, where the provider's MX passed the message to the
   * mailbox's server inside it: Gmail's `by 2002:a05:7208:3184:… with SMTP id …` on top of
   * `by mx.google.com`, iCloud's `from mx6.mail.icloud.com by p32-mailgateway-smtp-…`; inside the
   * chain, a group's mailbox that the provider sends on from (Google Groups' `by 2002:… with SMTP
   * id` between `by gmr-mx.google.com` and `from mail-sor-f69.google.com`);
   * `mapi-submission`: the first stamp, where Outlook (or Outlook on the web) handed the message
   * to its Exchange mailbox server by MAPI: `from EXCH02.corp.example ([fe80::…]) by
   * EXCH02.corp.example ([fe80::…%12]) with mapi id 15.2…`, as Exchange, Microsoft 365 and
   * Outlook.com write it; both addresses are the server's own, no SMTP client connected;
   * `api-submission`: the first stamp, where a sending service's web API took the message:
   * SendGrid's `from MjAyMTY3MDY (unknown) by geopod-ismtpd-9 (SG) with HTTP id …`, whose from
   * names the account (its number in base64), not a server; read so only when the hop that takes
   * the message from the service came from the service's own address or name;
   * `provider-step`: a stamp naming no client between such an API stamp and that hop, the
   * service's next server inside its network (SendGrid's `by recvd-868874bfdf-4nfd6 with SMTP`);
   * and Exchange handing the message between its own servers of one domain (`from
   * DU2PEPF00028D0B.eurprd03.prod.outlook.com (2603:…) by DU2PR04CA0123.outlook.office365.com
   * (2603:…) with Microsoft SMTP Server … id 15.20…`), on top of the chain or below a hop whose
   * receiver looked up its client's name in that domain; and the top stamp where the provider
   * delivered the message itself, naming its server on both sides and no address (Proton Mail's
   * `from mail.protonmail.ch by mail.protonmail.ch`, between its users).
   */
  kind:
    | 'same-machine'
    | 'provider-http'
    | 'provider-origin'
    | 'provider-mailbox'
    | 'mapi-submission'
    | 'api-submission'
    | 'provider-step';
  /**
   * For a step on one machine, that machine, as the hop below named its receiver
   * (`mx.example.com`, where amavis calls itself `localhost`); for the provider's gateway, the
   * provider's registered domain (`yahoo.com`, `google.com`, `sendgrid.net`); for a MAPI
   * submission, the mailbox server as it named itself.
   */
  host: string;
}

/**
 * The message's own Date field against the first server's stamp: how long the sender's program
 * took to hand it to its first server (RFC 5322 §3.6.1: Date is when the message was ready to
 * send), or how far the sender's clock is off.
 */
export interface DateToFirstHop {
  /** The Date field's instant, ISO-8601 UTC. */
  date: string;
  /** The Date field read its zone as UTC for want of an offset (`CET`, none): off by hours maybe. */
  zoneKnown: boolean;
  /** 0-based index of the hop compared with: the oldest dated hop the servers wrote. */
  hop: number;
  /** That hop's time minus Date; negative when Date is later. */
  seconds: number;
  /**
   * `submission`: an ordinary hand-over; `clock-ahead`: Date after the first stamp (the
   * sender's clock is ahead); `held`: Date more than an hour before it (held or delayed).
   */
  kind: 'submission' | 'clock-ahead' | 'held';
  /** The line the timeline shows, e.g. `Date header → first hop: 3 s`. */
  message: string;
}

export interface Warning {
  code: string;
  message: string;
  /** 0-based index into `hops` when the warning is about one hop. */
  hop?: number;
}

/** One method's result from an Authentication-Results style field (RFC 8601 §2.2). */
export interface AuthenticationResult {
  header: 'Authentication-Results' | 'ARC-Authentication-Results' | 'Received-SPF';
  /** Which field of that name, 0 = top-most (the most recent). */
  fieldIndex: number;
  /** ARC instance (`i=`, RFC 8617 §4.1.1); null for other headers. */
  instance: number | null;
  authservId: string | null;
  /** Lower case: spf, dkim, dmarc, arc, auth, iprev, … */
  method: string;
  /** Lower case: pass, fail, softfail, neutral, none, temperror, permerror, policy, … */
  result: string;
  reason: string | null;
  /** The comment after the result, e.g. `(p=NONE sp=NONE dis=NONE)`. */
  comment: string | null;
  /** `ptype.property` → value, e.g. `smtp.mailfrom`, `header.d`, `header.from`. */
  properties: Record<string, string>;
}

export interface DkimSignatureSummary {
  domain: string | null;
  selector: string | null;
  algorithm: string | null;
  /** The signing identity (`i=`). */
  identity: string | null;
}

/** Who the message says it comes from, apart from the Received chain. */
export interface OriginHeaders {
  /** The Return-Path address; "" for the null sender `<>`. */
  returnPath: string | null;
  messageIdDomain: string | null;
  dkimSignatures: DkimSignatureSummary[];
  xOriginatingIp: string | null;
  /**
   * X-Forwarded-For: the addresses the proxy chains saw, across all the fields (oldest field
   * first, each field's client first), each once.
   */
  xForwardedFor: string[] | null;
  /**
   * The originating client among them: the left-most address reachable from the Internet (the
   * left-most address when none is); the rest of xForwardedFor is the path it took.
   */
  xForwardedForClient: string | null;
  xMailer: string | null;
  userAgent: string | null;
}

/** What the SMTP client said (the envelope) against what the headers claim. */
export interface EnvelopeComparison {
  /** MAIL FROM; "" for the null sender. */
  mailFrom: string;
  from: string[];
  sender: string | null;
  returnPath: string | null;
  /** MAIL FROM equals the From address (or Sender, when present). */
  mailFromMatchesFrom: boolean;
  /** Null when the message has no Return-Path. */
  mailFromMatchesReturnPath: boolean | null;
  /**
   * MAIL FROM's domain is the From address's or in its registered domain (DMARC's relaxed
   * alignment, RFC 7489 §3.1.2): a bounce address of the sender's own, not a warning.
   */
  mailFromAligned: boolean;
  /**
   * The message is a delivery report (multipart/report; report-type=delivery-status) or an
   * automatic reply (`Auto-Submitted:` other than `no`): mail that is sent from the null sender.
   */
  automatic: 'delivery-report' | 'auto-submitted' | null;
  rcptTo: string[];
  /** To and Cc addresses. */
  headerRecipients: string[];
  /** Envelope recipients that no To or Cc names: the Bcc recipients. */
  bcc: string[];
  /** To or Cc addresses the message was not sent to. */
  notInEnvelope: string[];
}

export interface RouteAnalysis {
  /** Oldest (bottom-most Received field) first, in trace order, never re-sorted by time. */
  hops: Hop[];
  /**
   * Time in transit: the last dated hop minus the first one a receiver vouches for (a forger's
   * stamps below it are not counted), less the gap where the message was sent again (see
   * `sentAgainAt`); null with fewer than two such dated hops.
   */
  totalSeconds: number | null;
  /** The first hop (0-based) where the message was sent again (`delay-resent`), or null. */
  sentAgainAt: number | null;
  /**
   * 0-based index of the hop with the largest positive delay, the earliest when several share
   * it; null when none is positive.
   */
  slowestHop: number | null;
  authentication: AuthenticationResult[];
  warnings: Warning[];

  // Beyond the contract:
  /** Sum of the positive delays: the time the message really spent queued or in transit. */
  positiveSeconds: number | null;
  origin: OriginHeaders;
  envelope: EnvelopeComparison | null;
  /**
   * Every hop sharing the largest positive delay, in route order (slowestHop first); more than
   * one means a tie. Empty when slowestHop is null.
   */
  slowestTies: number[];
  /**
   * The hops whose client the receiving server verified (clientCheck `verified`), out of the
   * hops that came over the network from another server (all but `local` and qmail's queue
   * notes, which are no hand-over): a claimed HELO name never counts.
   */
  verifiedClients: { verified: number[]; networkHops: number };
  /** The Date field against the first hop; null without a readable Date or a dated hop. */
  dateToFirstHop: DateToFirstHop | null;
}
