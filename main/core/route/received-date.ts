// Dates in Received fields: RFC 5322 §3.3 date-time plus the obsolete forms of §4.3 that real
// servers still write (no day name, two-digit years, named zones), fractional seconds, and the
// Go `time.Time.String()` form SendGrid uses (`2025-03-06 15:10:42.345012345 +0000 UTC m=+…`).

export interface MailDate {
  /** Milliseconds since the epoch: the exact instant. */
  epochMs: number;
  /** ISO-8601 in UTC; milliseconds only when the source had fractional seconds. */
  iso: string;
  /** The offset from UTC the server wrote, in minutes (0 for `-0000` and unknown zones). */
  offsetMinutes: number;
}

const months: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const monthNames = [
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
const dayNames = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

// RFC 5322 §4.3 obs-zone. Military letters and unknown names "SHOULD all be considered
// equivalent to -0000", so they fall through to 0.
const zoneOffsets: Record<string, number> = {
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

const zone = String.raw`([+-]\d{2}:?\d{2}|[A-Za-z]{1,5}(?![A-Za-z]))`;
const time = String.raw`(\d{1,2})\s*:\s*(\d{2})(?:\s*:\s*(\d{2})(?:[.,](\d{1,9}))?)?`;
const rfc5322 = new RegExp(
  String.raw`^\s*(?:([A-Za-z]{3,9})\s*,?\s*)?(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{2,4}),?\s+` +
    time +
    String.raw`(?:\s*` +
    zone +
    ')?',
);
const iso = new RegExp(
  String.raw`^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:T|\s+)` + time + String.raw`(?:\s*` + zone + ')?',
);
// ctime(3), which a few old gateways write: `Thu Mar  6 15:10:42 2025`
const ctime = new RegExp(
  String.raw`^\s*([A-Za-z]{3,9})\s+([A-Za-z]{3,9})\s+(\d{1,2})\s+` +
    time +
    String.raw`\s+(\d{4})(?:\s*` +
    zone +
    ')?',
);

/** Where a date may start, for fields that give no `;` before it. */
const dateStart =
  /\b(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\d{1,2}[\s-]+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\d{4}-\d{1,2}-\d{1,2}[T\s])/gi;

function monthNumber(word: string): number | null {
  const lower = word.toLowerCase();
  const number = months[lower.slice(0, 3)];
  if (number === undefined) return null;
  if (lower.length === 3 || monthNames[number - 1] === lower || lower === 'sept') return number;
  return null;
}

function isDayName(word: string): boolean {
  const lower = word.toLowerCase();
  return dayNames.some((day) => day.startsWith(lower) && lower.length >= 3);
}

/** Two ASCII digits from `at` as a number. */
const twoDigits = (text: string, at: number): number =>
  (text.charCodeAt(at) - 0x30) * 10 + (text.charCodeAt(at + 1) - 0x30);

/** The `zone` capture above: `±hhmm`, `±hh:mm` (digits at fixed places from either end) or a name. */
function zoneOffset(text: string | undefined): number | null {
  if (!text) return 0;
  const sign = text.charCodeAt(0);
  if (sign === 0x2b || sign === 0x2d) {
    const hours = twoDigits(text, 1);
    const minutes = twoDigits(text, text.length - 2);
    if (hours > 23 || minutes > 59) return null;
    return (sign === 0x2d ? -1 : 1) * (hours * 60 + minutes);
  }
  return zoneOffsets[text.toUpperCase()] ?? 0;
}

/** RFC 5322 §4.3: two-digit years 00–49 are 20xx, 50–99 and three-digit years add 1900. */
function fullYear(text: string): number {
  const year = Number(text);
  if (text.length === 2) return year < 50 ? 2000 + year : 1900 + year;
  if (text.length === 3) return 1900 + year;
  return year;
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  fraction: string | undefined;
  zone: string | undefined;
}

const two = (value: number): string => (value < 10 ? `0${value}` : `${value}`);

function build(parts: DateParts): MailDate | null {
  const { year, month, day, hour, minute, second, fraction } = parts;
  if (year < 1900 || year > 9999 || month < 1 || month > 12) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const thirty = month === 4 || month === 6 || month === 9 || month === 11;
  const daysInMonth = month === 2 ? (leap ? 29 : 28) : thirty ? 30 : 31;
  // second 60 is a leap second (RFC 5322 §3.3); it is the instant just before the next minute
  if (day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 60) return null;
  const offsetMinutes = zoneOffset(parts.zone);
  if (offsetMinutes === null) return null;
  const ms = second === 60 ? 999 : fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  const epochMs =
    Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms) - offsetMinutes * 60_000;
  // When the offset does not move the instant to another UTC day (nearly always), the ISO text is
  // written from the parts: `new Date().toISOString()` cost as much as the rest of the parse.
  const utcMinutes = hour * 60 + minute - offsetMinutes;
  let iso: string;
  if (utcMinutes >= 0 && utcMinutes < 1440) {
    iso =
      `${year}-${two(month)}-${two(day)}T${two(Math.floor(utcMinutes / 60))}:` +
      `${two(utcMinutes % 60)}:${two(Math.min(second, 59))}` +
      (fraction ? `.${String(ms).padStart(3, '0')}Z` : 'Z');
  } else {
    const full = new Date(epochMs).toISOString();
    iso = fraction ? full : `${full.slice(0, -5)}Z`;
  }
  return { epochMs, iso, offsetMinutes };
}

/** A date at the start of `text` (leading spaces allowed, anything after it ignored), or null. */
export function parseMailDate(text: string): MailDate | null {
  const m = rfc5322.exec(text);
  if (m) {
    if (m[1] !== undefined && !isDayName(m[1])) return null;
    const month = monthNumber(m[3] ?? '');
    if (month === null) return null;
    return build({
      year: fullYear(m[4] ?? ''),
      month,
      day: Number(m[2]),
      hour: Number(m[5]),
      minute: Number(m[6]),
      second: Number(m[7] ?? 0),
      fraction: m[8],
      zone: m[9],
    });
  }
  const i = iso.exec(text);
  if (i) {
    return build({
      year: Number(i[1]),
      month: Number(i[2]),
      day: Number(i[3]),
      hour: Number(i[4]),
      minute: Number(i[5]),
      second: Number(i[6] ?? 0),
      fraction: i[7],
      zone: i[8],
    });
  }
  const c = ctime.exec(text);
  if (c && isDayName(c[1] ?? '')) {
    const month = monthNumber(c[2] ?? '');
    if (month === null) return null;
    return build({
      year: Number(c[8]),
      month,
      day: Number(c[3]),
      hour: Number(c[4]),
      minute: Number(c[5]),
      second: Number(c[6] ?? 0),
      fraction: c[7],
      zone: c[9],
    });
  }
  return null;
}

/**
 * The last readable date anywhere in `text`, with the index where it starts; for fields whose
 * server wrote no `;` before the date (SendGrid, some gateways).
 */
export function findMailDate(text: string): { index: number; date: MailDate } | null {
  const starts: number[] = [];
  // exec on the shared regex rather than matchAll, which copies it for every call
  dateStart.lastIndex = 0;
  for (let match = dateStart.exec(text); match; match = dateStart.exec(text)) {
    starts.push(match.index);
  }
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
