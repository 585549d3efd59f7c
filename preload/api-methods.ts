// The one method table of the API contract. Everything else is derived from it:
// - the IPC channel of each method (`relaydesk:<name>`),
// - the preload bridge `window.relaydesk` (preload/index.ts),
// - the main-side IPC handlers, which check the arguments with `args` before calling
//   RelayService (main/desktop/ipc-handlers.ts),
// - the renderer's HTTP transport, which turns a call into the request `http` describes
//   (renderer/src/api/http-transport.ts),
// - the type `RelaydeskApi` the renderer programs against.
// Adding a capability is one entry here plus one RelayService method (and its call in
// main/desktop/ipc-handlers.ts, which the compiler demands). test/contract/ fails when a method
// has no IPC handler or no HTTP route.
//
// Each argument schema is named (`named`), so a refused call says which argument was wrong
// ("limit: 0 is not valid: Too small: expected number to be >=1").
//
// The schemas are zod's "mini" build, and each method's are built when first checked: the
// renderer checks its calls too, and classic zod (whose every schema carries every method, so
// none is tree-shaken) was a fifth of its bundle; loading and running it held the list's first
// paint ~100 ms (bench/list-render.js).
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import type {
  AnalyzedHeaders,
  ChaosTriggersView,
  ListenersView,
  SendMessageAnswer,
  WebhookLogView,
  MessageDelivery,
  MessageDetail,
  MessageSourceView,
  MessagesPage,
  MessageComparison,
  MimePartContent,
  MimeStructurePart,
  RecipientState,
  RelaydeskEvent,
  RelaydeskInfo,
} from './api-contract.js';
import type {
  AuthLockoutView,
  ConnectionTestView,
  LogLines,
  SmtpSessionsDeleted,
  SmtpSessionsView,
  SmtpSessionTranscript,
  MailboxCount,
  MessagePartContent,
  QueueActionResult,
  QueueView,
  RoutingExplanationView,
  RoutingTestInput,
  SmtpUserView,
  UpstreamPresetView,
} from './relay-contract.js';
import type { RouteAnalysis } from './route-contract.js';
import type {
  AddressCheck,
  DkimDnsCheck,
  DkimKeyInfo,
  DkimKeyInput,
  DkimKeyRemoval,
  MessageAuthCheck,
} from './auth-contract.js';
import type {
  FilterStatus,
  MessageDecisions,
  QuarantineRelease,
  QuotaUsage,
  SenderAlert,
  SuspensionEntry,
  SuspensionLiftPreview,
  WarmupStatus,
} from './filter-contract.js';
import type {
  RestartAnswer,
  SettingsChange,
  SettingsCheck,
  SettingsSaveResult,
  SettingsView,
} from './settings-contract.js';
import type { HtmlCheckResult, LinkCheckResult, SpamCheckResult } from './check-contract.js';

/** Where a call's arguments go in an HTTP request. */
export interface HttpRequestParts {
  /** Values for the route's `:name` segments. */
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON. */
  body?: unknown;
}

export interface HttpBinding<Args extends readonly unknown[]> {
  verb: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /**
   * The route exactly as the server registers it (`:name` for path parameters). All under
   * /api/ but Mailpit's /proxy, which its screenshot asks at the root.
   */
  route: `/api/${string}` | '/proxy';
  request?: (...args: Args) => HttpRequestParts;
  /** How the answer is read: JSON (the default), text, an attachment's bytes, or not at all. */
  response?: 'json' | 'text' | 'part' | 'none';
  /** An answer with this status is a result too (a refused settings change, with its errors). */
  resultStatus?: number;
}

export interface MethodSpec<Args extends z.ZodMiniTuple, Result> {
  /** What the method does, for people reading the table. */
  summary: string;
  /**
   * Builds the schema of its arguments, when first checked: the renderer's first paint waited
   * ~60 ms for the whole table's schemas (zod objects), of which it uses a handful at start.
   */
  args: () => Args;
  http: HttpBinding<z.input<Args>>;
  /** Carries the result type only; never set. */
  readonly result?: { value: Result };
}

/** `method<Result>()({...})`: the result type is given, the argument types come from `args`. */
function method<Result>() {
  return <Args extends z.ZodMiniTuple>(spec: MethodSpec<Args, Result>): MethodSpec<Args, Result> =>
    spec;
}

// --- argument schemas, each named for the error messages ------------------------------------

// the same messages as classic zod, which sets this locale when loaded (mini does not)
z.config(en());

const argumentNames = new WeakMap<object, string>();

/** Names an argument's schema for the messages of a refused call (see argumentName). */
function named<T extends z.ZodMiniType>(name: string, schema: T): T {
  argumentNames.set(schema, name);
  return schema;
}

const string = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const id = (name = 'id') => named(name, string(1, 200));
const ids = (name = 'ids', min = 0) =>
  named(name, z.array(string(1, 200)).check(z.minLength(min), z.maxLength(100_000)));
const start = () => named('start', z._default(z.int().check(z.minimum(0)), 0));
const limit = (fallback: number, max: number) =>
  named('limit', z._default(z.int().check(z.minimum(1), z.maximum(max)), fallback));
const text = (name: string, max = 10_000, min = 0) => named(name, string(min, max));
const addresses = (name: string) =>
  named(name, z.array(string(3, 320)).check(z.minLength(1), z.maxLength(1000)));
const flag = (name: string) => named(name, z.boolean());
const optional = <T extends z.ZodMiniType>(name: string, schema: T) =>
  named(name, z.optional(schema));
const record = () => z.record(z.string(), z.unknown());

// checked field by field by the settings schema in main (so every wrong field is reported)
const settingsChange = () => named('change', record()) as unknown as z.ZodMiniType<SettingsChange>;

/** Every recipient state, for the API's argument checks and the OpenAPI document. */
export const recipientStates = [
  'pending',
  'sending',
  'relayed',
  'deferred',
  'bounced',
  'expired',
  'held',
  'cancelled',
  'captured',
  'quarantined',
] as const satisfies readonly RecipientState[];

const idsBody = (list: readonly string[]) => ({ body: { IDs: list } });
const queueAction = (action: string) => (list: readonly string[]) => ({
  params: { action },
  body: { IDs: list },
});
const messageParams = (value: string) => ({ params: { id: value } });

/** Mailpit's /proxy `data`: base64 of the UTF-8 of "ID:URL" (btoa alone takes only Latin-1). */
export function proxyData(message: string, url: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(`${message}:${url}`))
    binary += String.fromCharCode(byte);
  return btoa(binary);
}

// --- the table: one entry per capability, in the order of the GUI --------------------------

export const apiMethods = {
  // Messages
  listMessages: method<MessagesPage>()({
    summary: 'A page of messages, newest first',
    args: () => z.tuple([start(), limit(50, 100_000)]),
    // start and limit are always sent: with apiCompat "mailhog" the path answers a request
    // without them in MailHog's shape
    http: {
      verb: 'GET',
      route: '/api/v1/messages',
      request: (from = 0, count = 50) => ({ query: { start: from, limit: count } }),
    },
  }),
  searchMessages: method<MessagesPage>()({
    summary: "A page of the messages matching a search (Mailpit's syntax)",
    args: () => z.tuple([text('query', 2000), start(), limit(50, 100_000)]),
    http: {
      verb: 'GET',
      route: '/api/v1/search',
      request: (query, from = 0, count = 50) => ({ query: { query, start: from, limit: count } }),
    },
  }),
  getMessage: method<MessageDetail>()({
    summary: 'A message in full (marks it read)',
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/message/:id', request: messageParams },
  }),
  getHeaders: method<Record<string, string[]>>()({
    summary: "A message's headers as name → values",
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/message/:id/headers', request: messageParams },
  }),
  getRaw: method<string>()({
    summary: 'The message source as received',
    args: () => z.tuple([id()]),
    http: {
      verb: 'GET',
      route: '/api/v1/message/:id/raw',
      request: messageParams,
      response: 'text',
    },
  }),
  getSource: method<MessageSourceView>()({
    summary:
      "The message source as text to read: a line that is not UTF-8 is decoded with its MIME part's charset (the raw route has the bytes)",
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/message/:id/source', request: messageParams },
  }),
  getRawFile: method<MessagePartContent>()({
    summary: 'The message source as received, byte for byte, to save as {ID}.eml',
    args: () => z.tuple([id()]),
    http: {
      verb: 'GET',
      route: '/api/v1/message/:id/raw',
      request: (message) => ({ params: { id: message }, query: { dl: 1 } }),
      response: 'part',
    },
  }),
  getPart: method<MessagePartContent>()({
    summary: 'An attachment or inline part, by its PartID',
    args: () => z.tuple([id(), id('partId')]),
    http: {
      verb: 'GET',
      route: '/api/v1/message/:id/part/:partId',
      request: (message, partId) => ({ params: { id: message, partId } }),
      response: 'part',
    },
  }),
  messageStructure: method<MimeStructurePart[]>()({
    summary:
      'The MIME structure as sent: each part in order with its PartID, depth, declared type, charset, encoding, disposition, file name, Content-ID, size and headers',
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/message/:id/structure', request: messageParams },
  }),
  compareMessages: method<MessageComparison>()({
    summary:
      'What differs between two messages: header fields, the text and HTML line by line (as diff -u), attachments; neither is marked read',
    args: () => z.tuple([id(), id('other')]),
    http: {
      verb: 'GET',
      route: '/api/v1/message/:id/compare/:other',
      request: (message, other) => ({ params: { id: message, other } }),
    },
  }),
  messageStructurePart: method<MimePartContent>()({
    summary:
      'One part of the MIME structure (a PartID of /structure): its headers and body as sent, and a text part decoded',
    args: () => z.tuple([id(), id('partId')]),
    http: {
      verb: 'GET',
      route: '/api/v1/message/:id/structure/:partId',
      request: (message, partId) => ({ params: { id: message, partId } }),
    },
  }),
  proxyAsset: method<MessagePartContent>()({
    summary:
      "A remote image, style sheet or font the message's HTML loads, fetched for the HTML screenshot (Mailpit's /proxy)",
    args: () => z.tuple([id(), text('url', 8192, 1)]),
    http: {
      verb: 'GET',
      // Mailpit's path and its `data`: base64 of "ID:URL" (its screenshot asks this way, and the
      // ID goes first because a URL has colons of its own; only the first one splits)
      route: '/proxy',
      request: (message, url) => ({ query: { data: proxyData(message, url) } }),
      response: 'part',
    },
  }),
  setRead: method<void>()({
    summary: 'Mark messages read or unread',
    args: () => z.tuple([ids('ids', 1), flag('read')]),
    http: {
      verb: 'PUT',
      route: '/api/v1/messages',
      request: (list, read) => ({ body: { IDs: list, Read: read } }),
      response: 'none',
    },
  }),
  deleteMessages: method<void>()({
    summary: 'Delete messages; an empty list deletes all',
    args: () => z.tuple([ids()]),
    http: { verb: 'DELETE', route: '/api/v1/messages', request: idsBody, response: 'none' },
  }),
  setReadMatching: method<void>()({
    summary: 'Mark read or unread every message matching a search (all for an empty one)',
    args: () => z.tuple([text('query', 2000), flag('read')]),
    http: {
      verb: 'PUT',
      route: '/api/v1/messages',
      request: (query, read) => ({
        body: { Read: read, ...(query.trim() === '' ? {} : { Search: query }) },
      }),
      response: 'none',
    },
  }),
  deleteMatching: method<void>()({
    summary: 'Delete every message matching a search',
    args: () => z.tuple([text('query', 2000, 1)]),
    http: {
      verb: 'DELETE',
      route: '/api/v1/search',
      request: (query) => ({ query: { query } }),
      response: 'none',
    },
  }),
  mailboxes: method<MailboxCount[]>()({
    summary: 'Mailboxes with their message and unread counts',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/mailboxes' },
  }),
  info: method<RelaydeskInfo>()({
    summary: 'Version, totals, listeners and TLS',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/info' },
  }),
  listeners: method<ListenersView>()({
    summary:
      'Each listener besides the HTTP API (SMTP, SMTPS, POP3, POP3S): listening, or why it could not start and the fix',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/listeners' },
  }),

  // A message's delivery and route
  delivery: method<MessageDelivery>()({
    summary: 'Each recipient’s state, with every attempt, reply and transcript',
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/message/:id/delivery', request: messageParams },
  }),
  route: method<RouteAnalysis>()({
    summary: 'The Received chain as hops, authentication results, envelope vs headers',
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/message/:id/route', request: messageParams },
  }),
  analyzeHeaders: method<AnalyzedHeaders>()({
    summary:
      'The same analysis of pasted headers or a whole .eml (of a bounce, also its report and the returned message’s route); nothing is stored',
    // `latin1`: each character of `headers` stands for one byte of a file that is not UTF-8
    // (an 8-bit Latin-1 body), so the relay verifies DKIM over the bytes the sender signed
    args: () =>
      z.tuple([
        text('headers', 50 * 1024 * 1024, 1),
        optional('encoding', z.enum(['utf8', 'latin1'])),
      ]),
    http: {
      verb: 'POST',
      route: '/api/v1/analyze',
      request: (headers, encoding) => ({
        body: encoding === 'latin1' ? { headers, encoding } : { headers },
      }),
    },
  }),

  // A message's checks (Mailpit's)
  htmlCheck: method<HtmlCheckResult>()({
    summary: "Email clients' support of the HTML and CSS (caniemail.com), and where each is used",
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/message/:id/html-check', request: messageParams },
  }),
  linkCheck: method<LinkCheckResult>()({
    summary: 'Every link and image URL with its HTTP status (HEAD); `follow` follows redirects',
    args: () => z.tuple([id(), optional('follow', z.boolean())]),
    http: {
      verb: 'GET',
      route: '/api/v1/message/:id/link-check',
      request: (message, follow) => ({
        params: { id: message },
        query: { follow: follow === undefined ? undefined : String(follow) },
      }),
    },
  }),
  spamCheck: method<SpamCheckResult>()({
    summary: 'SpamAssassin score and rules; `Error` says why when spamd is not available',
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/message/:id/sa-check', request: messageParams },
  }),

  // The queue and the upstream
  queue: method<QueueView>()({
    summary:
      'Messages with work left (or with a recipient in `state`; quarantined: the mail the filter holds), the upstream pause, and what the rate limit holds back (rateLimited)',
    args: () => z.tuple([optional('state', z.enum(recipientStates))]),
    http: {
      verb: 'GET',
      route: '/api/v1/queue',
      request: (state) => ({ query: { state } }),
    },
  }),
  holdMessages: method<QueueActionResult>()({
    summary: 'Hold the pending and deferred recipients',
    args: () => z.tuple([ids('ids', 1)]),
    http: { verb: 'POST', route: '/api/v1/queue/:action', request: queueAction('hold') },
  }),
  releaseMessages: method<QueueActionResult>()({
    summary: 'Release held recipients',
    args: () => z.tuple([ids('ids', 1)]),
    http: { verb: 'POST', route: '/api/v1/queue/:action', request: queueAction('release') },
  }),
  retryMessages: method<QueueActionResult>()({
    summary: 'Retry now; an empty list retries everything deferred',
    args: () => z.tuple([ids()]),
    http: { verb: 'POST', route: '/api/v1/queue/:action', request: queueAction('retry') },
  }),
  resendMessages: method<QueueActionResult>()({
    summary: 'Send again (bounced, expired, cancelled or captured), optionally to other addresses',
    args: () => z.tuple([ids('ids', 1), optional('to', addresses('to'))]),
    http: {
      verb: 'POST',
      route: '/api/v1/queue/:action',
      request: (list, to) => ({
        params: { action: 'resend' },
        body: { IDs: list, ...(to ? { To: to } : {}) },
      }),
    },
  }),
  cancelMessages: method<QueueActionResult>()({
    summary: 'Cancel the recipients not yet relayed (they are never tried again)',
    args: () => z.tuple([ids('ids', 1)]),
    http: { verb: 'POST', route: '/api/v1/queue/:action', request: queueAction('cancel') },
  }),
  cancelHeld: method<QueueActionResult>()({
    summary:
      'Cancel every held recipient (postsuper -d ALL hold), or those held for one suspension',
    args: () => z.tuple([optional('suspension', text('suspension', 100, 1))]),
    http: {
      verb: 'POST',
      route: '/api/v1/queue/:action',
      request: (suspension) => ({
        params: { action: 'cancel' },
        body: { Held: true, ...(suspension ? { Suspension: suspension } : {}) },
      }),
    },
  }),
  pauseUpstream: method<QueueView['upstream']>()({
    summary: 'Stop sending to the upstream until resumed',
    args: () => z.tuple([optional('reason', text('reason', 200))]),
    http: {
      verb: 'POST',
      route: '/api/v1/relay/pause',
      request: (reason) => ({ body: reason ? { reason } : {} }),
    },
  }),
  resumeUpstream: method<QueueView['upstream']>()({
    summary: 'Send to the upstream again',
    args: () => z.tuple([]),
    http: { verb: 'POST', route: '/api/v1/relay/resume', request: () => ({ body: {} }) },
  }),
  pauseReceiving: method<{ paused: boolean }>()({
    summary: 'Refuse new SMTP connections with 421 4.3.2 (senders retry) until resumed',
    args: () => z.tuple([]),
    http: { verb: 'POST', route: '/api/v1/smtp/pause', request: () => ({ body: {} }) },
  }),
  resumeReceiving: method<{ paused: boolean }>()({
    summary: 'Accept SMTP connections again',
    args: () => z.tuple([]),
    http: { verb: 'POST', route: '/api/v1/smtp/resume', request: () => ({ body: {} }) },
  }),
  testUpstream: method<ConnectionTestView>()({
    summary:
      'Connect, greet, EHLO, STARTTLS/TLS, certificate, AUTH step by step; sends no mail. Without settings: the saved upstream',
    args: () => z.tuple([optional('upstream', record())]),
    http: {
      verb: 'POST',
      route: '/api/v1/relay/test',
      request: (candidate) => ({ body: candidate ?? {} }),
    },
  }),
  upstreamPresets: method<UpstreamPresetView[]>()({
    summary: 'Provider presets (host, port, security, notes) to fill the upstream settings',
    args: () =>
      z.tuple([optional('sesRegion', z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/)))]),
    http: {
      verb: 'GET',
      route: '/api/v1/relay/presets',
      request: (sesRegion) => ({ query: { sesRegion } }),
    },
  }),
  testRouting: method<RoutingExplanationView>()({
    summary: 'Which routing rule decides for an address, and why',
    args: () =>
      z.tuple([
        named(
          'input',
          z.object({
            recipient: string(1, 320),
            sender: z.optional(string(0, 320)),
            user: z.optional(z.nullable(string(0, 320))),
          }),
        ) satisfies z.ZodMiniType<RoutingTestInput>,
      ]),
    http: { verb: 'POST', route: '/api/v1/routing/test', request: (input) => ({ body: input }) },
  }),

  // Logs
  relayLog: method<LogLines>()({
    summary: 'Recent relay log lines, one per attempt, in Postfix’s shape',
    args: () => z.tuple([limit(100, 1000)]),
    http: {
      verb: 'GET',
      route: '/api/v1/relay/log',
      request: (count = 100) => ({ query: { limit: count } }),
    },
  }),
  auditLog: method<LogLines>()({
    summary: 'Recent audit lines: SMTP connections, AUTH, messages accepted or refused',
    args: () => z.tuple([limit(100, 1000)]),
    http: {
      verb: 'GET',
      route: '/api/v1/audit/log',
      request: (count = 100) => ({ query: { limit: count } }),
    },
  }),
  serviceLog: method<LogLines>()({
    summary:
      'Recent service lines: the app’s own notes (start, the index, the journals, quarantined files, failures)',
    args: () => z.tuple([limit(100, 1000)]),
    http: {
      verb: 'GET',
      route: '/api/v1/service/log',
      request: (count = 100) => ({ query: { limit: count } }),
    },
  }),
  smtpSessions: method<SmtpSessionsView>()({
    summary:
      'The last SMTP sessions, newest first: client, EHLO name, AUTH user, TLS, messages stored, refusals',
    args: () => z.tuple([limit(200, 1000)]),
    http: {
      verb: 'GET',
      route: '/api/v1/smtp/sessions',
      request: (count = 200) => ({ query: { limit: count } }),
    },
  }),
  smtpSession: method<SmtpSessionTranscript>()({
    summary:
      'One SMTP session’s conversation: each command (AUTH’s credentials hidden) and reply, with TLS, the message sizes and how it ended',
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/smtp/sessions/:id', request: messageParams },
  }),
  deleteSmtpSessions: method<SmtpSessionsDeleted>()({
    summary: 'Delete every ended SMTP session from the list (open ones stay)',
    args: () => z.tuple([]),
    http: { verb: 'DELETE', route: '/api/v1/smtp/sessions' },
  }),
  deleteSmtpSession: method<SmtpSessionsDeleted>()({
    summary: 'Delete one ended SMTP session from the list',
    args: () => z.tuple([id()]),
    http: { verb: 'DELETE', route: '/api/v1/smtp/sessions/:id', request: messageParams },
  }),

  // Authentication: DKIM keys, checks of captured mail, address checks
  authCheck: method<MessageAuthCheck>()({
    summary:
      'DKIM, SPF, DMARC and ARC of a message: pass, fail, neutral or offline, with the reason',
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/message/:id/auth-check', request: messageParams },
  }),
  dkimKeys: method<DkimKeyInfo[]>()({
    summary: 'The DKIM keys by domain and selector, with the DNS record each needs',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/dkim/keys' },
  }),
  addDkimKey: method<DkimKeyInfo>()({
    summary: 'Generate a key (RSA-2048 or Ed25519) for a new selector, or import a PEM',
    args: () =>
      z.tuple([
        named(
          'key',
          z.object({
            domain: string(1, 255),
            selector: string(1, 255),
            algorithm: z.optional(z.enum(['rsa', 'ed25519'])),
            privateKey: z.optional(string(0, 20_000)),
            headers: z.optional(z.array(string(1, 76)).check(z.minLength(1), z.maxLength(100))),
          }),
        ) satisfies z.ZodMiniType<DkimKeyInput>,
      ]),
    http: { verb: 'POST', route: '/api/v1/dkim/keys', request: (key) => ({ body: key }) },
  }),
  setDkimKeyActive: method<DkimKeyInfo>()({
    summary: 'Turn signing with a selector on or off (retire the old one after a rotation)',
    args: () => z.tuple([text('domain', 255), text('selector', 255), flag('active')]),
    http: {
      verb: 'PUT',
      route: '/api/v1/dkim/keys/:domain/:selector',
      request: (domain, selector, active) => ({ params: { domain, selector }, body: { active } }),
    },
  }),
  removeDkimKey: method<DkimKeyRemoval>()({
    summary: "Delete a selector and its private key; say what signs the domain's mail now",
    args: () => z.tuple([text('domain', 255), text('selector', 255)]),
    http: {
      verb: 'DELETE',
      route: '/api/v1/dkim/keys/:domain/:selector',
      request: (domain, selector) => ({ params: { domain, selector } }),
    },
  }),
  checkDkimDns: method<DkimDnsCheck>()({
    summary: 'Check DNS: is the selector record published, and is it this key?',
    args: () => z.tuple([text('domain', 255), text('selector', 255)]),
    http: {
      verb: 'GET',
      route: '/api/v1/dkim/keys/:domain/:selector/dns-check',
      request: (domain, selector) => ({ params: { domain, selector } }),
    },
  }),
  checkAddresses: method<AddressCheck[]>()({
    summary: 'Check addresses as the relay would before sending: valid, invalid, risky, unknown',
    args: () => z.tuple([addresses('addresses')]),
    http: {
      verb: 'POST',
      route: '/api/v1/address-check',
      request: (list) => ({ body: { addresses: list } }),
    },
  }),

  // SMTP users
  listUsers: method<SmtpUserView[]>()({
    summary: 'SMTP users (names only)',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/users' },
  }),
  addUser: method<SmtpUserView>()({
    summary: 'Add an SMTP user',
    args: () => z.tuple([text('name', 200), text('password', 1024)]),
    http: {
      verb: 'POST',
      route: '/api/v1/users',
      request: (name, password) => ({ body: { name, password } }),
    },
  }),
  changeUserPassword: method<SmtpUserView>()({
    summary: "Change an SMTP user's password",
    args: () => z.tuple([text('name', 200), text('password', 1024)]),
    http: {
      verb: 'PUT',
      route: '/api/v1/users/:name',
      request: (name, password) => ({ params: { name }, body: { password } }),
    },
  }),
  authLockouts: method<{ lockouts: AuthLockoutView[] }>()({
    summary: 'SMTP AUTH lockouts: (address, user) pairs refused after repeated failures',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/auth/lockouts' },
  }),
  releaseAuthLockouts: method<{ released: AuthLockoutView[] }>()({
    summary: 'Release AUTH lockouts: one (address, user) pair, every user of an address, or all',
    args: () =>
      z.tuple([optional('address', text('address', 100)), optional('user', text('user', 200))]),
    http: {
      verb: 'POST',
      route: '/api/v1/auth/lockouts/release',
      request: (address, user) => ({
        body: {
          ...(address !== undefined ? { Address: address } : {}),
          ...(user !== undefined ? { User: user } : {}),
        },
      }),
    },
  }),
  removeUser: method<void>()({
    summary: 'Remove an SMTP user',
    args: () => z.tuple([text('name', 200)]),
    http: {
      verb: 'DELETE',
      route: '/api/v1/users/:name',
      request: (name) => ({ params: { name } }),
      response: 'none',
    },
  }),

  // The capture toolkit: tags, chaos, the Send API, webhooks (Mailpit's routes where it has them)
  tags: method<string[]>()({
    summary: 'Every tag in use, sorted',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/tags' },
  }),
  setTags: method<void>()({
    summary: 'Replace the tags of messages; an empty list removes them',
    args: () =>
      z.tuple([ids('ids', 1), named('tags', z.array(text('tag', 100)).check(z.maxLength(100)))]),
    http: {
      verb: 'PUT',
      route: '/api/v1/tags',
      request: (list, tags) => ({ body: { IDs: list, Tags: tags } }),
      response: 'none',
    },
  }),
  renameTag: method<void>()({
    summary: 'Rename a tag on every message',
    args: () => z.tuple([text('tag', 100, 1), text('name', 100, 1)]),
    http: {
      verb: 'PUT',
      route: '/api/v1/tags/:tag',
      request: (tag, name) => ({ params: { tag }, body: { Name: name } }),
      response: 'none',
    },
  }),
  deleteTag: method<void>()({
    summary: 'Remove a tag from every message (no message is deleted)',
    args: () => z.tuple([text('tag', 100, 1)]),
    http: {
      verb: 'DELETE',
      route: '/api/v1/tags/:tag',
      request: (tag) => ({ params: { tag } }),
      response: 'none',
    },
  }),
  chaos: method<ChaosTriggersView>()({
    summary: 'The chaos triggers (an error unless chaos is enabled)',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/chaos' },
  }),
  setChaos: method<ChaosTriggersView>()({
    summary: 'Set the chaos triggers; those left out are reset to probability 0',
    args: () => z.tuple([named('triggers', record())]),
    http: { verb: 'PUT', route: '/api/v1/chaos', request: (triggers) => ({ body: triggers }) },
  }),
  sendMessage: method<SendMessageAnswer>()({
    summary: "Send a message (Mailpit's Send API JSON), taken in as if received over SMTP",
    args: () => z.tuple([named('message', record())]),
    http: { verb: 'POST', route: '/api/v1/send', request: (message) => ({ body: message }) },
  }),
  webhookLog: method<WebhookLogView>()({
    summary: 'The webhook URLs and the delivery log, newest first',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/webhooks' },
  }),

  // Content filtering and sender control
  messageDecisions: method<MessageDecisions>()({
    summary: "The filter's decision on a message, and why any recipient is held or delayed",
    args: () => z.tuple([id()]),
    http: { verb: 'GET', route: '/api/v1/message/:id/filter', request: messageParams },
  }),
  quarantine: method<MessagesPage>()({
    summary:
      'Messages held in the quarantine (kept, never relayed), newest first; with released, those released from it too',
    args: () =>
      z.tuple([start(), limit(50, 100_000), named('released', z._default(z.boolean(), false))]),
    http: {
      verb: 'GET',
      route: '/api/v1/quarantine',
      request: (from = 0, count = 50, released = false) => ({
        query: { start: from, limit: count, ...(released ? { released: 'true' } : {}) },
      }),
    },
  }),
  releaseQuarantined: method<QuarantineRelease>()({
    summary:
      'Release a quarantined message (a false positive): back to the mailbox it was for, and queued where its rules relay; a virus needs ConfirmVirus',
    args: () => z.tuple([id(), named('confirmVirus', z._default(z.boolean(), false))]),
    http: {
      verb: 'POST',
      route: '/api/v1/quarantine/:id/release',
      request: (message, confirmVirus = false) => ({
        params: { id: message },
        body: confirmVirus ? { ConfirmVirus: true } : {},
      }),
    },
  }),
  filterStatus: method<FilterStatus>()({
    summary: 'The virus scanner (and whether it answers now) and the attachment policy',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/filter' },
  }),
  listSuspensions: method<SuspensionEntry[]>()({
    summary: 'Suspended client IPs, CIDRs, SMTP users and senders',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/suspensions' },
  }),
  suspend: method<SuspensionEntry & { Held: string[]; InAttempt: string[]; Warning?: string }>()({
    summary: 'Suspend an ip, cidr, user or sender at once, with a reason; its queued mail is held',
    args: () =>
      z.tuple([
        named('kind', z.enum(['ip', 'cidr', 'user', 'sender'])),
        // empty ones go through: the relay says what to give ("Value: "" is empty; give the
        // client's IP address…"), which the Senders panel shows; a check here said "Too small"
        text('value', 320),
        text('reason', 300),
      ]),
    http: {
      verb: 'POST',
      route: '/api/v1/suspensions',
      request: (kind, value, reason) => ({ body: { Kind: kind, Value: value, Reason: reason } }),
    },
  }),
  unsuspend: method<SuspensionEntry & { Released: string[]; StillHeld: string[] }>()({
    summary: 'Lift a suspension; with release, also send on the mail it held',
    args: () => z.tuple([id(), named('release', z._default(z.boolean(), false))]),
    http: {
      verb: 'DELETE',
      route: '/api/v1/suspensions/:id',
      request: (suspension, release = false) => ({
        params: { id: suspension },
        query: { release: String(release) },
      }),
    },
  }),
  suspensionLift: method<SuspensionLiftPreview>()({
    summary:
      'What lifting a suspension with release would do: the held mail it sends, and what another suspension keeps held',
    args: () => z.tuple([id()]),
    http: {
      verb: 'GET',
      route: '/api/v1/suspensions/:id/lift',
      request: (suspension) => ({ params: { id: suspension } }),
    },
  }),
  senderAlerts: method<SenderAlert[]>()({
    summary: "Anomaly alerts (a sender's volume jumped) not yet dismissed, newest first",
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/sender-alerts' },
  }),
  dismissSenderAlert: method<SenderAlert>()({
    summary: 'Dismiss a kept anomaly alert',
    args: () => z.tuple([id()]),
    http: {
      verb: 'DELETE',
      route: '/api/v1/sender-alerts/:id',
      request: (alert) => ({ params: { id: alert } }),
    },
  }),
  quotaUsage: method<QuotaUsage>()({
    summary: 'The sending quotas and what each SMTP user and client IP has used of them',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/quotas' },
  }),
  warmupStatus: method<{ warmup: WarmupStatus | null }>()({
    summary: "The upstream's warm-up: day, today's cap, sent today, when the next day starts",
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/warmup' },
  }),
  // Settings
  getSettings: method<SettingsView>()({
    summary:
      'The settings as saved, which are pinned by a flag or variable, which wait for a restart',
    args: () => z.tuple([]),
    http: { verb: 'GET', route: '/api/v1/settings' },
  }),
  validateSettings: method<SettingsCheck>()({
    summary: 'Check a change without saving it: every wrong field, its value and what is allowed',
    args: () => z.tuple([settingsChange()]),
    http: {
      verb: 'POST',
      route: '/api/v1/settings/validate',
      request: (change) => ({ body: change }),
    },
  }),
  saveSettings: method<SettingsSaveResult>()({
    summary: 'Save a change whole, or nothing when a field is wrong; applies at once but listeners',
    args: () => z.tuple([settingsChange()]),
    http: {
      verb: 'PUT',
      route: '/api/v1/settings',
      request: (change) => ({ body: change }),
      resultStatus: 400,
    },
  }),
  restart: method<RestartAnswer>()({
    summary:
      'Restart to apply the saved settings that wait for a restart (the listeners, TLS, timeouts); answers before it begins, with the UI address after it',
    args: () => z.tuple([]),
    http: { verb: 'POST', route: '/api/v1/restart', request: () => ({ body: {} }) },
  }),
} as const;

export type ApiMethods = typeof apiMethods;
export type MethodName = keyof ApiMethods;

/** The arguments a caller passes (before defaults). */
export type MethodArgs<M extends MethodName> = z.input<ReturnType<ApiMethods[M]['args']>>;
/** The arguments after checking, defaults filled in: what the IPC handler receives. */
export type CheckedArgs<M extends MethodName> = z.output<ReturnType<ApiMethods[M]['args']>>;
export type MethodResult<M extends MethodName> = NonNullable<ApiMethods[M]['result']>['value'];

export const methodNames = Object.keys(apiMethods) as MethodName[];

/**
 * The typed API the renderer uses. Two transports implement it: IPC inside Electron and
 * HTTP/WebSocket in a browser (headless mode).
 */
export type RelaydeskApi = {
  [M in MethodName]: (...args: MethodArgs<M>) => Promise<MethodResult<M>>;
} & {
  /** Subscribes to live events; returns the function that unsubscribes. */
  onEvent(listener: (event: RelaydeskEvent) => void): () => void;
};

/** The IPC channel of a method. */
export function ipcChannel(name: MethodName): `relaydesk:${MethodName}` {
  return `relaydesk:${name}`;
}

/**
 * Main → renderer: every RelaydeskEvent, as on the WebSocket with `batch=1`: each message an array
 * of the events of a short spell, in order (main/desktop/ipc-handlers.ts forwardEvents).
 */
export const eventChannel = 'relaydesk:event';

/**
 * Renderer → main: whether the window's page follows the log lines (its Logs view is open), as
 * the GUI's WebSocket says with `{"Type": "subscribe", "Data": "log"}`. Main sends the window no
 * `log` event unless it does (main/desktop/ipc-handlers.ts registerLogFollowing).
 */
export const logFollowingChannel = 'relaydesk:follow-logs';

/**
 * What the preload exposes as `window.relaydesk`: the API, and the log subscription that only
 * the desktop's event channel needs (over HTTP it is a frame on the WebSocket).
 */
export type RelaydeskBridge = RelaydeskApi & {
  /** Starts (true) or stops (false) the window's `log` events. */
  setLogFollowing(follow: boolean): Promise<void>;
};

/**
 * A call over HTTP: its path and query (relative to the API's base, no leading slash: the route
 * with the `:name` segments filled in, and the query parameters) and its JSON body, if any.
 * `checked`: the arguments after checkArguments.
 */
export function httpRequest(
  name: MethodName,
  checked: readonly unknown[],
): { path: string; body: unknown } {
  const { http } = apiMethods[name] as { http: HttpBinding<unknown[]> };
  const parts = http.request?.(...checked) ?? {};
  const route = http.route
    .slice(1)
    .replace(/:(\w+)/g, (_match, key: string) => encodeURIComponent(parts.params?.[key] ?? ''));
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(parts.query ?? {})) {
    if (value !== undefined) query.set(key, String(value));
  }
  return { path: query.size > 0 ? `${route}?${query}` : route, body: parts.body };
}

/** Rows per page of the mail list: the GUI asks for them, newest first, 100 at a time. */
export const listPageSize = 100;

/**
 * The mail list's first page as the GUI asks for it when it opens. The headless server names it
 * in a `Link: rel=preload` header of the page, so the browser fetches it while the scripts load
 * and the GUI's own request is answered from that (the first paint came ~50 ms sooner).
 */
export function firstListPagePath(): string {
  return httpRequest('listMessages', [0, listPageSize]).path;
}

export class ApiArgumentError extends Error {
  override name = 'ApiArgumentError';
}

function argumentName(schema: z.ZodMiniTuple, index: unknown): string {
  const item = typeof index === 'number' ? schema.def.items[index] : undefined;
  const described = item ? argumentNames.get(item) : undefined;
  if (described !== undefined) return described;
  return typeof index === 'number' ? `argument ${index + 1}` : 'arguments';
}

const builtSchemas = new Map<MethodName, z.ZodMiniTuple>();

function argumentSchema(name: MethodName): z.ZodMiniTuple {
  let schema = builtSchemas.get(name);
  if (!schema) {
    schema = (apiMethods[name].args as () => z.ZodMiniTuple)();
    builtSchemas.set(name, schema);
  }
  return schema;
}

/**
 * Checks a call's arguments against the table. Throws an ApiArgumentError naming the argument,
 * the value given and what is allowed.
 */
export function checkArguments<M extends MethodName>(
  name: M,
  args: readonly unknown[],
): CheckedArgs<M> {
  const schema = argumentSchema(name);
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data as CheckedArgs<M>;
  const issue = parsed.error.issues[0];
  const [index, ...rest] = issue?.path ?? [];
  const where = [argumentName(schema, index), ...rest.map(String)].join('.');
  let value: unknown = args;
  for (const key of issue?.path ?? []) {
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<PropertyKey, unknown>)[key as PropertyKey]
        : undefined;
  }
  const shown = value === undefined ? 'nothing' : JSON.stringify(value);
  throw new ApiArgumentError(
    `${name}: ${where}: ${shown?.slice(0, 200)} is not valid: ${issue?.message ?? 'wrong type'}`,
  );
}
