import { describe, expect, test } from 'vitest';
// The one home of mail dates (main/core/mail/mail-date.ts): Received fields, search and our own
// stamps read and write dates through it.
import {
  findMailDate,
  monthNumber,
  numericZoneOffset,
  parseMailDate,
  rfc5322Date,
  zoneOffset,
} from '../../main/core/mail/mail-date.js';

describe('parseMailDate', () => {
  test.each([
    ['Thu, 6 Mar 2025 15:10:42 +0000', '2025-03-06T15:10:42Z'],
    ['Thu, 06 Mar 2025 07:15:30 -0800', '2025-03-06T15:15:30Z'],
    ['  Thu,  6 Mar 2025 15:10:42 +0530', '2025-03-06T09:40:42Z'],
    ['6 Mar 2025 15:40:02 -0000', '2025-03-06T15:40:02Z'],
    ['Thursday, 06 Mar 2025 23:58:30 -0800', '2025-03-07T07:58:30Z'],
    ['Thu, 6 March 2025 15:10:42 GMT', '2025-03-06T15:10:42Z'],
    ['Thu, 6 Mar 2025 15:10 +0000', '2025-03-06T15:10:00Z'],
    // RFC 5322 §4.3: two-digit years 00–49 are 20xx, 50–99 19xx; three digits add 1900
    ['Fri, 7 Mar 25 08:00:01 GMT', '2025-03-07T08:00:01Z'],
    ['Fri, 7 Mar 49 08:00:01 GMT', '2049-03-07T08:00:01Z'],
    ['Sun, 7 Mar 99 08:00:01 GMT', '1999-03-07T08:00:01Z'],
    ['Fri, 7 Mar 125 08:00:01 GMT', '2025-03-07T08:00:01Z'],
    // obsolete zone names, military letters and unknown names (the last two count as -0000)
    ['6 Mar 2025 10:00:00 UT', '2025-03-06T10:00:00Z'],
    ['6 Mar 2025 10:00:00 EST', '2025-03-06T15:00:00Z'],
    ['6 Mar 2025 10:00:00 EDT', '2025-03-06T14:00:00Z'],
    ['6 Mar 2025 10:00:00 CST', '2025-03-06T16:00:00Z'],
    ['6 Mar 2025 10:00:00 CDT', '2025-03-06T15:00:00Z'],
    ['6 Mar 2025 10:00:00 MST', '2025-03-06T17:00:00Z'],
    ['6 Mar 2025 10:00:00 MDT', '2025-03-06T16:00:00Z'],
    ['6 Mar 2025 10:00:00 PST', '2025-03-06T18:00:00Z'],
    ['6 Mar 2025 10:00:00 pdt', '2025-03-06T17:00:00Z'],
    ['6 Mar 2025 10:00:00 Z', '2025-03-06T10:00:00Z'],
    ['6 Mar 2025 10:00:00 A', '2025-03-06T10:00:00Z'],
    ['6 Mar 2025 10:00:00 CET', '2025-03-06T10:00:00Z'],
    ['6 Mar 2025 10:00:00', '2025-03-06T10:00:00Z'],
    // fractional seconds: milliseconds kept, digits beyond them dropped
    ['Thu, 06 Mar 2025 16:20:01.987 +0000', '2025-03-06T16:20:01.987Z'],
    ['Thu, 06 Mar 2025 16:20:01.5 +0000', '2025-03-06T16:20:01.500Z'],
    ['2025-03-06 16:20:02.345012345 +0000 UTC m=+1234.567890123', '2025-03-06T16:20:02.345Z'],
    ['2025-03-06T16:20:02Z', '2025-03-06T16:20:02Z'],
    ['2025-03-06T16:20:02+01:00', '2025-03-06T15:20:02Z'],
    ['Thu Mar  6 15:10:42 2025', '2025-03-06T15:10:42Z'],
    // month first with the year before the time (Debian bug #303898, libetpan#6)
    ['Sat, Apr 09 2005 06:39:52 -0700', '2005-04-09T13:39:52Z'],
    ['Dec 03 2026 10:00:00 +0000', '2026-12-03T10:00:00Z'],
    ['Thu Dec 3, 2026 10:00:00 PST', '2026-12-03T18:00:00Z'],
    ['Wed, 31 Dec 2025 23:59:60 +0000', '2025-12-31T23:59:59Z'],
    ['Sat, 29 Feb 2020 12:00:00 +0000', '2020-02-29T12:00:00Z'],
    ['Thu, 6 Mar 2025 15:10:42 +0000 id 0001.ABC', '2025-03-06T15:10:42Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseMailDate(text)?.iso).toBe(iso);
  });

  test.each([
    'Sat, 32 Foo 2025 99:99:99 +0000',
    'Sat, 32 Mar 2025 10:00:00 +0000',
    'Fri, 29 Feb 2019 12:00:00 +0000',
    'Thu, 6 Mar 2025 24:00:00 +0000',
    'Thu, 6 Mar 2025 10:60:00 +0000',
    'Thu, 6 Mar 2025 10:00:00 +0099',
    'Xyz, 6 Mar 2025 10:00:00 +0000',
    '6 Mar 0025 10:00:00 +0000',
    'id 0001 Thu, 6 Mar 2025',
    'Xyz, Dec 03 2026 10:00:00 +0000',
    'Dec 32 2026 10:00:00 +0000',
    // a two-digit year month first is not read: `Dec 03 26` could be a day and an hour
    'Dec 03 26 10:00:00 +0000',
    '',
  ])('%j is no date', (text) => {
    expect(parseMailDate(text)).toBeNull();
  });

  test('a 12-hour clock is read as one, with no zone (PM was taken for a zone, 12 hours off)', () => {
    expect(parseMailDate('Thu, 6 Mar 2025 3:00 PM')).toEqual({
      epochMs: Date.UTC(2025, 2, 6, 15, 0, 0),
      iso: '2025-03-06T15:00:00Z',
      offsetMinutes: 0,
      zone: null,
      zoneKnown: false,
    });
    expect(parseMailDate('Thu, 6 Mar 2025 12:05:09 am')?.iso).toBe('2025-03-06T00:05:09Z');
    expect(parseMailDate('Thu, 6 Mar 2025 12:05 PM')?.iso).toBe('2025-03-06T12:05:00Z');
    expect(parseMailDate('Thu, 6 Mar 2025 13:05 PM')).toBeNull();
  });

  test('keeps the offset the server wrote', () => {
    expect(parseMailDate('Thu, 6 Mar 2025 10:00:00 -0800')?.offsetMinutes).toBe(-480);
    expect(parseMailDate('Thu, 6 Mar 2025 10:00:00 PDT')?.offsetMinutes).toBe(-420);
  });
});

describe('findMailDate', () => {
  test('finds the date a server wrote without a semicolon, with its day name', () => {
    const text = 'by geopod (SG) with HTTP id aBc Thu, 06 Mar 2025 16:20:01.987 +0000';
    const found = findMailDate(text);
    expect(found?.date.iso).toBe('2025-03-06T16:20:01.987Z');
    expect(text.slice(found?.index)).toMatch(/^Thu, 06 Mar/);
  });

  test('finds a month-first date a server wrote without a semicolon', () => {
    const text = 'by gw.example with SMTP id 7 Dec 03 2026 10:00:00 +0100';
    expect(findMailDate(text)?.date.iso).toBe('2026-12-03T09:00:00Z');
  });

  test('none in plain words', () => {
    expect(findMailDate('from a by b with SMTP id x')).toBeNull();
  });
});

describe('rfc5322Date', () => {
  test('formats local time with its numeric offset, and reads back as the same instant', () => {
    const date = new Date(2026, 0, 5, 7, 8, 9);
    const text = rfc5322Date(date);
    expect(text).toMatch(/^Mon, 5 Jan 2026 07:08:09 [+-]\d{4}$/);
    expect(parseMailDate(text)?.epochMs).toBe(date.getTime());
  });
});

describe('months and zones', () => {
  test.each([
    ['Mar', 3],
    ['march', 3],
    ['SEPT', 9],
    ['Dec', 12],
    ['Marc', null],
    ['Foo', null],
  ])('monthNumber(%s) = %s', (word, month) => {
    expect(monthNumber(word)).toBe(month);
  });

  test.each([
    ['+0200', 120],
    ['-05:30', -330],
    ['+02', 120],
    ['+0000', 0],
    ['+2400', null],
    ['+0260', null],
    ['0200', null],
  ])('numericZoneOffset(%s) = %s', (text, minutes) => {
    expect(numericZoneOffset(text)).toBe(minutes);
  });

  test('zone names of RFC 5322 §4.3; unknown names are not guessed', () => {
    expect(zoneOffset('GMT')).toBe(0);
    expect(zoneOffset('edt')).toBe(-240);
    expect(zoneOffset('CET')).toBeNull();
  });
});
