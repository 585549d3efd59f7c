// The filter stage between acceptance and the queue: the spooled message is scanned by clamd and
// its attachments checked against the policy, BEFORE the client gets 250, so a refusal is an
// SMTP reply at end of DATA and a quarantined message is never listed as anything else. The
// action is the strictest one that the routing rules of the message's recipients ask for.
import type { FilterVerdictView } from '../../../preload/filter-contract.js';
import type { MessageRecord } from '../message-record.js';
import type { MessageParser } from '../parse/message-parser.js';
import { routeEnvelope, type RoutingRule } from '../routing-rules/index.js';
import type { Settings } from '../settings/settings-schema.js';
import { readSource, sourceSize, type MessageSource } from '../spool/message-source.js';
import {
  askSpamd,
  spamdAddressText,
  spamdTimeoutMs,
  SpamdUnavailableError,
} from '../checks/spam-check/index.js';
import { inspectAttachments, type AttachmentPart } from './attachment-policy.js';
import {
  ClamdClient,
  ClamdSizeLimitError,
  ClamdUnavailableError,
  describeClamdAddress,
} from './clamd-client.js';
import type {
  AttachmentAction,
  AttachmentPolicy,
  ClamdUnavailableAction,
  RuleFilter,
  VirusAction,
} from './filter-settings.js';
import { inspectContent } from './content-rules.js';
import { MessageDiscard, MessageRefusal } from './message-refusal.js';
import { applyDelivery } from '../queue/delivery-transition.js';
import { defaultRetrySchedule } from '../queue/retry-schedule.js';

export type FilterSettings = Pick<
  Settings,
  | 'clamd'
  | 'clamdTimeoutSeconds'
  | 'virusAction'
  | 'clamdUnavailable'
  | 'spamassassin'
  | 'spamAction'
  | 'attachments'
  | 'contentRules'
>;

/** What the filter decided, kept in the message's sidecar and shown with the message. */
export type FilterVerdict = FilterVerdictView;

export const quarantineMailbox = 'quarantine';

const virusRank: Record<VirusAction, number> = { tag: 0, quarantine: 1, reject: 2 };
const unavailableRank: Record<ClamdUnavailableAction, number> = { accept: 0, defer: 1 };
const attachmentRank: Record<AttachmentAction | 'allow', number> = {
  allow: 0,
  quarantine: 1,
  reject: 2,
};

function strictest<T extends string>(values: T[], rank: Record<T, number>, fallback: T): T {
  if (values.length === 0) return fallback;
  return values.reduce((a, b) => (rank[b] > rank[a] ? b : a));
}

/** The filter choices for one message: the strictest of its recipients' rules. */
export function filterChoices(
  settings: FilterSettings,
  rules: readonly RoutingRule[],
  envelope: MessageRecord['envelope'],
): {
  virus: VirusAction;
  unavailable: ClamdUnavailableAction;
  attachment: AttachmentAction | 'allow';
} {
  // every recipient counts, its rule's filter or else the settings': a recipient whose rule
  // names no filter is under the settings' action, and a looser rule for another recipient of
  // the same message must not relay a virus to it
  const ruleFilters: RuleFilter[] = routeEnvelope(rules, envelope).map((decision) =>
    decision.ruleIndex === null ? {} : (rules[decision.ruleIndex]?.filter ?? {}),
  );
  const pick = <K extends keyof RuleFilter>(key: K, fallback: NonNullable<RuleFilter[K]>) =>
    ruleFilters.map((f) => f[key] ?? fallback) as NonNullable<RuleFilter[K]>[];
  const attachmentDefault = settings.attachments?.action ?? 'allow';
  return {
    virus: strictest(pick('virusAction', settings.virusAction), virusRank, settings.virusAction),
    unavailable: strictest(
      pick('clamdUnavailable', settings.clamdUnavailable),
      unavailableRank,
      settings.clamdUnavailable,
    ),
    attachment: strictest(
      pick('attachmentAction', attachmentDefault),
      attachmentRank,
      attachmentDefault,
    ),
  };
}

/**
 * The largest message sent to spamd: spamc's own limit (its -s default, 500 KB), which passes a
 * larger message on unscored; spam is small, and spamd reads the whole message into memory.
 */
export const spamCheckMaxBytes = 500 * 1024;

/**
 * How long a spamd that did not answer in time is not asked: each message would wait out the
 * whole timeout for the same unscored outcome, and the clients' sessions pile up meanwhile.
 */
export const spamdHungRestMs = 30_000;

interface SpamScore {
  isSpam: boolean;
  score: number;
  required: number;
}

interface SpamScoring {
  score: SpamScore | null;
  problem: string | null;
  /** spamd could not be asked or failed (null: it answered, or it was not asked). */
  unavailable: SpamdUnavailableError | null;
}

/** spamd's CHECK verdict on a message, or why it has none (never an error for the client). */
async function scoreSpam(
  spamd: NonNullable<FilterSettings['spamassassin']>,
  raw: MessageSource,
): Promise<SpamScoring> {
  const size = sourceSize(raw);
  if (size > spamCheckMaxBytes) {
    return {
      score: null,
      problem: `not spam-checked: ${size} bytes is over the ${spamCheckMaxBytes} spamd is sent (spamc's limit)`,
      unavailable: null,
    };
  }
  try {
    const reply = await askSpamd(spamd, 'CHECK', await readSource(raw), spamdTimeoutMs);
    // "True ; 1000.0 / 5.0": spamd's verdict, the score and its required_score
    const verdict = /^(\w+)\s*;\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)/.exec(reply.headers.spam ?? '');
    if (!verdict) {
      return {
        score: null,
        problem: `not spam-checked: spamd answered without a verdict (Spam header ${JSON.stringify(reply.headers.spam ?? '')})`,
        unavailable: null,
      };
    }
    return {
      score: {
        isSpam: /^(true|yes)$/i.test(verdict[1] as string),
        score: Number(verdict[2]),
        required: Number(verdict[3]),
      },
      problem: null,
      unavailable: null,
    };
  } catch (err) {
    // as amavis passes mail on when SpamAssassin fails: a missing score is no reason to refuse
    // mail. Never thrown, also since a virus or a content rule may end the message first.
    const unavailable = err instanceof SpamdUnavailableError ? err : null;
    return {
      score: null,
      problem: `not spam-checked: ${(unavailable ?? (err as Error)).message}; passed on unscored`,
      unavailable,
    };
  }
}

/** How deep forwarded messages inside forwarded messages are opened. */
const attachedMessageDepth = 3;

/**
 * The attachments of a message with their content, read by the parse worker (time-boxed). The
 * attachments of an attached message (a forwarded `.eml`) are the recipient's to open as well,
 * so they are listed too.
 */
export async function attachmentParts(
  parser: MessageParser,
  raw: MessageSource,
  depth = 0,
): Promise<AttachmentPart[]> {
  const parts: AttachmentPart[] = [];
  for (const part of await parser.parts(raw)) {
    parts.push(part);
    if (depth < attachedMessageDepth && /^message\/(?:rfc822|global)$/i.test(part.contentType)) {
      const within = part.fileName || 'an attached message';
      for (const inner of await attachmentParts(parser, part.content, depth + 1)) {
        parts.push({ ...inner, within: inner.within ?? within });
      }
    }
  }
  return parts;
}

export interface FilterInput {
  /** The record being made (the MIME parse runs in a worker meanwhile). */
  record: Promise<MessageRecord>;
  /** The message as received, streamed to clamd in chunks (no copy), parsed by the worker. */
  raw: MessageSource;
}

export class MessageFilter {
  /** The client for the address and timeout in the settings now, made again when they change. */
  private client: { key: string; clamd: ClamdClient | null } = { key: '', clamd: null };
  /** The spamd that last did not answer in time, and until when it is not asked. */
  private spamdHung: { where: string; until: number; why: string } | null = null;

  constructor(
    private readonly settings: FilterSettings,
    /** Read at each message: rules saved in the Settings apply to the next one. */
    private readonly rules: () => readonly RoutingRule[],
    private readonly parser: MessageParser,
    private readonly now: () => number,
    /**
     * After each scan: null when clamd answered (a verdict, or its StreamMaxLength refusal),
     * else why it did not. FilterControl says when clamd is lost and when it is back.
     */
    private readonly scannerAnswered: (
      error: ClamdUnavailableError | null,
      scanner: ClamdClient,
    ) => void = () => undefined,
    /**
     * Why clamd is hung, while it is asked again every few seconds (FilterControl); else null.
     * A hung clamd (stopped, swapping) takes the connection and never answers, so each message
     * waited out the whole scan timeout, a minute by default, before its 451, and the clients'
     * sessions piled up: meanwhile a message is not sent to it.
     */
    private readonly scannerHung: () => string | null = () => null,
    /**
     * After each message spamd was asked about: null when it answered, else why not.
     * FilterControl says once when spamd stops answering and once when it is back: the notes of
     * each message passed on unscored were all that told of it.
     */
    private readonly spamdAnswered: (
      /** `spamd at HOST:PORT`, as its errors name it. */
      spamd: string,
      error: SpamdUnavailableError | null,
    ) => void = () => undefined,
  ) {}

  /**
   * The clamd the settings name now: an address changed in Settings applies to the next
   * message. Made once at start, it kept scanning at the old address until a restart while the
   * scanner strip named the new one.
   */
  private get clamd(): ClamdClient | null {
    const { clamd, clamdTimeoutSeconds } = this.settings;
    const key = clamd ? `${describeClamdAddress(clamd)} ${clamdTimeoutSeconds}` : '';
    if (key !== this.client.key) {
      this.client = {
        key,
        clamd: clamd ? new ClamdClient(clamd, { scanTimeoutMs: clamdTimeoutSeconds * 1000 }) : null,
      };
    }
    return this.client.clamd;
  }

  /** Whether any check is configured; without one, messages take the plain store path. */
  get enabled(): boolean {
    return (
      this.clamd !== null ||
      this.spamd !== null ||
      this.settings.attachments !== null ||
      this.settings.contentRules.length > 0
    );
  }

  /** The spamd whose verdict the filter acts on: none while spamAction is off. */
  private get spamd(): FilterSettings['spamassassin'] {
    return this.settings.spamAction === 'off' ? null : this.settings.spamassassin;
  }

  get scanner(): ClamdClient | null {
    return this.clamd;
  }

  /**
   * Scans and inspects one spooled message. Throws a MessageRefusal (the SMTP reply) when it must
   * be refused or deferred; otherwise returns the verdict to keep with it.
   */
  async inspect(input: FilterInput): Promise<FilterVerdict> {
    // the scan starts at once and runs while the parse worker reads the MIME structure
    const clamd = this.clamd;
    const hung = clamd ? this.scannerHung() : null;
    const scanning =
      hung !== null
        ? Promise.resolve({
            result: null,
            error: new ClamdUnavailableError(
              `${hung} when last asked; not sent to it until it answers again (asked every few seconds)`,
            ),
          })
        : clamd?.scan(input.raw).then(
            (result) => {
              this.scannerAnswered(null, clamd);
              return { result, error: null };
            },
            (error: unknown) => {
              if (error instanceof ClamdUnavailableError)
                // its size limit is an answer: clamd is up
                this.scannerAnswered(error instanceof ClamdSizeLimitError ? null : error, clamd);
              return { result: null, error };
            },
          );
    const spamd = this.spamd;
    const spamScoring = spamd ? this.scoreSpam(spamd, input.raw) : null;
    // the content rules (header_checks, body_checks) first, as Postfix's cleanup reads the
    // message before any content filter: their reject or discard ends it
    const content = await inspectContent(this.settings.contentRules, input.raw);
    // the record being made is not waited for when the message stops here
    if (content.stop) input.record.catch(() => undefined);
    if (content.stop?.action === 'reject') {
      throw new MessageRefusal(550, `5.7.1 ${content.stop.text}`, content.stop.reason);
    }
    if (content.stop?.action === 'discard') {
      throw new MessageDiscard(
        `${content.stop.reason}: discarded${content.stop.text ? ` (${content.stop.text})` : ''}`,
        content.stop.rule,
      );
    }
    const record = await input.record;
    const choices = filterChoices(this.settings, this.rules(), record.envelope);
    const reasons: string[] = [];
    let scan: FilterVerdict['scan'] = 'off';
    let signature: string | null = null;
    let quarantine = false;
    let tag = false;

    if (scanning) {
      const { result, error: err } = await scanning;
      if (result) {
        signature = result.signature;
        scan = signature ? 'infected' : 'clean';
      } else {
        if (!(err instanceof ClamdUnavailableError)) throw err;
        if (choices.unavailable === 'defer' && err instanceof ClamdSizeLimitError) {
          // a 451 here would be answered again at every retry until the sender gives up days
          // later; a permanent refusal tells the sender now
          throw new MessageRefusal(
            552,
            '5.3.4 Message too large for the virus scanner',
            `not scanned: ${err.message}; refused (clamdUnavailable=defer); raise StreamMaxLength in clamd.conf to at least maxSize, or set clamdUnavailable to accept`,
          );
        }
        if (choices.unavailable === 'defer') {
          throw new MessageRefusal(
            451,
            '4.7.0 Virus scanner unavailable; try again later',
            `not scanned: ${err.message}; deferred (clamdUnavailable=defer)`,
          );
        }
        scan = 'not-scanned';
        tag = true;
        reasons.push(`not scanned: ${err.message} (accepted because clamdUnavailable=accept)`);
      }
      if (signature) {
        const reason = `virus found: ${signature}`;
        if (choices.virus === 'reject') {
          throw new MessageRefusal(
            554,
            `5.7.0 Message rejected: virus found: ${signature}`,
            reason,
          );
        }
        reasons.push(reason);
        if (choices.virus === 'quarantine') quarantine = true;
        else tag = true;
      }
    }

    let spam: SpamScore | null = null;
    if (spamScoring) {
      const scored = await spamScoring;
      spam = scored.score;
      if (scored.problem) reasons.push(scored.problem);
      if (spam?.isSpam) {
        // one decimal, as SpamAssassin's own X-Spam-Status says it
        const score = spam.score.toFixed(1);
        const required = spam.required.toFixed(1);
        const reason = `spam: spamd scored it ${score} (required ${required})`;
        if (this.settings.spamAction === 'reject') {
          throw new MessageRefusal(
            554,
            `5.7.1 Message rejected as spam (score ${score}, required ${required})`,
            reason,
          );
        }
        reasons.push(reason);
        if (this.settings.spamAction === 'quarantine') quarantine = true;
        else tag = true;
      }
    }

    const policy = this.settings.attachments;
    const summary = record.summary;
    if (policy && choices.attachment !== 'allow') {
      const findings = await this.policyFindings(input.raw, summary, policy);
      if (findings.length > 0) {
        const first = findings[0]?.reason ?? '';
        if (choices.attachment === 'reject') {
          throw new MessageRefusal(554, `5.7.1 Message rejected: ${ascii(first)}`, first);
        }
        quarantine = true;
        reasons.push(...findings.map((f) => f.reason));
      }
    }
    reasons.push(...content.reasons);
    const changed = content.reasons.length > 0;
    return {
      action: quarantine
        ? 'quarantined'
        : content.hold
          ? 'held'
          : tag || changed
            ? 'tagged'
            : 'accepted',
      scan,
      signature,
      ...(spam ? { spam } : {}),
      reasons,
      at: new Date(this.now()).toISOString(),
      ...(content.hold ? { hold: content.hold } : {}),
      ...(content.edits.length > 0 ? { edits: content.edits } : {}),
    };
  }

  /** spamd's verdict, unless it did not answer in time a moment ago: then it is not asked. */
  private async scoreSpam(
    spamd: NonNullable<FilterSettings['spamassassin']>,
    raw: MessageSource,
  ): Promise<SpamScoring> {
    const where = `spamd at ${spamdAddressText(spamd)}`;
    const hung = this.spamdHung;
    if (hung && hung.where === where && this.now() < hung.until) {
      return {
        score: null,
        problem: `not spam-checked: ${where} did not answer in time when last asked (${hung.why}); not asked again until ${new Date(hung.until).toISOString()}; passed on unscored`,
        unavailable: null,
      };
    }
    const scored = await scoreSpam(spamd, raw);
    if (scored.unavailable?.timedOut)
      this.spamdHung = {
        where,
        until: this.now() + spamdHungRestMs,
        why: scored.unavailable.reason,
      };
    else if (scored.problem === null) this.spamdHung = null;
    if (scored.problem === null || scored.unavailable)
      this.spamdAnswered(where, scored.unavailable);
    return scored;
  }

  /**
   * What the attachment policy finds. A message whose MIME structure cannot be read (a part's
   * header over mailsplit's 1 MB, for one) cannot have its attachments checked: padding a message
   * must not carry a program past the policy, so that is a finding too.
   */
  private async policyFindings(
    raw: MessageSource,
    summary: MessageRecord['summary'],
    policy: AttachmentPolicy,
  ): Promise<Array<{ reason: string }>> {
    const unreadable = (why: string) => [
      {
        reason: `the message's MIME structure could not be read (${why}), so its attachments cannot be checked`,
      },
    ];
    if (summary.parseError !== null) return unreadable(summary.parseError);
    if (summary.attachments + summary.inline === 0) return [];
    let parts: AttachmentPart[];
    try {
      parts = await attachmentParts(this.parser, raw);
    } catch (err) {
      return unreadable((err as Error).message);
    }
    return inspectAttachments(parts, policy);
  }
}

/** SMTP replies are one line of ASCII (RFC 5321 §4.2); the reason may quote a file name. */
function ascii(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 400 ? `${clean.slice(0, 397)}...` : clean;
}

/**
 * Puts the verdict on the record: a quarantined message goes to the `quarantine` mailbox with no
 * delivery (so it is never relayed), tagged; a tagged one keeps its route with a tag.
 */
export function applyVerdict(record: MessageRecord, verdict: FilterVerdict): MessageRecord {
  const tags = new Set(record.tags);
  if (verdict.scan === 'infected') tags.add('virus');
  if (verdict.scan === 'not-scanned') tags.add('not-scanned');
  if (verdict.spam?.isSpam) tags.add('spam');
  const notes = [...record.notes, ...verdict.reasons];
  if (verdict.action === 'held') {
    // born held (Postfix's HOLD): its recipients wait in the queue for a person, with the
    // rule as the reason the queue and the message view show, until released or cancelled
    const reason = verdict.hold ?? 'held by a content rule';
    const now = new Date(verdict.at);
    const delivery = record.delivery?.map((r) =>
      r.state === 'pending' // a hold takes nothing of the retry schedule
        ? applyDelivery(r, { type: 'hold', reason }, now, defaultRetrySchedule)
        : r,
    );
    return {
      ...record,
      tags: [...tags],
      notes: delivery
        ? notes
        : [...notes, `${reason}; captured here, so nothing waits to be relayed`],
      filter: verdict,
      ...(delivery ? { delivery } : {}),
    };
  }
  if (verdict.action !== 'quarantined') {
    return { ...record, tags: [...tags], notes, filter: verdict };
  }
  tags.add('quarantined');
  const { delivery: _delivery, ...rest } = record;
  return {
    ...rest,
    mailbox: quarantineMailbox,
    tags: [...tags],
    notes: [...notes, `quarantined: kept here and never relayed (was for ${record.mailbox})`],
    filter: verdict,
  };
}
