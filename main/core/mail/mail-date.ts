// Dates as mail writes them, read and written in one place: the month and day names, zone offsets,
// RFC 5322 §3.3 date-time with the obsolete forms of §4.3 that real servers still write (no day
// name, two-digit years, named zones), fractional seconds, ISO 8601, ctime(3), month first with the
// year before the time, and the Go
// `time.Time.String()` form SendGrid uses (`2025-03-06 15:10:42.345012345 +0000 UTC m=+…`).
// Received fields, search's `before:`/`after:` and our own Received stamp and DSNs all use it.

export interface MailDate {
  /** Milliseconds since the epoch: the exact instant. */
  epochMs: number;
  /** ISO-8601 in UTC; milliseconds only when the source had fractional seconds. */
  iso: string;
  /** The offset from UTC the server wrote, in minutes (0 for `-0000` and unknown zones). */
  offsetMinutes: number;
  /** The zone as written (`-0800`, `PST`, `CET`, `-0000`); null when the date names none. */
  zone: string | null;
  /** The zone tells the offset: numeric (`-0000` is UTC), or a name RFC 5322 §4.3 defines. */
  zoneKnown: boolean;
}

/** A calendar date and clock time, before any zone is applied. */
export interface WallTime {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export const MONTH_ABBREVIATIONS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;
const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
// Sunday first, as Date#getDay counts.
const DAY_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/** The month (1–12) a three-letter abbreviation names, any case; null for anything else. */
export function monthOfAbbreviation(abbreviation: string): number | null {
  const lower = abbreviation.toLowerCase();
  const index = MONTH_ABBREVIATIONS.findIndex((month) => month.toLowerCase() === lower);
  return index < 0 ? null : index + 1;
}

/** The month (1–12) a name or its abbreviation names (`Mar`, `March`, `Sept`), any case. */
export function monthNumber(word: string): number | null {
  const lower = word.toLowerCase();
  const month = monthOfAbbreviation(lower.slice(0, 3));
  if (month === null) return null;
  if (lower.length === 3 || MONTH_NAMES[month - 1] === lower || lower === 'sept') return month;
  return null;
}

/** A day name or its abbreviation of at least three letters (`Thu`, `Thurs`, `Thursday`). */
export function isDayName(word: string): boolean {
  const lower = word.toLowerCase();
  return lower.length >= 3 && DAY_NAMES.some((day) => day.startsWith(lower));
}

// RFC 5322 §4.3 obs-zone. Military letters and unknown names "SHOULD all be considered
// equivalent to -0000", which is why callers reading Received fields fall back to 0.
const NAMED_ZONES: Readonly<Record<string, number>> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -5 * 60,
  EDT: -4 * 60,
  CST: -6 * 60,
  CDT: -5 * 60,
  MST: -7 * 60,
  MDT: -6 * 60,
  PST: -8 * 60,
  PDT: -7 * 60,
};

const NUMERIC_ZONE = /^([+-])(\d{2}):?(\d{2})?$/;

/** `+0200`, `-05:30`, `+02` as minutes east of UTC; null when not that form or out of range. */
export function numericZoneOffset(text: string): number | null {
  const match = NUMERIC_ZONE.exec(text);
  if (!match) return null;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? '0');
  if (hours > 23 || minutes > 59) return null;
  // `-0000` is 0, not -0 (which Object.is and test equality tell apart)
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes) || 0;
}

/** A numeric offset or one of the RFC 5322 zone names (UT, GMT, EST…); null when neither. */
export function zoneOffset(text: string): number | null {
  return numericZoneOffset(text) ?? NAMED_ZONES[text.toUpperCase()] ?? null;
}

/** Whether the calendar has this day and the clock this time (second 60: a leap second). */
export function isValidWallTime(wall: WallTime): boolean {
  const { year, month, day, hour, minute, second } = wall;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60;
}

/** The instant of a wall time at a fixed offset from UTC (minutes east). */
export function instantAtOffset(wall: WallTime, offsetMinutes: number): number {
  const { year, month, day, hour, minute, second, millisecond } = wall;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  // Date.UTC maps years 0–99 to 1900–1999.
  const utc = year < 100 ? new Date(ms).setUTCFullYear(year) : ms;
  return utc - offsetMinutes * 60_000;
}

/** Up to nine digits of a fraction of a second as whole milliseconds (`5` → 500). */
export function fractionMilliseconds(fraction: string | undefined): number {
  return fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** RFC 5322 §3.3 date-time in this machine's local time with its numeric offset. */
export function rfc5322Date(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const day = DAY_NAMES[date.getDay()] ?? '';
  const weekday = `${day.charAt(0).toUpperCase()}${day.slice(1, 3)}`;
  return (
    `${weekday}, ${date.getDate()} ${MONTH_ABBREVIATIONS[date.getMonth()]} ${date.getFullYear()} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())} ` +
    `${sign}${pad2(Math.floor(abs / 60))}${pad2(abs % 60)}`
  );
}

// ---- reading the dates servers write ----

const ZONE = String.raw`([+-]\d{2}:?\d{2}|[A-Za-z]{1,5}(?![A-Za-z]))`;
const TIME = String.raw`(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2})(?:[.,](\d{1,9}))?)?`;
const OPTIONAL_ZONE = String.raw`(?:\s*${ZONE})?`;

// Each form ends with TIME then OPTIONAL_ZONE: hour, minute, second, fraction, zone.
const RFC5322_FORM = new RegExp(
  String.raw`^\s*(?:([A-Za-z]{3,9})\s*,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{2,4}),?\s+` +
    TIME +
    OPTIONAL_ZONE,
);
const ISO_FORM = new RegExp(
  String.raw`^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:T|\s+)` + TIME + OPTIONAL_ZONE,
);
// ctime(3), which a few old gateways write: `Thu Mar  6 15:10:42 2025` (no zone: read as UTC, and
// said so; mailcore2#1270 shows it in real mail); its year follows the time.
const CTIME_FORM = new RegExp(
  String.raw`^\s*([A-Za-z]{3,9})\s+([A-Za-z]{3,9})\s+(\d{1,2})\s+` +
    TIME +
    String.raw`\s+(\d{4})` +
    OPTIONAL_ZONE,
);

// Month first, the year before the time: `Sat, Apr 09 2005 06:39:52 -0700`, as some gateways and
// mailers write it (Debian bug #303898, libetpan#6, where libetpan learnt to read it). Only with a
// four-digit year, so that no other form is read as this one.
const MONTH_FIRST_FORM = new RegExp(
  String.raw`^\s*(?:([A-Za-z]{3,9})\s*,?\s*)?([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+` +
    TIME +
    OPTIONAL_ZONE,
);

/**
 * Where a date may start, for fields that give no `;` before it. A lookahead, so that starts may
 * overlap: in `id 7 Dec 03 2026 10:00` the date starts at `Dec`, not at `7 Dec`.
 */
const DATE_START =
  /\b(?=(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\d{1,2}[\s-]+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b|\d{4}-\d{1,2}-\d{1,2}[T\s])/gi;

/** RFC 5322 §4.3: two-digit years 00–49 are 20xx, 50–99 and three-digit years add 1900. */
function fullYear(text: string): number {
  const year = Number(text);
  if (text.length === 2) return year < 50 ? 2000 + year : 1900 + year;
  if (text.length === 3) return 1900 + year;
  return year;
}

interface ClockText {
  hour?: string;
  minute?: string;
  second?: string;
  fraction?: string;
  zone?: string;
}

/** The TIME and zone captures starting at group `at`. */
function clockAt(match: RegExpExecArray, at: number): ClockText {
  const [hour, minute, second, fraction] = match.slice(at, at + 4);
  return { hour, minute, second, fraction, zone: match[match.length - 1] };
}

function mailDate(
  year: number,
  month: number | null,
  day: string,
  clock: ClockText,
): MailDate | null {
  if (month === null || year < 1900 || year > 9999) return null;
  // A 12-hour clock (`3:00 PM`, a few broken MTAs): read as a zone name, PM was 12 hours off
  const meridiem = /^[AP]M$/i.exec(clock.zone ?? '')?.[0].toUpperCase();
  let hour = Number(clock.hour);
  if (meridiem) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0);
    clock = { ...clock, zone: undefined };
  }
  const wall: WallTime = {
    year,
    month,
    day: Number(day),
    hour,
    minute: Number(clock.minute),
    second: Number(clock.second ?? 0),
    millisecond: fractionMilliseconds(clock.fraction),
  };
  if (!isValidWallTime(wall)) return null;
  // numbers out of range make the date unreadable; unknown names count as -0000 (RFC 5322 §4.3)
  const offset = clock.zone === undefined ? 0 : zoneOffset(clock.zone);
  if (offset === null && /^[+-]/.test(clock.zone ?? '')) return null;
  const offsetMinutes = offset ?? 0;
  const zone = clock.zone ?? null;
  // `-0000` is UTC from a server that does not say its own zone (RFC 5322 §3.3): the instant is
  // exact, so it counts as known; a name §4.3 does not define is only assumed to be UTC
  const zoneKnown = zone !== null && offset !== null;
  // a leap second (RFC 5322 §3.3) is the instant just before the next minute
  if (wall.second === 60) Object.assign(wall, { second: 59, millisecond: 999 });
  const epochMs = instantAtOffset(wall, offsetMinutes);
  const iso = new Date(epochMs).toISOString();
  return {
    epochMs,
    iso: clock.fraction === undefined ? `${iso.slice(0, -5)}Z` : iso,
    offsetMinutes,
    zone,
    zoneKnown,
  };
}

/** A date at the start of `text` (leading spaces allowed, anything after it ignored), or null. */
export function parseMailDate(text: string): MailDate | null {
  const rfc = RFC5322_FORM.exec(text);
  if (rfc) {
    const [, dayName, day = '', month = '', year = ''] = rfc;
    if (dayName !== undefined && !isDayName(dayName)) return null;
    return mailDate(fullYear(year), monthNumber(month), day, clockAt(rfc, 5));
  }
  const iso = ISO_FORM.exec(text);
  if (iso) {
    const [, year, month, day = ''] = iso;
    return mailDate(Number(year), Number(month), day, clockAt(iso, 4));
  }
  const ctime = CTIME_FORM.exec(text);
  if (ctime && isDayName(ctime[1] ?? '')) {
    const [, , month = '', day = ''] = ctime;
    return mailDate(Number(ctime[8]), monthNumber(month), day, clockAt(ctime, 4));
  }
  const monthFirst = MONTH_FIRST_FORM.exec(text);
  if (monthFirst) {
    const [, dayName, month = '', day = '', year = ''] = monthFirst;
    if (dayName !== undefined && !isDayName(dayName)) return null;
    return mailDate(Number(year), monthNumber(month), day, clockAt(monthFirst, 5));
  }
  return null;
}

/**
 * The last readable date anywhere in `text`, with the index where it starts; for fields whose
 * server wrote no `;` before the date (SendGrid, some gateways).
 */
export function findMailDate(text: string): { index: number; date: MailDate } | null {
  const starts = [...text.matchAll(DATE_START)].map((match) => match.index);
  for (let k = starts.length - 1; k >= 0; k--) {
    const index = starts[k] ?? 0;
    const date = parseMailDate(text.slice(index));
    if (!date) continue;
    // prefer the day name just before `6 Mar 2025`, so it is not left behind in a clause
    const before = starts[k - 1];
    if (before !== undefined && /^[A-Za-z]+\s*,?\s*$/.test(text.slice(before, index))) {
      const withDay = parseMailDate(text.slice(before));
      if (withDay) return { index: before, date: withDay };
    }
    return { index, date };
  }
  return null;
}
