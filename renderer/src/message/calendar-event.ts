// A calendar invitation (an .ics part, text/calendar) read into what a person checks in it, as
// Mailpit's iCalendar summary: what, when (in the invitation's time zone and the viewer's), where,
// who organises and who is asked, and whether it is a request, a reply or a cancellation. Parsed
// with ical.js (Mozilla's, the one Mailpit uses), loaded only when an invitation is opened.
import ICAL from 'ical.js';

export interface CalendarPerson {
  name: string;
  address: string;
  /** PARTSTAT (NEEDS-ACTION, ACCEPTED, DECLINED…) and ROLE of an attendee; '' when not given. */
  status: string;
  role: string;
}

export interface CalendarEventSummary {
  summary: string;
  description: string;
  location: string;
  url: string;
  status: string;
  /**
   * The start and end as written in the invitation, in its time zone ("Thu, 10 Dec 2026, 14:00");
   * for an all-day event its first and last day.
   */
  start: string;
  end: string;
  /** The invitation's time zone (TZID), 'UTC', 'floating' (no zone) or '' for a date only. */
  timezone: string;
  /** The start in the viewer's own time zone, when that differs from the invitation's. */
  localStart: string | null;
  allDay: boolean;
  /** The recurrence rule as written (`FREQ=WEEKLY;COUNT=4`), or ''. */
  recurrence: string;
  /** The same in words ("every week, 4 times"), or ''. */
  repeats: string;
  /**
   * For one changed occurrence of a recurring event (RECURRENCE-ID), which one it replaces, as
   * written; '' for the event itself. Outlook sends the series and its exceptions in one file.
   */
  replaces: string;
  organizer: CalendarPerson | null;
  attendees: CalendarPerson[];
}

export interface CalendarSummary {
  /** iTIP's METHOD: REQUEST (an invitation), REPLY, CANCEL…; '' when the file has none. */
  method: string;
  events: CalendarEventSummary[];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value == null ? '' : String(value);
}

function person(property: ICAL.Property | null): CalendarPerson | null {
  if (!property) return null;
  const address = text(property.getFirstValue()).replace(/^mailto:/i, '');
  return {
    name: text(property.getParameter('cn')),
    address,
    status: text(property.getParameter('partstat')).toUpperCase(),
    role: text(property.getParameter('role')).toUpperCase(),
  };
}

/** A day and time as the summary writes it ("Thu, 10 Dec 2026, 14:00"), in a zone. */
function dateTime(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
}

const wallClock = dateTime('UTC');
const dateOnly = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** The time as its fields say, whatever the zone (the wall clock of the invitation). */
function asWritten(time: ICAL.Time): string {
  const fields = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute);
  return (time.isDate ? dateOnly : wallClock).format(new Date(fields));
}

function sameDay(a: ICAL.Time | null, b: ICAL.Time): boolean {
  return a !== null && a.year === b.year && a.month === b.month && a.day === b.day;
}

/** "15:00": the end of an event that ends the day it starts. */
function timeOnly(time: ICAL.Time): string {
  return `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;
}

function zoneOf(time: ICAL.Time): string {
  if (time.isDate) return '';
  const zone = time.zone?.tzid ?? '';
  if (zone === 'floating' || zone === '') return 'floating';
  return zone === 'UTC' || zone === 'Z' ? 'UTC' : zone;
}

const units: Record<string, [string, string]> = {
  SECONDLY: ['second', 'seconds'],
  MINUTELY: ['minute', 'minutes'],
  HOURLY: ['hour', 'hours'],
  DAILY: ['day', 'days'],
  WEEKLY: ['week', 'weeks'],
  MONTHLY: ['month', 'months'],
  YEARLY: ['year', 'years'],
};
const weekdays: Record<string, string> = {
  MO: 'Monday',
  TU: 'Tuesday',
  WE: 'Wednesday',
  TH: 'Thursday',
  FR: 'Friday',
  SA: 'Saturday',
  SU: 'Sunday',
};

/** BYDAY's ordinal (`-1FR`: the month's last Friday). */
const ordinals: Record<string, string> = {
  '1': 'first',
  '2': 'second',
  '3': 'third',
  '4': 'fourth',
  '5': 'fifth',
  '-1': 'last',
  '-2': 'second-last',
};

/** A recurrence rule's usual parts in words; the rule itself is shown beside it. */
function repeatsInWords(rule: ICAL.Recur): string {
  const unit = units[rule.freq];
  if (!unit) return '';
  const interval = rule.interval > 1 ? `every ${rule.interval} ${unit[1]}` : `every ${unit[0]}`;
  const days = (rule.parts.BYDAY ?? []).map((day) => {
    const code = String(day).slice(-2);
    const ordinal = String(day).slice(0, -2);
    const nth = ordinal ? (ordinals[ordinal.replace('+', '')] ?? ordinal) : '';
    return `${nth ? `${nth} ` : ''}${weekdays[code] ?? code}`;
  });
  const on = days.length > 0 ? ` on ${days.join(', ')}` : '';
  const end = rule.count
    ? `, ${rule.count} times`
    : rule.until
      ? `, until ${asWritten(rule.until)}`
      : '';
  return `${interval}${on}${end}`;
}

function summariseEvent(vevent: ICAL.Component, viewerZone: string): CalendarEventSummary {
  const event = new ICAL.Event(vevent);
  const start = event.startDate;
  const end = event.endDate;
  const zone = start ? zoneOf(start) : '';
  let localStart: string | null = null;
  if (start && !start.isDate && zone !== 'floating' && zone !== viewerZone) {
    localStart = dateTime(viewerZone).format(start.toJSDate());
    localStart = `${localStart} (${viewerZone})`;
  }
  // an all-day event's DTEND is the day after its last (RFC 5545 §3.6.1)
  let lastDay = end;
  if (end?.isDate) {
    lastDay = end.clone();
    lastDay.adjust(-1, 0, 0, 0);
  }
  const rule = vevent.getFirstPropertyValue('rrule');
  const rrule = rule instanceof ICAL.Recur ? rule : null;
  return {
    summary: text(event.summary),
    description: text(event.description),
    location: text(event.location),
    url: text(vevent.getFirstPropertyValue('url')),
    status: text(vevent.getFirstPropertyValue('status')).toUpperCase(),
    start: start ? asWritten(start) : '',
    end: lastDay
      ? sameDay(start, lastDay) && !lastDay.isDate
        ? timeOnly(lastDay)
        : asWritten(lastDay)
      : '',
    timezone: zone,
    localStart,
    allDay: Boolean(start?.isDate),
    recurrence: rrule ? rrule.toString() : '',
    repeats: rrule ? repeatsInWords(rrule) : '',
    replaces: event.recurrenceId ? asWritten(event.recurrenceId) : '',
    organizer: person(vevent.getFirstProperty('organizer')),
    attendees: vevent
      .getAllProperties('attendee')
      .map((property) => person(property))
      .filter((p): p is CalendarPerson => p !== null),
  };
}

/**
 * Reads an iCalendar file. Throws an Error in words when it is not one (ical.js's parse error,
 * or a calendar with no event in it).
 */
export function summariseCalendar(
  source: string,
  viewerZone: string = Intl.DateTimeFormat().resolvedOptions().timeZone,
): CalendarSummary {
  let calendar: ICAL.Component;
  try {
    calendar = new ICAL.Component(ICAL.parse(source));
  } catch (err) {
    throw new Error(`it is not an iCalendar file that can be read (${(err as Error).message})`, {
      cause: err,
    });
  }
  // the invitation's own time zones, so its times convert to the viewer's
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
    const tzid = text(vtimezone.getFirstPropertyValue('tzid'));
    if (tzid && !ICAL.TimezoneService.has(tzid)) ICAL.TimezoneService.register(vtimezone);
  }
  const events = calendar.getAllSubcomponents('vevent');
  if (events.length === 0) throw new Error('the calendar holds no event (VEVENT)');
  return {
    method: text(calendar.getFirstPropertyValue('method')).toUpperCase(),
    events: events.map((vevent) => summariseEvent(vevent, viewerZone)),
  };
}
