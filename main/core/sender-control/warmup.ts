// IP warm-up per upstream: a new dedicated sending IP must start slow and rise day by day, or
// the big mailbox providers throttle or block it. The schedule is a list of daily caps (day 1,
// day 2, …; the last holds after that). What exceeds the day's cap is not refused: it waits in
// the queue, deferred to the start of the next day of the schedule, with that time shown.
import { z } from 'zod';
import { parseSettingsList } from './settings-list.js';
import type { WarmupStatus } from '../../../preload/filter-contract.js';
import { objectError, show } from '../routing-rules/settings-errors.js';

/**
 * `dedicated-ip`: the daily volumes of Twilio SendGrid's suggested IP warm-up schedule
 * ("Email Guide for IP Warm Up", linked from
 * https://www.twilio.com/docs/sendgrid/concepts/reputation/warm-up-ip-addresses): 50, 100,
 * 500, 1,000, 5,000 … doubling towards 8 million a day from day 18. Mailgun's and Amazon SES's
 * published ramps have the same shape (start in the tens, roughly double daily).
 */
export const warmupPresets: Record<string, readonly number[]> = {
  'dedicated-ip': [
    50, 100, 500, 1000, 5000, 10_000, 20_000, 40_000, 70_000, 100_000, 150_000, 250_000, 400_000,
    600_000, 1_000_000, 2_000_000, 4_000_000, 8_000_000,
  ],
};

export interface WarmupSchedule {
  /** The upstream host it applies to, as in the relay settings. */
  upstream: string;
  /** When day 1 began (ms since the epoch). */
  start: number;
  /** Messages per day (recipients, as providers count them), day 1 first. */
  caps: number[];
  preset: string | null;
}

const day = 86_400_000;

function scheduleSchema(at: string) {
  const notDate = (value: unknown) =>
    `${at}.start: ${show(value)} is not a date; give the first day as "2026-12-01" or a full ISO time`;
  // every field is checked in the transform, each problem said: a field schema that fails stops
  // the object's transform, and a bad start would hide a bad preset in the same schedule
  return z
    .strictObject(
      {
        upstream: z.unknown().optional(),
        start: z.unknown().optional(),
        preset: z.unknown().optional(),
        caps: z.unknown().optional(),
      },
      {
        error: objectError(
          at,
          'upstream, start, preset and caps',
          '{"upstream": "smtp.sendgrid.net", "start": "2026-12-01", "preset": "dedicated-ip"}',
        ),
      },
    )
    .transform((value, ctx): WarmupSchedule => {
      const problems: string[] = [];
      const host = `give the upstream's host name as in the relay settings, e.g. "smtp.sendgrid.net"`;
      if (value.upstream === undefined) problems.push(`${at}.upstream is missing; ${host}`);
      else if (typeof value.upstream !== 'string')
        problems.push(`${at}.upstream: ${show(value.upstream)} is not a host; ${host}`);
      const start = typeof value.start === 'string' ? Date.parse(value.start) : Number.NaN;
      if (value.start === undefined)
        problems.push(
          `${at}.start is missing; give the first day as "2026-12-01" or a full ISO time`,
        );
      else if (Number.isNaN(start)) problems.push(notDate(value.start));
      let caps: number[] | undefined;
      if (value.caps !== undefined) {
        if (
          !Array.isArray(value.caps) ||
          value.caps.length === 0 ||
          !value.caps.every((c) => typeof c === 'number' && Number.isInteger(c) && c >= 1)
        ) {
          problems.push(
            `${at}.caps: ${show(value.caps)} is not a list of daily caps; give whole numbers from 1 up, day 1 first, e.g. [50, 100, 500]`,
          );
        } else caps = value.caps as number[];
      } else if (value.preset !== undefined) {
        const preset = typeof value.preset === 'string' ? warmupPresets[value.preset] : undefined;
        if (!preset) {
          problems.push(
            `${at}.preset: ${show(value.preset)} is not a preset; use ${Object.keys(warmupPresets)
              .map((p) => `"${p}"`)
              .join(', ')} or give "caps"`,
          );
        } else caps = [...preset];
      } else {
        problems.push(`${at}: give "preset" ("dedicated-ip") or "caps" (daily caps, day 1 first)`);
      }
      if (problems.length > 0 || !caps) {
        for (const message of problems) ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return {
        upstream: (value.upstream as string).toLowerCase(),
        start,
        caps,
        preset: typeof value.preset === 'string' ? value.preset : null,
      };
    });
}

/** Parses the `warmup` list; throws an Error whose message names the entry and the field. */
export function parseWarmup(raw: unknown): WarmupSchedule[] {
  return parseSettingsList(
    'warmup',
    raw,
    'a list such as [{"upstream": "smtp.sendgrid.net", "start": "2026-12-01", "preset": "dedicated-ip"}]',
    scheduleSchema,
  );
}

/** Day `index` (0 = day 1) of a schedule at `now`, with its cap and when it ends. */
export function warmupDay(
  schedule: WarmupSchedule,
  now: number,
): { index: number; cap: number; start: number; end: number } {
  const index = Math.max(0, Math.floor((now - schedule.start) / day));
  const cap = schedule.caps[Math.min(index, schedule.caps.length - 1)] as number;
  const start = schedule.start + index * day;
  return { index, cap, start: Math.max(start, schedule.start), end: start + day };
}

export type { WarmupStatus };

/** Counts what went to one upstream in the current day of its schedule, and holds the rest. */
export class WarmupGate {
  private counted: { dayStart: number; sent: number } | null = null;

  constructor(
    readonly schedule: WarmupSchedule,
    /** Recipients attempted through this upstream since `since` (read from the spool records). */
    private readonly attemptedSince: (since: number) => number,
  ) {}

  private sentToday(now: number): { sent: number; day: ReturnType<typeof warmupDay> } {
    const today = warmupDay(this.schedule, now);
    if (!this.counted || this.counted.dayStart !== today.start) {
      this.counted = { dayStart: today.start, sent: this.attemptedSince(today.start) };
    }
    return { sent: this.counted.sent, day: today };
  }

  /**
   * Whether `recipients` more may go now. When not, the time the next day of the schedule begins
   * and the reason to show. Before the schedule starts, nothing is held.
   */
  take(recipients: number, now: number): { until: number; reason: string } | null {
    if (now < this.schedule.start) return null;
    const { sent, day: today } = this.sentToday(now);
    // a batch larger than the whole cap still goes on a fresh day, or it would wait for ever
    if (sent + recipients <= today.cap || sent === 0) {
      if (this.counted) this.counted.sent += recipients;
      return null;
    }
    return {
      until: today.end,
      reason: `warm-up of ${this.schedule.upstream}: day ${today.index + 1} cap of ${today.cap} reached (${sent} sent); goes at ${new Date(today.end).toISOString()}`,
    };
  }

  /**
   * Recipients it let through whose attempt (started at `startedAt`) got no reply at all: the
   * connection was refused or lost before the upstream answered, so nothing reached the provider
   * and the day's cap is not used up by them. Counted, an outage in the morning used up the day:
   * after it the mail waited for the next day of the schedule.
   */
  unsent(recipients: number, startedAt: number): void {
    if (this.counted && startedAt >= this.counted.dayStart) {
      this.counted.sent = Math.max(0, this.counted.sent - recipients);
    }
  }

  status(now: number): WarmupStatus {
    const { sent, day: today } = this.sentToday(now);
    return {
      upstream: this.schedule.upstream,
      preset: this.schedule.preset,
      day: today.index + 1,
      cap: today.cap,
      sentToday: sent,
      nextDayAt: new Date(today.end).toISOString(),
    };
  }
}
