// A message's Date as Mailpit answers it: Go's net/mail.ParseDate of the header (its layouts,
// zone rules and refusals), written as Go writes a time.Time in JSON. Null: Go refuses the header,
// and Mailpit answers the time received instead.
import { expect, it } from 'vitest';
import { mailpitDate } from '../../main/server/mailpit/mailpit-date.js';

it.each([
  // numeric zones: the wall clock and the offset as written; zero is Z, never .000Z
  ['Tue, 01 Dec 2026 10:00:00 +0200', '2026-12-01T10:00:00+02:00'],
  ['Tue, 01 Dec 2026 10:00:00 +0000', '2026-12-01T10:00:00Z'],
  ['Tue, 01 Dec 2026 10:00:00 -0000', '2026-12-01T10:00:00Z'],
  ['Tue, 1 Dec 2026 10:00:00 +0530 (IST)', '2026-12-01T10:00:00+05:30'],
  ['1 Dec 26 9:05 -0800', '2026-12-01T09:05:00-08:00'],
  ['Tue,  1  Dec  2026  10:00:00  +0100', '2026-12-01T10:00:00+01:00'],
  // the US names of RFC 5322 §4.3, with their offsets (Mailpit's where its TZ knows them)
  ['Tue, 1 Dec 2026 10:00:00 EST', '2026-12-01T10:00:00-05:00'],
  ['Tue, 1 Dec 2026 10:00:00 EST (Eastern Standard Time)', '2026-12-01T10:00:00-05:00'],
  ['Sun, 1 Nov 2026 10:00:00 PDT', '2026-11-01T10:00:00-07:00'],
  ['Tue, 1 Dec 2026 10:00:00 CST', '2026-12-01T10:00:00-06:00'],
  // UT, GMT and UTC are UTC; a name Go finds nowhere has offset 0, its wall clock kept
  ['Tue, 1 Dec 2026 10:00:00 GMT', '2026-12-01T10:00:00Z'],
  ['Tue, 1 Dec 2026 10:00:00 UT', '2026-12-01T10:00:00Z'],
  ['Tue, 1 Dec 2026 10:00:00 UTC', '2026-12-01T10:00:00Z'],
  ['Tue, 1 Dec 2026 10:00:00 CET', '2026-12-01T10:00:00Z'],
  ['Thu, 1 Oct 2026 10:00:00 CEST', '2026-10-01T10:00:00Z'],
  ['Tue, 1 Dec 2026 10:00:00 GMT+3', '2026-12-01T10:00:00+03:00'],
])('%s → %s', (header, answer) => {
  expect(mailpitDate(header)).toBe(answer);
});

it.each([
  // military zones: Go's time.Parse wants at least three capitals
  'Tue, 1 Dec 2026 10:00:00 Z',
  'Tue, 1 Dec 2026 10:00:00 A',
  // names in small letters, a day the month lacks, second 60, no zone, no year, garbage
  'Tue, 1 Dec 2026 10:00:00 est',
  'Tue, 31 Feb 2026 10:00:00 +0000',
  'Tue, 1 Dec 2026 10:00:60 +0000',
  'Tue, 1 Dec 2026 10:00:00',
  'Tue, 1 Dec 10:00:00 +0000',
  'yesterday',
  '',
])('%j is not a date to Go (Mailpit answers the time received)', (header) => {
  expect(mailpitDate(header)).toBeNull();
});
