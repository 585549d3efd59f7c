// The JSON sidecar as the spool reads it back: one zod schema, built once at import, checked
// against the MessageRecord type below so neither can change without the other. A sidecar that
// does not fit is quarantined with the first field that failed, in words.
import { z } from 'zod';
import { recipientStates } from '../../../preload/api-methods.js';
import { withRuleName, type MessageRecord } from '../message-record.js';
import { shownValue } from '../text/sanitise.js';

/** The sidecar format's version, written into every sidecar. */
export const sidecarVersion = 1;

const mailAddress = z.object({ Name: z.string(), Address: z.string() });
const recipientState = z.enum(recipientStates);

const envelope = z.object({
  mailFrom: z.string(),
  rcptTo: z.array(z.string()),
  clientIp: z.string(),
  clientHostname: z.string().nullable(),
  helo: z.string(),
  user: z.string().nullable(),
  tls: z.object({ protocol: z.string(), cipher: z.string() }).nullable(),
  smtpUtf8: z.boolean(),
  eightBitMime: z.boolean(),
  origin: z.enum(['relaydesk', 'ingest']).optional(),
  session: z.string().optional(),
});

const summary = z.object({
  messageId: z.string(),
  subject: z.string(),
  date: z.string().nullable(),
  from: mailAddress.nullable(),
  to: z.array(mailAddress),
  cc: z.array(mailAddress),
  bcc: z.array(mailAddress),
  replyTo: z.array(mailAddress),
  returnPath: z.string(),
  attachments: z.number(),
  inline: z.number(),
  snippet: z.string(),
  searchText: z.string(),
  parseError: z.string().nullable(),
});

const attempt = z.object({
  startedAt: z.string(),
  endedAt: z.string(),
  upstream: z.object({ host: z.string(), ip: z.string().nullable(), port: z.number() }),
  tls: z.object({ version: z.string(), cipher: z.string() }).nullable(),
  authMechanism: z.string().nullable(),
  reply: z.object({
    code: z.number().nullable(),
    enhanced: z.string().nullable(),
    text: z.string(),
  }),
  upstreamQueueId: z.string().nullable(),
  transcript: z.string(),
  signedBy: z
    .array(z.object({ domain: z.string(), selector: z.string(), algorithm: z.string() }))
    .optional(),
  unsignedReason: z.string().optional(),
  addedHeaders: z.array(z.string()).optional(),
  sentAs: z
    .object({ mailFrom: z.string(), from: z.string().nullable(), rule: z.string() })
    .optional(),
  notSent: z.literal(true).optional(),
});

const addressVerdict = z.enum(['valid', 'invalid', 'risky', 'unknown']);

const recipient = z.object({
  address: z.string(),
  deliverTo: z.string(),
  state: recipientState,
  rule: z.string(),
  nextAttemptAt: z.string().nullable(),
  firstAttemptAt: z.string().nullable(),
  upstreamWait: z.enum(['waiting', 'released']).optional(),
  delayWarnedAt: z.string().optional(),
  attempts: z.array(attempt),
  history: z.array(
    z.object({
      state: recipientState,
      at: z.string(),
      reason: z.string(),
      notice: z.literal('delay-warning').optional(),
    }),
  ),
  addressCheck: z.object({ verdict: addressVerdict, reason: z.string() }).optional(),
});

const sidecar = z.object({
  version: z.literal(sidecarVersion),
  id: z.string(),
  mailbox: z.string(),
  receivedAt: z.string(),
  size: z.number(),
  read: z.boolean(),
  tags: z.array(z.string()),
  envelope,
  summary,
  notes: z.array(z.string()),
  // sidecars written before the rule's rename say `route`
  delivery: z
    .array(z.preprocess((r) => (typeof r === 'object' && r ? withRuleName(r) : r), recipient))
    .optional(),
  addressChecks: z
    .array(
      z.object({
        address: z.string(),
        verdict: addressVerdict,
        reason: z.string(),
        suggestion: z.string().nullable(),
        invalidBy: z.enum(['syntax', 'null-mx', 'no-domain']).optional(),
      }),
    )
    .optional(),
  filter: z
    .object({
      action: z.enum(['accepted', 'tagged', 'held', 'quarantined']),
      scan: z.enum(['clean', 'infected', 'not-scanned', 'off']),
      signature: z.string().nullable(),
      spam: z.object({ isSpam: z.boolean(), score: z.number(), required: z.number() }).optional(),
      reasons: z.array(z.string()),
      at: z.string(),
      released: z.string().optional(),
      hold: z.string().optional(),
      edits: z
        .array(z.object({ at: z.number(), remove: z.number(), insert: z.string() }))
        .optional(),
    })
    .optional(),
});

// The schema and the type say the same, field for field (a field missing from the schema would
// be dropped silently on the next start, so mere assignability is not enough).
type Same<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Sidecar = Omit<z.output<typeof sidecar>, 'version'>;
const schemaMatchesRecord: Same<Sidecar, MessageRecord> = true;
void schemaMatchesRecord;

export type SidecarResult = { record: MessageRecord } | { error: string };

/** The record in a parsed sidecar file named `id`, or why it cannot be loaded. */
export function readSidecar(json: unknown, id: string): SidecarResult {
  const parsed = sidecar.safeParse(json, { reportInput: true });
  if (!parsed.success) return { error: describeIssue(parsed.error.issues[0]) };
  const { version: _version, ...record } = parsed.data;
  if (record.id !== id)
    return { error: `sidecar field id: ${shownValue(record.id)} is not the file's name (${id})` };
  return { record };
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'sidecar does not fit the sidecar format';
  const field = issue.path.length > 0 ? issue.path.join('.') : '(the whole file)';
  if (issue.code === 'invalid_type' && issue.input === undefined)
    return `sidecar field ${field}: missing (expected ${issue.expected})`;
  const got = 'input' in issue ? `, got ${shownValue(issue.input)}` : '';
  switch (issue.code) {
    case 'invalid_type':
      return `sidecar field ${field}: expected ${issue.expected}${got}`;
    case 'invalid_value':
      return `sidecar field ${field}: expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}${got}`;
    default:
      return `sidecar field ${field}: ${issue.message}${got}`;
  }
}
