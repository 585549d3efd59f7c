// Dates for `before:` and `after:`. Mailpit reads them with araddon/dateparse, which takes almost
// any notation; we take the notations its documentation and users actually write, and name them
// in the error when something else is typed. A date without a zone is wall-clock time in the
// searcher's time zone (Mailpit's `tz` parameter: the web UI sends the browser's zone because the
// server may run in UTC), or in the local zone of this machine when none is given.
import {
  fractionMilliseconds,
  instantAtOffset,
  isValidWallTime,
  monthOfAbbreviation,
  MONTH_ABBREVIATIONS,
  numericZoneOffset,
  type WallTime,
} from '../mail/mail-date.js';
import { SearchSyntaxError } from './search-syntax-error.js';

export const DATE_FORMATS =
  'a date such as 2024-01-31, 2024/01/31, 20240131, 01/31/2024 (US order), 31 Jan 2024 or ' +
  'Jan 31, 2024, optionally with a time ("2024-01-31 13:45", 2024-01-31T13:45:00Z, ' +
  '2024-01-31T13:45:00+02:00), or a Unix timestamp in seconds or milliseconds';

export const TIME_ZONE_FORMATS =
  'an IANA time zone name (Europe/Berlin, America/New_York, UTC), Local, or an offset such as ' +
  '+02:00, -0530 or Z';

/** Where wall-clock times without an explicit offset are anchored. */
export type SearchTimeZone =
  | { kind: 'local' }
  | { kind: 'offset'; minutes: number }
  | { kind: 'named'; format: Intl.DateTimeFormat };

const TIME = String.raw`(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?`;
const ZONE = String.raw`\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?`;
const MONTH_NAME = String.raw`(${MONTH_ABBREVIATIONS.join('|')})[a-z]*\.?`;

const YEAR_FIRST = new RegExp(String.raw`^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})${TIME}${ZONE}$`, 'i');
const US_ORDER = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}${ZONE}$`, 'i');
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const DAY_MONTH_YEAR = new RegExp(
  String.raw`^(?:[a-z]{3},?\s+)?(\d{1,2})[\s-]+${MONTH_NAME}[\s,-]+(\d{4})${TIME}${ZONE}$`,
  'i',
);
const MONTH_DAY_YEAR = new RegExp(
  String.raw`^${MONTH_NAME}\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})${TIME}${ZONE}$`,
  'i',
);
const UNIX_SECONDS = /^\d{9,10}$/;
const UNIX_MILLISECONDS = /^\d{12,13}$/;

/** Reads the `tz` a client passed along with its query. */
export function parseSearchTimeZone(zone: string | undefined): SearchTimeZone {
  const value = zone?.trim() ?? '';
  if (value === '' || value.toLowerCase() === 'local') return { kind: 'local' };
  if (/^(z|utc|gmt)$/i.test(value)) return { kind: 'offset', minutes: 0 };
  const offset = numericZoneOffset(value);
  if (offset !== null) return { kind: 'offset', minutes: offset };
  try {
    const format = new Intl.DateTimeFormat('en-US', {
      timeZone: value,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    return { kind: 'named', format };
  } catch {
    throw new SearchSyntaxError(
      'tz',
      value,
      `use ${TIME_ZONE_FORMATS}`,
      'is not a known time zone',
    );
  }
}

/**
 * The instant (ms since the epoch) a `before:`/`after:` value names, or throws SearchSyntaxError.
 * `term` is the operator as typed, for the message.
 */
export function parseSearchDate(term: string, text: string, zone: SearchTimeZone): number {
  const value = text.trim();
  const fail = (): never => {
    throw new SearchSyntaxError(term, text, `use ${DATE_FORMATS}`);
  };

  if (UNIX_SECONDS.test(value)) return Number(value) * 1000;
  if (UNIX_MILLISECONDS.test(value)) return Number(value);

  let wall: WallTime | null = null;
  let zonePart: string | undefined;
  let m: RegExpExecArray | null;
  if ((m = YEAR_FIRST.exec(value))) {
    wall = wallTime(m[1], m[3], m[4], m.slice(5, 9));
    zonePart = m[9];
  } else if ((m = US_ORDER.exec(value))) {
    wall = wallTime(m[3], m[1], m[2], m.slice(4, 8));
    zonePart = m[8];
  } else if ((m = COMPACT.exec(value))) {
    wall = wallTime(m[1], m[2], m[3], []);
  } else if ((m = DAY_MONTH_YEAR.exec(value))) {
    wall = wallTime(m[3], monthNumber(m[2]), m[1], m.slice(4, 8));
    zonePart = m[8];
  } else if ((m = MONTH_DAY_YEAR.exec(value))) {
    wall = wallTime(m[3], monthNumber(m[1]), m[2], m.slice(4, 8));
    zonePart = m[8];
  }
  if (!wall) return fail();

  if (zonePart !== undefined) {
    const minutes = /^(z|utc|gmt)$/i.test(zonePart) ? 0 : numericZoneOffset(zonePart);
    if (minutes === null) return fail();
    return instantAtOffset(wall, minutes);
  }
  return instantInZone(wall, zone);
}

/** The month of a name the MONTH_NAME pattern matched (its first three letters); "0" if none. */
function monthNumber(name: string | undefined): string {
  return String(monthOfAbbreviation((name ?? '').slice(0, 3)) ?? 0);
}

function wallTime(
  year: string | undefined,
  month: string | undefined,
  day: string | undefined,
  time: (string | undefined)[],
): WallTime | null {
  const [hour, minute, second, fraction] = time;
  const wall: WallTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour ?? '0'),
    minute: Number(minute ?? '0'),
    second: Number(second ?? '0'),
    millisecond: fractionMilliseconds(fraction),
  };
  // Date.UTC would roll 2024-02-30 over to March; a typo should be an error instead. A typed
  // date has no leap second.
  return isValidWallTime(wall) && wall.second <= 59 ? wall : null;
}

function instantInZone(wall: WallTime, zone: SearchTimeZone): number {
  switch (zone.kind) {
    case 'offset':
      return instantAtOffset(wall, zone.minutes);
    case 'local': {
      const { year, month, day, hour, minute, second, millisecond } = wall;
      const date = new Date(year, month - 1, day, hour, minute, second, millisecond);
      if (year < 100) date.setFullYear(year);
      return date.getTime();
    }
    case 'named': {
      // The zone's offset depends on the instant (DST), which we are computing: take the offset
      // at the wall time read as UTC, then correct once with the offset at the first guess.
      const asUtc = instantAtOffset(wall, 0);
      const first = asUtc - zoneOffsetMs(zone.format, asUtc);
      const second = zoneOffsetMs(zone.format, first);
      return asUtc - second;
    }
  }
}

/** How far the zone's wall clock is ahead of UTC at `instant`, in ms. */
function zoneOffsetMs(format: Intl.DateTimeFormat, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wallAsUtc = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wallAsUtc - (instant - (((instant % 1000) + 1000) % 1000));
}
