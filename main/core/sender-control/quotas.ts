// Sending quotas per SMTP user and per client IP (the `quotas` setting): messages per minute,
// hour and day, and recipients per day, counted for each user or IP on its own. Over a message
// quota MAIL gets `451 4.7.1` (try later, RFC 3463 "delivery not authorized"); over the
// recipient quota RCPT gets `452 4.5.3` (too many recipients), so a client sends what it has
// and retries the rest later, as RFC 5321 §4.5.3.1.10 expects.
import { z } from 'zod';
import { parseSettingsList } from './settings-list.js';
import type { QuotaUsageView } from '../../../preload/filter-contract.js';
import { inCidr, parseCidr, parseIp, type CidrRange } from '../net/ip-address.js';
import {
  matchesPattern,
  parseAddressPattern,
  type AddressPattern,
} from '../routing-rules/index.js';
import { objectError, show } from '../routing-rules/settings-errors.js';
import type { QuotaCount, QuotaJournal } from './quota-journal.js';
import { userPatternProblem } from './user-pattern.js';

export interface Quota {
  name: string | null;
  /** The users it counts (each on its own); null when it counts client IPs. */
  user: AddressPattern | null;
  /** The client IPs it counts (each on its own); null when it counts users. */
  ip: CidrRange | null;
  perMinute: number;
  perHour: number;
  perDay: number;
  recipientsPerDay: number;
}

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const windows = [
  ['perMinute', minute, 'a minute'],
  ['perHour', hour, 'an hour'],
  ['perDay', day, 'a day'],
] as const;

/** `1 message`, `20 messages`: the reply a client logs and an admin reads. */
function counted(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

const limitKeys = ['perMinute', 'perHour', 'perDay', 'recipientsPerDay'] as const;

/** A limit's problem, or null: a whole number from 0 (no limit) up, or nothing. */
function limitProblem(at: string, key: string, input: unknown): string | null {
  if (
    input === undefined ||
    (typeof input === 'number' && Number.isInteger(input) && input >= 0 && input <= 10_000_000)
  )
    return null;
  return `${at}.${key}: ${show(input)} is not valid; use a whole number from 0 (no limit) to 10000000`;
}

/** The longest quota name: it is shown in the Senders panel and in each refusal's log line. */
const QUOTA_NAME_MAX = 100;

function nameProblem(at: string, name: unknown): string | null {
  if (name === undefined) return null;
  if (typeof name !== 'string')
    return `${at}.name: ${show(name)} is not a name; give a short text such as "office", or leave it out`;
  if (name.length > QUOTA_NAME_MAX)
    return `${at}.name: ${show(name)} is ${name.length} characters; use at most ${QUOTA_NAME_MAX}`;
  return null;
}

function quotaSchema(at: string) {
  // The limits are checked in the transform with the rest: a field schema that fails stops the
  // object's transform, and an hour limit of -1 would hide a bad CIDR in the same quota.
  return z
    .strictObject(
      {
        // unknown here and checked below with the limits: a name over 100 characters or a user
        // that is no text refused by zod before the transform hid the entry's other problems
        name: z.unknown().optional(),
        user: z.unknown().optional(),
        ip: z.unknown().optional(),
        perMinute: z.unknown().optional(),
        perHour: z.unknown().optional(),
        perDay: z.unknown().optional(),
        recipientsPerDay: z.unknown().optional(),
      },
      {
        error: objectError(
          at,
          'name, user or ip, perMinute, perHour, perDay and recipientsPerDay',
          '{"user": "*", "perHour": 100, "recipientsPerDay": 1000}',
        ),
      },
    )
    .transform((value, ctx): Quota => {
      const problems: string[] = [];
      let user: AddressPattern | null = null;
      let ip: CidrRange | null = null;
      const name = nameProblem(at, value.name);
      if (name) problems.push(name);
      if ((value.user === undefined) === (value.ip === undefined)) {
        problems.push(
          `${at}: give either "user" (a name or glob, "*" for every user) or "ip" (a CIDR such as "0.0.0.0/0" for every client), not ${value.user === undefined ? 'neither' : 'both'}`,
        );
      } else if (value.user !== undefined && typeof value.user !== 'string') {
        problems.push(
          `${at}.user: ${show(value.user)} is not a user name or glob; give a name such as "scanner", "*@example.com", or "*" for every user`,
        );
      } else if (value.ip !== undefined && typeof value.ip !== 'string') {
        problems.push(
          `${at}.ip: ${show(value.ip)} is not a CIDR; use e.g. 192.168.1.0/24, or 0.0.0.0/0 and ::/0 for every client`,
        );
      } else if (typeof value.user === 'string') {
        const parsed = parseAddressPattern(value.user);
        // a user no name can be (`@example.com`) would be a quota that limits nobody
        const problem = 'problem' in parsed ? parsed.problem : userPatternProblem(value.user);
        if ('problem' in parsed || problem !== null)
          problems.push(`${at}.user: ${show(value.user)} ${problem}`);
        else user = parsed.pattern;
      } else {
        ip = parseCidr(value.ip as string);
        if (!ip)
          problems.push(
            `${at}.ip: ${show(value.ip)} is not a CIDR; use e.g. 192.168.1.0/24, or 0.0.0.0/0 and ::/0 for every client`,
          );
      }
      for (const key of limitKeys) {
        const problem = limitProblem(at, key, value[key]);
        if (problem) problems.push(problem);
      }
      const limit = (key: (typeof limitKeys)[number]): number => (value[key] as number) ?? 0;
      if (problems.length === 0 && limitKeys.every((k) => !limit(k))) {
        problems.push(`${at}: no limit given; set perMinute, perHour, perDay or recipientsPerDay`);
      }
      if (problems.length > 0) {
        for (const message of problems) ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return {
        name: typeof value.name === 'string' ? value.name : null,
        user,
        ip,
        perMinute: limit('perMinute'),
        perHour: limit('perHour'),
        perDay: limit('perDay'),
        recipientsPerDay: limit('recipientsPerDay'),
      };
    });
}

/** Parses the `quotas` list; throws an Error whose message names the entry and the field. */
export function parseQuotas(raw: unknown): Quota[] {
  return parseSettingsList(
    'quotas',
    raw,
    'a list such as [{"user": "*", "perHour": 100}]',
    quotaSchema,
  );
}

/** A quota as settings and the usage API show it. */
export function quotaSource(quota: Quota): Record<string, unknown> {
  return {
    ...(quota.name ? { name: quota.name } : {}),
    ...(quota.user ? { user: quota.user.source } : { ip: quota.ip?.source }),
    ...Object.fromEntries(limitKeys.filter((k) => quota[k] > 0).map((k) => [k, quota[k]])),
  };
}

export interface QuotaSender {
  clientIp: string;
  user: string | null;
}

export interface QuotaRefusal {
  code: number;
  message: string;
  reason: string;
}

interface Usage {
  /** Times messages were accepted, oldest first, for the last day. */
  messages: number[];
  /** Times and counts of accepted recipients, for the last day. */
  recipients: Array<{ at: number; count: number }>;
}

export type { QuotaUsageView };

/** Whether a quota counts a sender key (`user NAME` or `ip ADDRESS`). */
function counts(quota: Quota, key: string): boolean {
  const space = key.indexOf(' ');
  const kind = key.slice(0, space);
  const value = key.slice(space + 1);
  if (kind === 'user') return quota.user !== null && matchesPattern(quota.user, value);
  const address = kind === 'ip' ? parseIp(value) : null;
  return quota.ip !== null && address !== null && inCidr(address, quota.ip);
}

/** A message received over SMTP, as the message index has it. */
export interface QuotaArrival extends QuotaSender {
  at: number;
  recipients: number;
}

/** The quotas that count this sender, with the key its usage is kept under. */
function matchingIn(
  quotas: readonly Quota[],
  sender: QuotaSender,
): Array<{ quota: Quota; key: string }> {
  const out: Array<{ quota: Quota; key: string }> = [];
  const address = parseIp(sender.clientIp);
  for (const quota of quotas) {
    if (quota.user) {
      if (sender.user === null || !matchesPattern(quota.user, sender.user)) continue;
      out.push({ quota, key: `user ${sender.user}` });
    } else if (quota.ip && address && inCidr(address, quota.ip)) {
      out.push({ quota, key: `ip ${address.toString()}` });
    }
  }
  return out;
}

/**
 * The usage is kept per sender key (`user alice`, `ip 192.0.2.7`), not per quota, so a quota's
 * limits can change across a restart without its usage being forgotten. With a journal the
 * counts survive a restart (see quota-journal.ts).
 */
export class QuotaLedger {
  private readonly usage = new Map<string, Usage>();
  /**
   * Messages past their end of DATA and not yet stored (fsync, virus scan), per sender key.
   * Counted by the checks, so concurrent sessions cannot all pass on the same free place.
   */
  private readonly inFlight = new Map<string, Array<{ at: number; count: number }>>();
  /**
   * Whether the journal is being written to. With no quota at start it stays closed until a
   * quota saved later first counts a message (no file for those who never set a quota).
   */
  private journalState: 'closed' | 'reading' | 'open' = 'closed';
  private stopped = false;

  /** The quotas the counters were last made for; a save replaces the settings' list. */
  private countedFor: readonly Quota[] | null = null;

  /**
   * `quotas` may be a getter: a quota saved in the settings then applies from the next MAIL.
   * `arrivals`: the messages received over SMTP since a time (the message index), which a quota
   * saved while running counts from its first check.
   */
  constructor(
    private readonly source: readonly Quota[] | (() => readonly Quota[]),
    private readonly now: () => number,
    private readonly journal: QuotaJournal | null = null,
    private readonly arrivals: ((since: number) => Iterable<QuotaArrival>) | null = null,
  ) {}

  private get quotas(): readonly Quota[] {
    const quotas = typeof this.source === 'function' ? this.source() : this.source;
    if (quotas !== this.countedFor) this.recount(quotas);
    return quotas;
  }

  /**
   * The settings' quotas were saved: counted now, at the save, so the index is read then and
   * not on the SMTP path by the next MAIL (the getter above still counts a change made any other
   * way). Does nothing when the list is the one already counted for.
   */
  quotasSaved(): void {
    void this.quotas;
  }

  /**
   * After the quotas changed: a sender a new or changed quota counts, and no quota counted
   * before, is counted from the mail it sent in the last day, as the index has it. Counted only
   * from the save, "100 an hour" set mid-incident let a stolen login send another 100 at once.
   * A sender an earlier quota already counted keeps its counters (complete since that quota was
   * saved, and they include mail deleted since); one no quota counts now is forgotten, so a
   * quota on it later is counted afresh rather than with a gap.
   */
  private recount(quotas: readonly Quota[], atStart = false): void {
    const before = this.countedFor;
    this.countedFor = quotas;
    // before load(): the journal is not read yet, and load() counts
    if ((before === null && !atStart) || !this.arrivals) return;
    const now = this.now();
    const fresh = new Map<string, Usage>();
    for (const arrival of this.arrivals(now - day)) {
      for (const { key } of matchingIn(quotas, arrival)) {
        // at start the journal's counts stand; a sender it has none of (a quota added to the
        // settings file while stopped, or one counted from the index and not yet written) is
        // counted from the index
        const kept = atStart || matchingIn(before ?? [], arrival).some((m) => m.key === key);
        if (this.usage.has(key) && kept) continue;
        const usage = fresh.get(key) ?? { messages: [], recipients: [] };
        usage.messages.push(arrival.at);
        usage.recipients.push({ at: arrival.at, count: arrival.recipients });
        fresh.set(key, usage);
      }
    }
    for (const key of [...this.usage.keys()]) {
      if (!quotas.some((quota) => counts(quota, key))) this.usage.delete(key);
    }
    for (const [key, usage] of fresh) this.usage.set(key, usage);
    // a journal not open yet (no quota at start) is opened now: it writes these with the rest
    if (fresh.size > 0 && this.journalState === 'closed') void this.openJournal();
    else if (fresh.size > 0 && this.journalState === 'open')
      this.journal?.append(
        [...fresh].flatMap(([key, usage]) =>
          usage.messages.map((at, i) => ({
            key,
            at,
            recipients: usage.recipients[i]?.count ?? 0,
          })),
        ),
        () => this.live(),
      );
  }

  /** Reads the counts the journal kept (the last day's), then appends to it. */
  async load(): Promise<void> {
    const quotas = typeof this.source === 'function' ? this.source() : this.source;
    if (quotas.length === 0) return;
    await this.openJournal();
    this.recount(quotas, true);
  }

  private async openJournal(): Promise<void> {
    const journal = this.journal;
    if (!journal || this.journalState !== 'closed') return;
    this.journalState = 'reading';
    for (const count of await journal.load(this.now() - day)) {
      const usage = this.usage.get(count.key) ?? { messages: [], recipients: [] };
      usage.messages.push(count.at);
      usage.recipients.push({ at: count.at, count: count.recipients });
      this.usage.set(count.key, usage);
    }
    if (this.stopped) return;
    // what was counted while the file was read is in memory, so in `live()`: written once; from
    // here on appends are held by the journal until its rewrite is in place
    const opened = journal.open(this.live());
    this.journalState = 'open';
    await opened;
    if (this.stopped) void journal.close();
  }

  /** Resolves once the counters file is synced and closed. */
  async close(): Promise<void> {
    this.stopped = true;
    await this.journal?.close();
  }

  /** Every count still within the day, for rewriting the journal. */
  private live(): QuotaCount[] {
    const out: QuotaCount[] = [];
    for (const key of this.usage.keys()) {
      const usage = this.used(key);
      usage.messages.forEach((at, i) =>
        out.push({ key, at, recipients: usage.recipients[i]?.count ?? 0 }),
      );
    }
    return out;
  }

  /** The quotas that count this sender, with the key its usage is kept under. */
  private matching(sender: QuotaSender): Array<{ quota: Quota; key: string }> {
    return matchingIn(this.quotas, sender);
  }

  private used(key: string): Usage {
    const now = this.now();
    const usage = this.usage.get(key) ?? { messages: [], recipients: [] };
    usage.messages = usage.messages.filter((t) => t > now - day);
    usage.recipients = usage.recipients.filter((r) => r.at > now - day);
    this.usage.set(key, usage);
    return usage;
  }

  /** At MAIL: whether one more message is within every message quota of this sender. */
  checkMessage(sender: QuotaSender): QuotaRefusal | null {
    const now = this.now();
    for (const { quota, key } of this.matching(sender)) {
      const usage = this.used(key);
      const storing = (this.inFlight.get(key) ?? []).map((m) => m.at);
      for (const [limitKey, span, words] of windows) {
        const limit = quota[limitKey];
        if (!limit) continue;
        const inWindow = [...usage.messages, ...storing]
          .filter((t) => t > now - span)
          .sort((a, b) => a - b);
        if (inWindow.length < limit) continue;
        const freeAt = new Date((inWindow[inWindow.length - limit] as number) + span);
        return {
          code: 451,
          message: `4.7.1 Quota exceeded for ${key}: at most ${counted(limit, 'message')} ${words}; try again after ${freeAt.toISOString()}`,
          reason: `quota ${quota.name ?? limitKey} (${key}: ${inWindow.length}/${limit} ${words})`,
        };
      }
    }
    return null;
  }

  /** At RCPT: whether one more recipient (after `already` in this transaction) fits the day's quota. */
  checkRecipient(sender: QuotaSender, already: number): QuotaRefusal | null {
    for (const { quota, key } of this.matching(sender)) {
      const limit = quota.recipientsPerDay;
      if (!limit) continue;
      const today = [...this.used(key).recipients, ...(this.inFlight.get(key) ?? [])].reduce(
        (sum, r) => sum + r.count,
        0,
      );
      if (today + already < limit) continue;
      return {
        code: 452,
        message: `4.5.3 Recipient quota exceeded for ${key}: at most ${counted(limit, 'recipient')} a day; try the rest later`,
        reason: `quota ${quota.name ?? 'recipientsPerDay'} (${key}: ${today + already}/${limit} recipients a day)`,
      };
    }
    return null;
  }

  /**
   * At end of DATA: checks the whole message again, now counting the messages other sessions
   * have past their end of DATA (MAIL passed them all on the same free place), and holds its
   * place until `done` is called (after `record`, or when it was not stored after all).
   */
  reserve(sender: QuotaSender, recipients: number): QuotaRefusal | { done: () => void } {
    const refusal =
      this.checkMessage(sender) ?? this.checkRecipient(sender, Math.max(0, recipients - 1));
    if (refusal) return refusal;
    const place = { at: this.now(), count: recipients };
    const keys = new Set(this.matching(sender).map((m) => m.key));
    for (const key of keys) this.inFlight.set(key, [...(this.inFlight.get(key) ?? []), place]);
    return {
      done: () => {
        for (const key of keys) {
          const left = (this.inFlight.get(key) ?? []).filter((p) => p !== place);
          if (left.length > 0) this.inFlight.set(key, left);
          else this.inFlight.delete(key);
        }
      },
    };
  }

  /** Counts an accepted message against every quota of its sender. */
  record(sender: QuotaSender, recipients: number): void {
    const now = this.now();
    const keys = new Set(this.matching(sender).map((m) => m.key));
    for (const key of keys) {
      const usage = this.used(key);
      usage.messages.push(now);
      usage.recipients.push({ at: now, count: recipients });
    }
    if (keys.size === 0) return;
    if (this.journalState === 'closed') {
      // the first count under a quota saved while running: opening writes it with the rest
      void this.openJournal();
      return;
    }
    if (this.journalState !== 'open') return;
    this.journal?.append(
      [...keys].map((key) => ({ key, at: now, recipients })),
      () => this.live(),
    );
  }

  /** What each user and IP has used of each quota that counts it, for the usage API. */
  view(): QuotaUsageView[] {
    const now = this.now();
    // first: a change of the quotas recounts the usage read below
    const quotas = this.quotas;
    const rows: Array<{ order: string; view: QuotaUsageView }> = [];
    for (const key of [...this.usage.keys()]) {
      const usage = this.used(key);
      if (usage.messages.length === 0) continue;
      for (const [index, quota] of quotas.entries()) {
        if (!counts(quota, key)) continue;
        rows.push({
          order: `${index} ${key}`,
          view: {
            quota: quotaSource(quota),
            key,
            lastMinute: usage.messages.filter((t) => t > now - minute).length,
            lastHour: usage.messages.filter((t) => t > now - hour).length,
            lastDay: usage.messages.length,
            recipientsLastDay: usage.recipients.reduce((sum, r) => sum + r.count, 0),
          },
        });
      }
    }
    return rows
      .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
      .map((r) => r.view);
  }
}
