// A message's `Date` as Mailpit answers it: its Date header read as Go's net/mail.ParseDate reads
// it (enmime's Envelope.Date), then written as Go writes a time.Time in JSON (RFC 3339, the
// header's own wall clock and offset, `Z` for a zero offset, no fraction of zero); when Go cannot
// read the header (a military zone such as `Z`, a missing day, garbage), the time the message was
// received (Mailpit's fallback in storage.GetMessage).
//
// Named zones: Go's time.Parse keeps the wall clock and looks the name up in the server's local
// zone; a name it does not find there gets offset 0. So Mailpit answers `10:00:00 EST` as
// `10:00:00-05:00` where its TZ is America/New_York, and as `10:00:00Z` in its Docker image (UTC),
// a different instant. The US names of RFC 5322 §4.3 (EST, EDT, CST, CDT, MST, MDT, PST, PDT) are
// given their offsets here, as in the first case, whatever this machine's zone: the same wall
// clock, and the instant the sender meant. UT, GMT and UTC are `Z`; other names (CET, JST,
// BST: some mean two places) have offset 0, as in Mailpit's image.
import {
  MONTH_ABBREVIATIONS,
  isValidWallTime,
  zoneOffset,
  type WallTime,
} from '../../core/mail/mail-date.js';

const days = '(?:mon|tue|wed|thu|fri|sat|sun)';
const months = `(${MONTH_ABBREVIATIONS.join('|')})`;
// net/mail's layouts: [Mon, ]2 Jan 2006 15:04[:05] -0700|MST|UT, where time.Parse takes a run of
// spaces for one, one or two digits for the day and the hour, and month and day names in any case
const layout = new RegExp(
  `^(?:${days}, +)?(\\d{1,2}) +${months} +(\\d{4}|\\d{2}) +(\\d{1,2}):(\\d{2})(?::(\\d{2}))? +` +
    // a zone: numeric, or time.Parse's abbreviation (three capitals, four or five ending in T,
    // WITA, ChST, MeST, GMT with an hour offset), or the literal UT
    '([+-]\\d{4}|GMT(?:[+-]\\d{1,2})?|[A-Z]{3}|[A-Z]{3}T|[A-Z]{4}T|WITA|ChST|MeST|UT)$',
  'i',
);

/** Go's net/mail.ParseDate up to the zone: which part of the header the layouts are tried on. */
function datePart(header: string): string | null {
  const value = header.replace(/\r\n/g, '');
  if (value.includes('\r')) return null;
  const text = value.replace(/^[ \t]+/, '');
  // RFC 5322's zone is "+" or "-" and four digits; the first such sign ends the date there
  const sign = text.search(/[+-]/);
  let date = value;
  let rest = text;
  if (sign !== -1 && text.length >= sign + 5) {
    date = text.slice(0, sign + 5);
    rest = text.slice(sign + 5);
  } else {
    // an obsolete named zone ends with a T (EST, GMT): a comment may follow it
    const t = text.indexOf('T', text.startsWith('T') ? 1 : 0);
    if (t !== -1 && text.length >= t + 5) {
      date = text.slice(0, t + 1);
      rest = text.slice(t + 1);
    }
  }
  // what follows may be comments; Go refuses only a comment left open
  if (/^[ \t]*\(/.test(rest) && !/\)/.test(rest)) return null;
  return date;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Go's RFC 3339 offset: `Z` for zero, else ±hh:mm. */
function offsetText(minutes: number): string {
  if (minutes === 0) return 'Z';
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function zoneMinutes(zone: string): number | null {
  if (/^[+-]\d{4}$/.test(zone)) {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(3, 5));
    // time.Parse's own limits on a numeric zone
    if (hours > 24 || minutes > 60) return null;
    return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  // time.Parse reads abbreviations in capitals only (parseTimeZone)
  if (!/^(?:[A-Z]+|ChST|MeST|GMT[+-]\d{1,2})$/.test(zone)) return null;
  const gmt = /^GMT([+-]\d{1,2})$/.exec(zone);
  if (gmt) {
    const hours = Number(gmt[1]);
    return Math.abs(hours) > 23 ? 0 : hours * 60;
  }
  // the US names of RFC 5322 §4.3 (and UT, GMT) as that section gives them; any other name 0
  return zoneOffset(zone) ?? 0;
}

/** Mailpit's `Date` of a Date header's value; null when Go cannot read it (see the top). */
export function mailpitDate(header: string): string | null {
  const date = datePart(header);
  if (date === null) return null;
  const match = layout.exec(date);
  if (!match) return null;
  const [, day, monthName, yearText, hour, minute, second, zone] = match as unknown as string[];
  const offset = zoneMinutes(zone as string);
  if (offset === null) return null;
  const month =
    MONTH_ABBREVIATIONS.findIndex((m) => m.toLowerCase() === monthName?.toLowerCase()) + 1;
  let year = Number(yearText);
  // Go's two-digit years: 69–99 are 19xx, 00–68 are 20xx
  if (yearText?.length === 2) year += year >= 69 ? 1900 : 2000;
  const wall: WallTime = {
    year,
    month,
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? '0'),
    millisecond: 0,
  };
  // time.Parse refuses a day the month does not have, hour 24 and second 60
  if (!isValidWallTime(wall) || wall.second > 59) return null;
  return (
    `${pad(year, 4)}-${pad(month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:` +
    `${pad(wall.second)}${offsetText(offset)}`
  );
}
