// Reading a calendar invitation as the message view's summary shows it: real iCalendar text as
// Outlook, Google Calendar and nodemailer's icalEvent write it.
import { describe, expect, it } from 'vitest';
import { summariseCalendar } from '../../renderer/src/message/calendar-event.js';
import { isCalendarPart } from '../../renderer/src/message/calendar-part.js';
import { berlinInvite } from '../helpers/calendar-invites.js';

describe('a calendar invitation', () => {
  it('reads what, when, where and who, in its time zone and the viewer’s', () => {
    const read = summariseCalendar(berlinInvite, 'America/New_York');
    expect(read.method).toBe('REQUEST');
    expect(read.events).toHaveLength(1);
    expect(read.events[0]).toEqual({
      summary: 'Sprint review',
      description: "Demo of the sprint's work.\nBring questions.",
      location: 'Room 4, second floor',
      url: '',
      status: 'CONFIRMED',
      start: 'Thu, 10 Dec 2026, 14:00',
      // the same day: its end time alone
      end: '15:00',
      timezone: 'Europe/Berlin',
      // 14:00 in Berlin (UTC+1 in December) is 08:00 in New York (UTC−5)
      localStart: 'Thu, 10 Dec 2026, 08:00 (America/New_York)',
      allDay: false,
      recurrence: 'FREQ=WEEKLY;COUNT=4',
      repeats: 'every week, 4 times',
      replaces: '',
      organizer: { name: 'Ada Lovelace', address: 'ada@example.com', status: '', role: '' },
      attendees: [
        {
          name: 'Bob',
          address: 'bob@example.net',
          status: 'NEEDS-ACTION',
          role: 'REQ-PARTICIPANT',
        },
        {
          name: 'Carol',
          address: 'carol@example.net',
          status: 'ACCEPTED',
          role: 'OPT-PARTICIPANT',
        },
      ],
    });
  });

  it('gives no second time when the viewer is in the invitation’s zone, and reads all-day events', () => {
    expect(summariseCalendar(berlinInvite, 'Europe/Berlin').events[0]?.localStart).toBeNull();
    const allDay = summariseCalendar(
      [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'METHOD:CANCEL',
        'BEGIN:VEVENT',
        'UID:holiday@example.com',
        'DTSTAMP:20261201T100000Z',
        'DTSTART;VALUE=DATE:20261224',
        'DTEND;VALUE=DATE:20261227',
        'SUMMARY:Office closed',
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n'),
      'Europe/London',
    );
    expect(allDay.method).toBe('CANCEL');
    expect(allDay.events[0]).toMatchObject({
      summary: 'Office closed',
      // DTEND is the day after the last
      start: 'Thu, 24 Dec 2026',
      end: 'Sat, 26 Dec 2026',
      timezone: '',
      localStart: null,
      allDay: true,
      organizer: null,
      attendees: [],
    });
  });

  it('says how an event repeats in words, beside the rule', () => {
    const repeats = (rule: string) =>
      summariseCalendar(berlinInvite.replace('RRULE:FREQ=WEEKLY;COUNT=4', rule), 'UTC').events[0]
        ?.repeats;
    expect(repeats('RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131T000000Z')).toBe(
      'every 2 weeks on Monday, Wednesday, until Sun, 31 Jan 2027, 00:00',
    );
    expect(repeats('RRULE:FREQ=MONTHLY;BYDAY=-1FR')).toBe('every month on last Friday');
    expect(repeats('RRULE:FREQ=DAILY')).toBe('every day');
  });

  it('tells a changed occurrence from the series it belongs to', () => {
    const exception = [
      'BEGIN:VEVENT',
      'UID:123@example.com',
      'DTSTAMP:20261201T100000Z',
      'RECURRENCE-ID;TZID=Europe/Berlin:20261217T140000',
      'DTSTART;TZID=Europe/Berlin:20261217T160000',
      'DTEND;TZID=Europe/Berlin:20261217T170000',
      'SUMMARY:Sprint review (moved)',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const read = summariseCalendar(berlinInvite.replace('END:VCALENDAR', exception), 'UTC');
    expect(read.events.map((e) => [e.summary, e.replaces, e.start])).toEqual([
      ['Sprint review', '', 'Thu, 10 Dec 2026, 14:00'],
      ['Sprint review (moved)', 'Thu, 17 Dec 2026, 14:00', 'Thu, 17 Dec 2026, 16:00'],
    ]);
  });

  it('says what is wrong with a part that is no calendar', () => {
    expect(() => summariseCalendar('Hello, this is plain text')).toThrow(
      /^it is not an iCalendar file that can be read \(/,
    );
    expect(() => summariseCalendar('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n')).toThrow(
      'the calendar holds no event (VEVENT)',
    );
  });

  it('knows a calendar part by its type or its name', () => {
    expect(isCalendarPart({ ContentType: 'text/calendar; method=REQUEST', FileName: '' })).toBe(
      true,
    );
    expect(isCalendarPart({ ContentType: 'application/ics', FileName: 'invite.ics' })).toBe(true);
    expect(
      isCalendarPart({ ContentType: 'application/octet-stream', FileName: 'Meeting.ICS' }),
    ).toBe(true);
    expect(isCalendarPart({ ContentType: 'text/plain', FileName: 'notes.txt' })).toBe(false);
  });
});
