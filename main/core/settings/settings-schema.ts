// One settings schema serves the settings file, environment variables, CLI flags and (later)
// electron-store. Each field is declared once with its flag, its environment name and how a
// string from the command line becomes a value, so a bad value is always reported under the
// name the user actually typed.
import { isIP } from 'node:net';
import { hostname as osHostname } from 'node:os';
import { isCidr } from '../net/ip-address.js';
import type { RoutingRule } from '../routing/index.js';
import type { UpstreamSettings } from '../upstream/upstream-settings.js';
import { parseTagsDisable, type AutoTagSource } from '../tags/auto-tags.js';
import { parseChaosTriggers, type ChaosTriggers } from '../chaos/chaos-triggers.js';
import { parseWebhookUrls } from '../webhooks/webhook-urls.js';
import type { DkimSettingsKey } from '../signing/key-store.js';
import { parseClamdAddress, type ClamdAddress } from '../filter/clamd-client.js';
import {
  attachmentPolicyProblem,
  clamdUnavailableActions,
  parseAttachmentPolicy,
  virusActions,
  type AttachmentPolicy,
  type ClamdUnavailableAction,
  type VirusAction,
} from '../filter/filter-settings.js';
import { parseQuotas, type Quota } from '../sender-control/quotas.js';
import { parseWarmup, type WarmupSchedule } from '../sender-control/warmup.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export type ApiCompat = 'mailpit' | 'mailhog';

/** `capture` and `relay` are presets of the routing rules; `rules` uses the user's rules. */
export type RelayMode = 'capture' | 'relay' | 'rules';

export interface Settings {
  smtp: ListenAddress;
  http: ListenAddress;
  dataDir: string;
  /** Captured messages kept at most; the oldest go first. 0 keeps all. */
  maxMessages: number;
  /** Captured messages older than this many days are pruned. 0 keeps them forever. */
  maxAgeDays: number;
  /** Largest message accepted, in bytes (SIZE). */
  maxSize: number;
  maxRecipients: number;
  /** Name in our Received stamp and SMTP greeting. */
  hostname: string;
  /**
   * Pause before greeting untrusted clients, to catch early talkers (smtp-server's fixed 100 ms).
   * Loopback clients are greeted at once.
   */
  greetingDelayMs: number;
  /** The longest a reverse-DNS lookup of a client may delay its greeting. */
  reverseDnsTimeoutMs: number;
  /** DNS servers (`IP` or `IP:PORT`) for lookups; empty: the system's resolvers. */
  dnsServers: string[];
  /** Whose meaning `GET/DELETE /api/v1/messages` takes: the two APIs clash on that path. */
  apiCompat: ApiCompat;
  mode: RelayMode;
  /** Simultaneous connections to the upstream (Postfix: 2 per destination is gentle). */
  relayConnections: number;
  /** Minutes to wait after each failed attempt, then `retryThenEveryMinutes`. */
  retryMinutes: number[];
  retryThenEveryMinutes: number;
  /** How long a recipient is retried before it expires. */
  lifetimeHours: number;
  /** Upstream rate limits in messages; 0 is no limit. */
  rateLimit: { perSecond: number; perMinute: number; perHour: number; perDay: number };
  /** Send RFC 3464 failure reports to the envelope sender (they are always captured locally). */
  dsn: boolean;
  /** Days relayed mail is kept after its last recipient reached a final state. */
  relayRetentionDays: number;
  /** The smart host; null until configured. */
  relay: UpstreamSettings | null;
  /** The routing rules of mode "rules". */
  rules: RoutingRule[];
  // --- inbound policy (main/core/policy) ---
  /** Loopback clients (127.0.0.0/8, ::1) may send and relay without AUTH. */
  trustLoopback: boolean;
  /** Clients in these CIDRs (IPv4 or IPv6) may send and relay without AUTH. */
  allowIp: string[];
  /**
   * Web origins allowed to use the API from a browser (CORS), e.g. a test dashboard on
   * http://localhost:3000. Empty: CORS off, and state changes from other origins refused.
   */
  apiCors: string[];
  /** Every client, trusted or not, must authenticate before MAIL. */
  requireAuth: boolean;
  /** PEM certificate and key files for STARTTLS and SMTPS; null: a self-signed pair in dataDir. */
  tlsCert: string | null;
  tlsKey: string | null;
  /**
   * Offer STARTTLS on the SMTP listener. `auto`: when a certificate is configured or the listener
   * is reachable from other machines. A loopback catcher with only the self-signed certificate
   * does not offer it, because clients upgrade opportunistically (nodemailer does) and then
   * refuse the unknown certificate, which would break the plain `port: 1025` set-up that
   * Mailpit users have.
   */
  starttls: boolean | 'auto';
  /** An implicit-TLS (465-style) listener; null for none. */
  smtps: ListenAddress | null;
  /** When SMTP(S) or POP3(S) cannot listen: stop the start, or keep running and show why. */
  listenerFailure: 'exit' | 'keep-running';
  /** MAIL is refused until the session is encrypted. */
  requireTls: boolean;
  /** AUTH over an unencrypted session: `auto` allows it on loopback listeners only. */
  insecureAuth: InsecureAuth;
  /** Simultaneous SMTP sessions in total, and per untrusted client IP. */
  maxConnections: number;
  maxConnectionsPerIp: number;
  /** MAIL commands per minute from one untrusted client (by user when authenticated); 0: no limit. */
  maxMessagesPerMinute: number;
  /** Silence after which a session is closed (smtp-server's socket timeout). */
  idleTimeoutMs: number;
  /** Longest wait for a complete command line after a reply (a byte-at-a-time client too). */
  commandTimeoutMs: number;
  /** Longest a whole SMTP session may last, whatever the client sends. */
  sessionDeadlineMs: number;
  /**
   * Slowest message data accepted during DATA, in bytes a second (Postfix's smtpd_min_data_rate):
   * a client below it is cut off within about one idle timeout with `421 4.4.2`. 0: no minimum.
   */
  minDataRate: number;
  /** Failed AUTH attempts from one IP before it is locked out; delays grow before that. */
  authMaxFailures: number;
  /** The first delay after a failed AUTH; it doubles with each failure. */
  authFailureDelayMs: number;
  /** How long a locked-out IP gets `421 4.7.0` to AUTH (and how long failures are remembered). */
  authLockoutMs: number;
  /** relay.log and audit.log rotate when they would grow beyond this many bytes. */
  logMaxSize: number;
  /** Rotated generations of each log kept (relay.log.1 … relay.log.N). */
  logKeep: number;
  /** A file holding the UI/API password (or its scrypt hash); required off loopback. */
  uiPasswordFile: string | null;
  // --- the desktop app (main/desktop); headless mode ignores them ---
  /** Closing the window keeps Relaydesk running in the tray. */
  closeToTray: boolean;
  /** Native notifications, each kind on or off. */
  notifyNewMail: boolean;
  notifyBounced: boolean;
  notifyDelayed: boolean;
  notifyUpstreamPaused: boolean;
  /** A sender's volume jumped (the anomaly alert), and whether it was paused. */
  notifySenderAlert: boolean;
  /** A recipient still not delivered this long after arrival is "delayed" (Postfix delay_warning_time). */
  notifyDelayedAfterMinutes: number;
  /** Where secrets go when the OS keyring is unavailable: the user's choice, asked once. */
  secretsWithoutKeyring: SecretsWithoutKeyring;
  // --- the capture toolkit (main/core/tags, send, webhooks, chaos) ---
  /** Automatic tags turned off (Mailpit's --tags-disable). */
  tagsDisable: AutoTagSource[];
  /** Tag each message with its SMTP AUTH user (Mailpit's --tags-username). */
  tagsUsername: boolean;
  /** Title Case for tags from plus addresses and X-Tags (Mailpit's --tags-title-case). */
  tagsTitleCase: boolean;
  /** Own credentials for POST /api/v1/send: a file holding a password or its hash. */
  sendApiAuthFile: string | null;
  /** POST /api/v1/send takes any credentials, or none, even with a UI password. */
  sendApiAuthAcceptAny: boolean;
  /** URLs POSTed a JSON summary of each new message and delivery change. */
  webhookUrls: string[];
  /** A file holding the HMAC-SHA256 secret that signs webhook bodies. */
  webhookSecretFile: string | null;
  webhookTimeoutMs: number;
  /** Attempts after the first failed one; the wait doubles each time. */
  webhookRetries: number;
  webhookRetryDelayMs: number;
  /** Chaos may be set (API, GUI); off by default, as in Mailpit. */
  enableChaos: boolean;
  /** Chaos triggers set at start (also enables chaos, as in Mailpit). */
  chaosTriggers: ChaosTriggers | null;
  // --- signing and address checks (main/core/dns, signing, address-check) ---
  /** DKIM keys from files (--dkim-domain/--dkim-selector/--dkim-key); generated keys live in dataDir. */
  dkim: DkimSettingsKey[];
  /** Check recipients before relaying: off, warn (note the verdict) or reject (550 at RCPT). */
  addressCheck: AddressCheckPolicy;
  /** Check the envelope sender too. */
  addressCheckSender: boolean;
  /** When DNS cannot be asked: pass the recipient, or defer it (450); never reject. */
  addressCheckDnsOutage: 'pass' | 'defer';
  // --- content filter and sender control (main/core/filter, main/core/sender-control) ---
  /** clamd's address (TCP or Unix socket); null: no virus scanning. */
  clamd: ClamdAddress | null;
  /** What happens to a message with a virus (per routing rule too). */
  virusAction: VirusAction;
  /** What happens when clamd cannot be reached: `defer` (451 4.7.0) or `accept` flagged. */
  clamdUnavailable: ClamdUnavailableAction;
  /** Attachments refused by type, size or encryption; null: no attachment policy. */
  attachments: AttachmentPolicy | null;
  /** Sending quotas per SMTP user or client IP. */
  quotas: Quota[];
  /** IP warm-up schedules per upstream. */
  warmup: WarmupSchedule[];
  /** Suspend a sender automatically when its volume jumps (the alert is logged either way). */
  anomalyPause: boolean;
  anomalyFactor: number;
  anomalyMinMessages: number;
  // --- checks and POP3 (main/core/checks, main/core/pop3) ---
  /** SpamAssassin's spamd for the spam check (Mailpit's --enable-spamassassin); null: none. */
  spamassassin: ListenAddress | null;
  /** The link and HTML checks may reach private, loopback and link-local addresses. */
  allowInternalHttpRequests: boolean;
  /** The link check retries with GET when HEAD fails (GET can use up one-time links). */
  linkCheckGet: boolean;
  /** How long the link check waits for one link. */
  linkCheckTimeoutMs: number;
  /** A POP3 listener serving captured mail (STLS offered); null: none. */
  pop3: ListenAddress | null;
  /** An implicit-TLS POP3 listener (995-style); null: none. */
  pop3s: ListenAddress | null;
}

export type SecretsWithoutKeyring = 'ask' | 'owner-only-file' | 'do-not-save';
export type AddressCheckPolicy = 'off' | 'warn' | 'reject';

export type InsecureAuth = 'auto' | 'allow' | 'refuse';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** Where a raw value came from, so an error names what the user typed. */
export type SettingSource = 'flag' | 'env' | 'file';

interface FieldSpec<K extends keyof Settings> {
  key: K;
  flag: string;
  env: string;
  /** What is allowed, said the way an error message needs it. */
  allowed: string;
  parse(raw: unknown): Settings[K] | undefined;
}

function field<K extends keyof Settings>(spec: FieldSpec<K>): FieldSpec<K> {
  return spec;
}

function parseListenAddress(raw: unknown): ListenAddress | undefined {
  if (typeof raw !== 'string') return undefined;
  // [v6]:port, host:port, or :port (loopback)
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]*)):(\d{1,5})$/.exec(raw.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  const host = match[1] ?? (match[2] || '127.0.0.1');
  return { host, port };
}

function parseCount(min: number, max: number) {
  return (raw: unknown): number | undefined => {
    const value = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value)) return undefined;
    return value >= min && value <= max ? value : undefined;
  };
}

const sizeUnits: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

function parseByteSize(raw: unknown): number | undefined {
  if (typeof raw === 'number') return parseCount(1024, 2 ** 31)(raw);
  if (typeof raw !== 'string') return undefined;
  const match = /^\s*(\d+)\s*([kmg]?)b?\s*$/i.exec(raw);
  if (!match) return undefined;
  const bytes = Number(match[1]) * (sizeUnits[(match[2] ?? '').toLowerCase()] ?? 1);
  return parseCount(1024, 2 ** 31)(bytes);
}

function parseHostname(raw: unknown): string | undefined {
  return typeof raw === 'string' && /^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(raw)
    ? raw
    : undefined;
}

function parseNonEmptyPath(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw.trim() !== '' ? raw : undefined;
}

function parseApiCompat(raw: unknown): ApiCompat | undefined {
  return raw === 'mailpit' || raw === 'mailhog' ? raw : undefined;
}

function parseMode(raw: unknown): RelayMode | undefined {
  return raw === 'capture' || raw === 'relay' || raw === 'rules' ? raw : undefined;
}

function parseBoolean(raw: unknown): boolean | undefined {
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  if (raw === 'false' || raw === '0' || raw === 'no') return false;
  return undefined;
}

function parseMinuteList(raw: unknown): number[] | undefined {
  const list = typeof raw === 'string' ? raw.split(',').map((x) => x.trim()) : raw;
  if (!Array.isArray(list) || list.length === 0 || list.length > 50) return undefined;
  const minutes = list.map((x) => parseCount(1, 7 * 24 * 60)(x));
  return minutes.every((m) => m !== undefined) ? (minutes as number[]) : undefined;
}

function parseRateLimit(raw: unknown): Settings['rateLimit'] | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const known = ['perSecond', 'perMinute', 'perHour', 'perDay'] as const;
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.some(([k]) => !(known as readonly string[]).includes(k))) return undefined;
  const out = { perSecond: 0, perMinute: 0, perHour: 0, perDay: 0 };
  for (const [k, v] of entries) {
    const n = parseCount(0, 10_000_000)(v);
    if (n === undefined) return undefined;
    out[k as (typeof known)[number]] = n;
  }
  return out;
}

// --- inbound policy parsers ---

function parseOptionalListenAddress(raw: unknown): ListenAddress | null | undefined {
  if (raw === null || raw === '' || raw === 'off' || raw === 'none') return null;
  return parseListenAddress(raw);
}

function parseOptionalPath(raw: unknown): string | null | undefined {
  if (raw === null || raw === '') return null;
  return parseNonEmptyPath(raw);
}

function parseInsecureAuth(raw: unknown): InsecureAuth | undefined {
  return raw === 'auto' || raw === 'allow' || raw === 'refuse' ? raw : undefined;
}

/** The non-empty, trimmed items of a comma-separated flag or variable value. */
export function splitCommaList(raw: string): string[] {
  return raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/** Exact origins (scheme://host[:port]); "*" is refused: any page could then read all mail. */
function parseOriginList(raw: unknown): string[] | undefined {
  const list = typeof raw === 'string' ? splitCommaList(raw) : raw;
  if (!Array.isArray(list)) return undefined;
  const origins: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string') return undefined;
    try {
      const url = new URL(item);
      if (
        (url.protocol !== 'http:' && url.protocol !== 'https:') ||
        url.origin !== item.replace(/\/$/, '')
      ) {
        return undefined;
      }
      origins.push(url.origin);
    } catch {
      return undefined;
    }
  }
  return origins;
}

/** `IP`, `IP:PORT` or `[IPv6]:PORT`, as node:dns `setServers` takes them. */
function parseDnsServer(text: string): string | undefined {
  const entry = text.trim();
  if (isIP(entry) !== 0) return entry;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|(\d+\.\d+\.\d+\.\d+)):(\d{1,5})$/.exec(entry);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  const v6 = match[1];
  if (v6 !== undefined) return isIP(v6) === 6 ? `[${v6}]:${port}` : undefined;
  return isIP(match[2] as string) === 4 ? `${match[2]}:${port}` : undefined;
}

function parseDnsServers(raw: unknown): string[] | undefined {
  const list = typeof raw === 'string' ? raw.split(',').filter((x) => x.trim() !== '') : raw;
  if (!Array.isArray(list) || list.length > 10) return undefined;
  const out: string[] = [];
  for (const item of list) {
    const server = typeof item === 'string' ? parseDnsServer(item) : undefined;
    if (server === undefined) return undefined;
    out.push(server);
  }
  return out;
}

function parseCidrList(raw: unknown): string[] | undefined {
  const list = typeof raw === 'string' ? raw.split(',') : raw;
  if (!Array.isArray(list) || list.length > 1000) return undefined;
  const out: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string') return undefined;
    const cidr = item.trim();
    if (cidr === '') continue;
    if (!isCidr(cidr)) return undefined;
    out.push(cidr);
  }
  return out;
}

export const settingFields = [
  field({
    key: 'smtp',
    flag: '--smtp',
    env: 'RELAYDESK_SMTP',
    allowed: 'HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:1025',
    parse: parseListenAddress,
  }),
  field({
    key: 'http',
    flag: '--http',
    env: 'RELAYDESK_HTTP',
    allowed: 'HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:8025',
    parse: parseListenAddress,
  }),
  field({
    key: 'dataDir',
    flag: '--data',
    env: 'RELAYDESK_DATA',
    allowed: 'a folder path',
    parse: parseNonEmptyPath,
  }),
  field({
    key: 'maxMessages',
    flag: '--max-messages',
    env: 'RELAYDESK_MAX_MESSAGES',
    allowed: 'a whole number from 0 (keep all) to 10000000',
    parse: parseCount(0, 10_000_000),
  }),
  field({
    key: 'maxAgeDays',
    flag: '--max-age-days',
    env: 'RELAYDESK_MAX_AGE_DAYS',
    allowed: 'a whole number of days from 0 (keep forever) to 36500',
    parse: parseCount(0, 36_500),
  }),
  field({
    key: 'maxSize',
    flag: '--max-size',
    env: 'RELAYDESK_MAX_SIZE',
    allowed: 'a size from 1k to 2g in bytes, or with k/m/g, e.g. 25m',
    parse: parseByteSize,
  }),
  field({
    key: 'maxRecipients',
    flag: '--max-recipients',
    env: 'RELAYDESK_MAX_RECIPIENTS',
    allowed: 'a whole number from 1 to 10000',
    parse: parseCount(1, 10_000),
  }),
  field({
    key: 'hostname',
    flag: '--hostname',
    env: 'RELAYDESK_HOSTNAME',
    allowed: 'a host name of letters, digits, dots and hyphens',
    parse: parseHostname,
  }),
  field({
    key: 'greetingDelayMs',
    flag: '--greeting-delay-ms',
    env: 'RELAYDESK_GREETING_DELAY_MS',
    allowed: 'a whole number of milliseconds from 0 to 30000',
    parse: parseCount(0, 30_000),
  }),
  field({
    key: 'reverseDnsTimeoutMs',
    flag: '--reverse-dns-timeout-ms',
    env: 'RELAYDESK_REVERSE_DNS_TIMEOUT_MS',
    allowed: 'a whole number of milliseconds from 0 (no lookups) to 1500',
    parse: parseCount(0, 1500),
  }),
  field({
    key: 'dnsServers',
    flag: '--dns-servers',
    env: 'RELAYDESK_DNS_SERVERS',
    allowed:
      'a comma-separated list of at most 10 DNS servers, each IP or IP:PORT ([IPv6]:PORT), e.g. 192.0.2.53,127.0.0.1:5353; empty for the system resolvers',
    parse: parseDnsServers,
  }),
  field({
    key: 'apiCompat',
    flag: '--api-compat',
    env: 'RELAYDESK_API_COMPAT',
    allowed: '"mailpit" or "mailhog"',
    parse: parseApiCompat,
  }),
  field({
    key: 'mode',
    flag: '--mode',
    env: 'RELAYDESK_MODE',
    allowed: '"capture" (keep all mail), "relay" (send all mail on) or "rules" (the routing rules)',
    parse: parseMode,
  }),
  field({
    key: 'relayConnections',
    flag: '--relay-connections',
    env: 'RELAYDESK_RELAY_CONNECTIONS',
    allowed: 'a whole number of connections from 1 to 5',
    parse: parseCount(1, 5),
  }),
  field({
    key: 'retryMinutes',
    flag: '--retry-minutes',
    env: 'RELAYDESK_RETRY_MINUTES',
    allowed: 'a comma-separated list of minutes, e.g. 1,5,10,20,40',
    parse: parseMinuteList,
  }),
  field({
    key: 'retryThenEveryMinutes',
    flag: '--retry-then-every-minutes',
    env: 'RELAYDESK_RETRY_THEN_EVERY_MINUTES',
    allowed: 'a whole number of minutes from 1 to 10080',
    parse: parseCount(1, 7 * 24 * 60),
  }),
  field({
    key: 'lifetimeHours',
    flag: '--lifetime-hours',
    env: 'RELAYDESK_LIFETIME_HOURS',
    allowed: 'a whole number of hours from 0 (one attempt) to 8760',
    parse: parseCount(0, 8760),
  }),
  field({
    key: 'rateLimit',
    flag: '--rate-limit',
    env: 'RELAYDESK_RATE_LIMIT',
    allowed:
      'an object such as {"perMinute": 60, "perDay": 2000} (perSecond, perMinute, perHour, perDay)',
    parse: (raw) => parseRateLimit(typeof raw === 'string' ? safeJson(raw) : raw),
  }),
  field({
    key: 'dsn',
    flag: '--dsn',
    env: 'RELAYDESK_DSN',
    allowed: 'true or false',
    parse: parseBoolean,
  }),
  field({
    key: 'relayRetentionDays',
    flag: '--relay-retention-days',
    env: 'RELAYDESK_RELAY_RETENTION_DAYS',
    allowed: 'a whole number of days from 0 to 3650',
    parse: parseCount(0, 3650),
  }),
  field({
    key: 'trustLoopback',
    flag: '--trust-loopback',
    env: 'RELAYDESK_TRUST_LOOPBACK',
    allowed: 'true (loopback clients may send and relay without AUTH) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'allowIp',
    flag: '--allow-ip',
    env: 'RELAYDESK_ALLOW_IP',
    allowed:
      'CIDRs or addresses, comma-separated (repeat the flag or use an array in the settings file), e.g. 192.168.1.0/24,2001:db8::/32',
    parse: parseCidrList,
  }),
  field({
    key: 'requireAuth',
    flag: '--require-auth',
    env: 'RELAYDESK_REQUIRE_AUTH',
    allowed: 'true (every client must authenticate) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'tlsCert',
    flag: '--tls-cert',
    env: 'RELAYDESK_TLS_CERT',
    allowed: 'the path of a PEM certificate file (with --tls-key)',
    parse: parseOptionalPath,
  }),
  field({
    key: 'tlsKey',
    flag: '--tls-key',
    env: 'RELAYDESK_TLS_KEY',
    allowed: 'the path of a PEM private key file (with --tls-cert)',
    parse: parseOptionalPath,
  }),
  field({
    key: 'starttls',
    flag: '--starttls',
    env: 'RELAYDESK_STARTTLS',
    allowed: '"auto" (offer it with a configured certificate or off loopback), true or false',
    parse: (raw) => (raw === 'auto' ? 'auto' : parseBoolean(raw)),
  }),
  field({
    key: 'smtps',
    flag: '--smtps',
    env: 'RELAYDESK_SMTPS',
    allowed: 'HOST:PORT of an implicit-TLS listener, e.g. 127.0.0.1:1465, or "off"',
    parse: parseOptionalListenAddress,
  }),
  field({
    key: 'listenerFailure',
    flag: '--listener-failure',
    env: 'RELAYDESK_LISTENER_FAILURE',
    allowed:
      '"exit" (stop with one line when a port is taken) or "keep-running" (run without that listener and show why, as the desktop app does)',
    parse: (raw) => (raw === 'exit' || raw === 'keep-running' ? raw : undefined),
  }),
  field({
    key: 'requireTls',
    flag: '--require-tls',
    env: 'RELAYDESK_REQUIRE_TLS',
    allowed: 'true (MAIL only over TLS) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'insecureAuth',
    flag: '--insecure-auth',
    env: 'RELAYDESK_INSECURE_AUTH',
    allowed:
      '"auto" (AUTH without TLS only on loopback listeners), "allow" or "refuse" (AUTH only over TLS)',
    parse: parseInsecureAuth,
  }),
  field({
    key: 'maxConnections',
    flag: '--max-connections',
    env: 'RELAYDESK_MAX_CONNECTIONS',
    allowed: 'a whole number of SMTP sessions from 1 to 100000',
    parse: parseCount(1, 100_000),
  }),
  field({
    key: 'maxConnectionsPerIp',
    flag: '--max-connections-per-ip',
    env: 'RELAYDESK_MAX_CONNECTIONS_PER_IP',
    allowed: 'a whole number of SMTP sessions from 1 to 100000 (untrusted clients)',
    parse: parseCount(1, 100_000),
  }),
  field({
    key: 'maxMessagesPerMinute',
    flag: '--max-messages-per-minute',
    env: 'RELAYDESK_MAX_MESSAGES_PER_MINUTE',
    allowed: 'a whole number from 0 (no limit) to 1000000 (untrusted clients, per IP or user)',
    parse: parseCount(0, 1_000_000),
  }),
  field({
    key: 'idleTimeoutMs',
    flag: '--idle-timeout-ms',
    env: 'RELAYDESK_IDLE_TIMEOUT_MS',
    allowed: 'a whole number of milliseconds from 100 to 3600000',
    parse: parseCount(100, 3_600_000),
  }),
  field({
    key: 'commandTimeoutMs',
    flag: '--command-timeout-ms',
    env: 'RELAYDESK_COMMAND_TIMEOUT_MS',
    allowed: 'a whole number of milliseconds from 100 to 3600000',
    parse: parseCount(100, 3_600_000),
  }),
  field({
    key: 'sessionDeadlineMs',
    flag: '--session-deadline-ms',
    env: 'RELAYDESK_SESSION_DEADLINE_MS',
    allowed: 'a whole number of milliseconds from 100 to 86400000',
    parse: parseCount(100, 86_400_000),
  }),
  field({
    key: 'minDataRate',
    flag: '--min-data-rate',
    env: 'RELAYDESK_MIN_DATA_RATE',
    allowed: 'a whole number of bytes a second from 0 (no minimum) to 100000000',
    parse: parseCount(0, 100_000_000),
  }),
  field({
    key: 'authMaxFailures',
    flag: '--auth-max-failures',
    env: 'RELAYDESK_AUTH_MAX_FAILURES',
    allowed: 'a whole number of failed AUTH attempts from 1 to 1000',
    parse: parseCount(1, 1000),
  }),
  field({
    key: 'authFailureDelayMs',
    flag: '--auth-failure-delay-ms',
    env: 'RELAYDESK_AUTH_FAILURE_DELAY_MS',
    allowed: 'a whole number of milliseconds from 0 to 60000',
    parse: parseCount(0, 60_000),
  }),
  field({
    key: 'authLockoutMs',
    flag: '--auth-lockout-ms',
    env: 'RELAYDESK_AUTH_LOCKOUT_MS',
    allowed: 'a whole number of milliseconds from 100 to 86400000',
    parse: parseCount(100, 86_400_000),
  }),
  field({
    key: 'logMaxSize',
    flag: '--log-max-size',
    env: 'RELAYDESK_LOG_MAX_SIZE',
    allowed: 'a size from 1k to 2g in bytes, or with k/m/g, e.g. 10m',
    parse: parseByteSize,
  }),
  field({
    key: 'logKeep',
    flag: '--log-keep',
    env: 'RELAYDESK_LOG_KEEP',
    allowed: 'a whole number of rotated log files from 0 to 100',
    parse: parseCount(0, 100),
  }),
  field({
    key: 'uiPasswordFile',
    flag: '--ui-password-file',
    env: 'RELAYDESK_UI_PASSWORD_FILE',
    allowed: 'the path of a file holding the UI/API password or its hash (relaydesk user hash)',
    parse: parseOptionalPath,
  }),
  field({
    key: 'apiCors',
    flag: '--api-cors',
    env: 'RELAYDESK_API_CORS',
    allowed:
      'a comma-separated list of exact origins such as http://localhost:3000 ("*" is not allowed: any web page could then read your mail)',
    parse: parseOriginList,
  }),
  field({
    key: 'closeToTray',
    flag: '--close-to-tray',
    env: 'RELAYDESK_CLOSE_TO_TRAY',
    allowed: 'true (closing the window keeps Relaydesk in the tray) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'notifyNewMail',
    flag: '--notify-new-mail',
    env: 'RELAYDESK_NOTIFY_NEW_MAIL',
    allowed: 'true or false',
    parse: parseBoolean,
  }),
  field({
    key: 'notifyBounced',
    flag: '--notify-bounced',
    env: 'RELAYDESK_NOTIFY_BOUNCED',
    allowed: 'true or false',
    parse: parseBoolean,
  }),
  field({
    key: 'notifyDelayed',
    flag: '--notify-delayed',
    env: 'RELAYDESK_NOTIFY_DELAYED',
    allowed: 'true or false',
    parse: parseBoolean,
  }),
  field({
    key: 'notifyUpstreamPaused',
    flag: '--notify-upstream-paused',
    env: 'RELAYDESK_NOTIFY_UPSTREAM_PAUSED',
    allowed: 'true or false',
    parse: parseBoolean,
  }),
  field({
    key: 'notifySenderAlert',
    flag: '--notify-sender-alert',
    env: 'RELAYDESK_NOTIFY_SENDER_ALERT',
    allowed: 'true or false',
    parse: parseBoolean,
  }),
  field({
    key: 'notifyDelayedAfterMinutes',
    flag: '--notify-delayed-after-minutes',
    env: 'RELAYDESK_NOTIFY_DELAYED_AFTER_MINUTES',
    allowed: 'a whole number of minutes from 1 to 10080',
    parse: parseCount(1, 7 * 24 * 60),
  }),
  field({
    key: 'secretsWithoutKeyring',
    flag: '--secrets-without-keyring',
    env: 'RELAYDESK_SECRETS_WITHOUT_KEYRING',
    allowed:
      '"ask", "owner-only-file" (a file only you can read) or "do-not-save" (ask again after a restart)',
    parse: (raw) =>
      raw === 'ask' || raw === 'owner-only-file' || raw === 'do-not-save' ? raw : undefined,
  }),
  field({
    key: 'tagsDisable',
    flag: '--tags-disable',
    env: 'RELAYDESK_TAGS_DISABLE',
    allowed: 'a comma-separated list of "plus-addresses" and "x-tags"',
    parse: parseTagsDisable,
  }),
  field({
    key: 'tagsUsername',
    flag: '--tags-username',
    env: 'RELAYDESK_TAGS_USERNAME',
    allowed: 'true (tag messages with the SMTP user name) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'tagsTitleCase',
    flag: '--tags-title-case',
    env: 'RELAYDESK_TAGS_TITLE_CASE',
    allowed: 'true (Title Case tags from plus addresses and X-Tags) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'sendApiAuthFile',
    flag: '--send-api-auth-file',
    env: 'RELAYDESK_SEND_API_AUTH_FILE',
    allowed: 'the path of a file holding the Send API password or its hash (relaydesk user hash)',
    parse: parseOptionalPath,
  }),
  field({
    key: 'sendApiAuthAcceptAny',
    flag: '--send-api-auth-accept-any',
    env: 'RELAYDESK_SEND_API_AUTH_ACCEPT_ANY',
    allowed: 'true (POST /api/v1/send needs no password) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'webhookUrls',
    flag: '--webhook-url',
    env: 'RELAYDESK_WEBHOOK_URL',
    allowed:
      'http(s) URLs, comma-separated (repeat the flag or use an array in the settings file), e.g. http://127.0.0.1:9000/hook',
    parse: parseWebhookUrls,
  }),
  field({
    key: 'webhookSecretFile',
    flag: '--webhook-secret-file',
    env: 'RELAYDESK_WEBHOOK_SECRET_FILE',
    allowed: 'the path of a file holding the webhook signing secret',
    parse: parseOptionalPath,
  }),
  field({
    key: 'webhookTimeoutMs',
    flag: '--webhook-timeout-ms',
    env: 'RELAYDESK_WEBHOOK_TIMEOUT_MS',
    allowed: 'a whole number of milliseconds from 100 to 120000',
    parse: parseCount(100, 120_000),
  }),
  field({
    key: 'webhookRetries',
    flag: '--webhook-retries',
    env: 'RELAYDESK_WEBHOOK_RETRIES',
    allowed: 'a whole number of retries from 0 to 10',
    parse: parseCount(0, 10),
  }),
  field({
    key: 'webhookRetryDelayMs',
    flag: '--webhook-retry-delay-ms',
    env: 'RELAYDESK_WEBHOOK_RETRY_DELAY_MS',
    allowed: 'a whole number of milliseconds from 10 to 600000 (it doubles with each retry)',
    parse: parseCount(10, 600_000),
  }),
  field({
    key: 'enableChaos',
    flag: '--enable-chaos',
    env: 'RELAYDESK_ENABLE_CHAOS',
    allowed: 'true (chaos triggers may be set from the API and the GUI) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'chaosTriggers',
    flag: '--chaos-triggers',
    env: 'RELAYDESK_CHAOS_TRIGGERS',
    allowed:
      "Mailpit's form, e.g. Sender:451:50,Recipient:452:10,Authentication:535:5 (stage:code 400-599:percent 0-100)",
    parse: parseChaosTriggers,
  }),
  field({
    key: 'addressCheck',
    flag: '--address-check',
    env: 'RELAYDESK_ADDRESS_CHECK',
    allowed:
      '"off", "warn" (note the verdict on the message) or "reject" (refuse invalid recipients with 550 at RCPT)',
    parse: (raw) => (raw === 'off' || raw === 'warn' || raw === 'reject' ? raw : undefined),
  }),
  field({
    key: 'addressCheckSender',
    flag: '--address-check-sender',
    env: 'RELAYDESK_ADDRESS_CHECK_SENDER',
    allowed: 'true (check the envelope sender as well) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'addressCheckDnsOutage',
    flag: '--address-check-dns-outage',
    env: 'RELAYDESK_ADDRESS_CHECK_DNS_OUTAGE',
    allowed: '"pass" (accept when DNS cannot be asked) or "defer" (450, the client tries again)',
    parse: (raw) => (raw === 'pass' || raw === 'defer' ? raw : undefined),
  }),
  field({
    key: 'clamd',
    flag: '--clamd',
    env: 'RELAYDESK_CLAMD',
    allowed: 'HOST:PORT of clamd (e.g. 127.0.0.1:3310), the path of its Unix socket, or "off"',
    parse: (raw) => (raw === null || raw === '' || raw === 'off' ? null : parseClamdAddress(raw)),
  }),
  field({
    key: 'virusAction',
    flag: '--virus-action',
    env: 'RELAYDESK_VIRUS_ACTION',
    allowed: '"reject" (554 at end of DATA), "quarantine" (kept, never relayed) or "tag"',
    parse: (raw) => virusActions.find((a) => a === raw),
  }),
  field({
    key: 'clamdUnavailable',
    flag: '--clamd-unavailable',
    env: 'RELAYDESK_CLAMD_UNAVAILABLE',
    allowed: '"defer" (451 4.7.0, the client retries) or "accept" (flagged "not scanned")',
    parse: (raw) => clamdUnavailableActions.find((a) => a === raw),
  }),
  field({
    key: 'attachments',
    flag: '--attachments',
    env: 'RELAYDESK_ATTACHMENTS',
    allowed:
      'an object such as {"types": ["executable"], "maxSize": "10m", "encrypted": true, "action": "reject"}, or "off"',
    parse: (raw) => {
      const policy = parseAttachmentPolicy(raw);
      if (policy !== undefined) return policy;
      const problem = attachmentPolicyProblem(raw);
      if (problem) throw new SettingsError(problem);
      return undefined;
    },
  }),
  field({
    key: 'quotas',
    flag: '--quotas',
    env: 'RELAYDESK_QUOTAS',
    allowed: 'a list such as [{"user": "*", "perHour": 100, "recipientsPerDay": 1000}]',
    parse: (raw) => structured(() => parseQuotas(raw)),
  }),
  field({
    key: 'warmup',
    flag: '--warmup',
    env: 'RELAYDESK_WARMUP',
    allowed:
      'a list such as [{"upstream": "smtp.sendgrid.net", "start": "2026-12-01", "preset": "dedicated-ip"}]',
    parse: (raw) => structured(() => parseWarmup(raw)),
  }),
  field({
    key: 'anomalyPause',
    flag: '--anomaly-pause',
    env: 'RELAYDESK_ANOMALY_PAUSE',
    allowed: 'true (suspend a sender whose volume jumps) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'anomalyFactor',
    flag: '--anomaly-factor',
    env: 'RELAYDESK_ANOMALY_FACTOR',
    allowed: "a whole number from 2 to 1000 (times the sender's hourly median)",
    parse: parseCount(2, 1000),
  }),
  field({
    key: 'anomalyMinMessages',
    flag: '--anomaly-min-messages',
    env: 'RELAYDESK_ANOMALY_MIN_MESSAGES',
    allowed: 'a whole number of messages in an hour from 1 to 1000000',
    parse: parseCount(1, 1_000_000),
  }),
  field({
    key: 'spamassassin',
    flag: '--spamassassin',
    env: 'RELAYDESK_SPAMASSASSIN',
    allowed: 'HOST:PORT of a SpamAssassin spamd, e.g. 127.0.0.1:783, or "off"',
    parse: parseOptionalListenAddress,
  }),
  field({
    key: 'allowInternalHttpRequests',
    flag: '--allow-internal-http-requests',
    env: 'RELAYDESK_ALLOW_INTERNAL_HTTP_REQUESTS',
    allowed: 'true (the link check may reach loopback and private addresses) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'linkCheckGet',
    flag: '--link-check-get',
    env: 'RELAYDESK_LINK_CHECK_GET',
    allowed: 'true (retry with GET when HEAD fails; GET can use up one-time links) or false',
    parse: parseBoolean,
  }),
  field({
    key: 'linkCheckTimeoutMs',
    flag: '--link-check-timeout-ms',
    env: 'RELAYDESK_LINK_CHECK_TIMEOUT_MS',
    allowed: 'a whole number of milliseconds from 100 to 120000',
    parse: parseCount(100, 120_000),
  }),
  field({
    key: 'pop3',
    flag: '--pop3',
    env: 'RELAYDESK_POP3',
    allowed: 'HOST:PORT of a POP3 listener, e.g. 127.0.0.1:1110, or "off"',
    parse: parseOptionalListenAddress,
  }),
  field({
    key: 'pop3s',
    flag: '--pop3s',
    env: 'RELAYDESK_POP3S',
    allowed: 'HOST:PORT of an implicit-TLS POP3 listener, e.g. 127.0.0.1:1995, or "off"',
    parse: parseOptionalListenAddress,
  }),
] as const;

/** A structured setting's parser throws with the entry and field at fault; keep that message. */
function structured<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new SettingsError((err as Error).message);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type SettingField = (typeof settingFields)[number];

export function defaultSettings(dataDir: string): Settings {
  return {
    smtp: { host: '127.0.0.1', port: 1025 },
    http: { host: '127.0.0.1', port: 8025 },
    listenerFailure: 'exit',
    dataDir,
    maxMessages: 5000,
    maxAgeDays: 0,
    maxSize: 25 * 1024 * 1024,
    maxRecipients: 100,
    hostname: parseHostname(osHostname()) ?? 'localhost',
    greetingDelayMs: 100,
    reverseDnsTimeoutMs: 1000,
    dnsServers: [],
    apiCompat: 'mailpit',
    mode: 'capture',
    relayConnections: 2,
    retryMinutes: [1, 5, 10, 20, 40],
    retryThenEveryMinutes: 60,
    lifetimeHours: 72,
    rateLimit: { perSecond: 0, perMinute: 0, perHour: 0, perDay: 0 },
    dsn: false,
    relayRetentionDays: 7,
    relay: null,
    rules: [],
    trustLoopback: true,
    allowIp: [],
    apiCors: [],
    requireAuth: false,
    tlsCert: null,
    tlsKey: null,
    starttls: 'auto',
    smtps: null,
    requireTls: false,
    insecureAuth: 'auto',
    maxConnections: 100,
    maxConnectionsPerIp: 20,
    maxMessagesPerMinute: 120,
    idleTimeoutMs: 60_000,
    commandTimeoutMs: 300_000,
    sessionDeadlineMs: 30 * 60_000,
    minDataRate: 500,
    authMaxFailures: 10,
    authFailureDelayMs: 500,
    authLockoutMs: 15 * 60_000,
    logMaxSize: 10 * 1024 * 1024,
    logKeep: 5,
    uiPasswordFile: null,
    closeToTray: false,
    notifyNewMail: true,
    notifyBounced: true,
    notifyDelayed: true,
    notifyUpstreamPaused: true,
    notifySenderAlert: true,
    notifyDelayedAfterMinutes: 60,
    secretsWithoutKeyring: 'ask',
    tagsDisable: [],
    tagsUsername: false,
    tagsTitleCase: false,
    sendApiAuthFile: null,
    sendApiAuthAcceptAny: false,
    webhookUrls: [],
    webhookSecretFile: null,
    webhookTimeoutMs: 5000,
    webhookRetries: 3,
    webhookRetryDelayMs: 2000,
    enableChaos: false,
    chaosTriggers: null,
    dkim: [],
    addressCheck: 'off',
    addressCheckSender: false,
    addressCheckDnsOutage: 'pass',
    clamd: null,
    virusAction: 'reject',
    clamdUnavailable: 'defer',
    attachments: null,
    quotas: [],
    warmup: [],
    anomalyPause: false,
    anomalyFactor: 10,
    anomalyMinMessages: 100,
    spamassassin: null,
    allowInternalHttpRequests: false,
    linkCheckGet: false,
    linkCheckTimeoutMs: 10_000,
    pop3: null,
    pop3s: null,
  };
}

function nameIn(fieldSpec: SettingField, source: SettingSource): string {
  if (source === 'flag') return fieldSpec.flag;
  if (source === 'env') return fieldSpec.env;
  return `"${fieldSpec.key}" in the settings file`;
}

/**
 * Parses one raw value for a field. Throws a SettingsError that names the field as the user
 * typed it, the bad value, and what is allowed.
 */
export function parseSettingValue(
  fieldSpec: SettingField,
  raw: unknown,
  source: SettingSource,
): Settings[SettingField['key']] {
  const value = fieldSpec.parse(raw);
  if (value === undefined) {
    throw new SettingsError(
      `${nameIn(fieldSpec, source)}: ${JSON.stringify(raw)} is not valid; use ${fieldSpec.allowed}`,
    );
  }
  return value;
}

export function fieldByFlag(flag: string): SettingField | undefined {
  return settingFields.find((f) => f.flag === flag);
}

export function fieldByKey(key: string): SettingField | undefined {
  return settingFields.find((f) => f.key === key);
}
