// Three things a reader of MXToolbox's or Google's header analyzer expects and QA found missing:
// a hop naming only its HELO is not a checked client, ties for the slowest hop are told, and the
// Date field is set against the first hop. Header samples as the servers write them.
import { describe, expect, test } from 'vitest';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';

/** Postfix's stamp: HELO, then the reverse-DNS name and address it looked up and saw. */
const postfix = (from: string, by: string, date: string): string =>
  `Received: from ${from} (${from} [192.0.2.1]) by ${by} (Postfix) with ESMTP id x; ${date}\n`;

describe('who vouches for the client', () => {
  test('a qmail hop with only a HELO name is claimed, not verified, and not counted as checked', () => {
    const analysis = analyzeMessage(
      postfix('mail.example.com', 'mx.example.org', 'Thu, 6 Mar 2025 15:40:06 +0000') +
        'Received: (qmail 1234 invoked from network); 6 Mar 2025 15:40:04 -0000\n' +
        'Received: from unknown (HELO x.example) by mail.example.com with SMTP; 6 Mar 2025 15:40:04 -0000\n',
    );
    expect(analysis.hops.map((hop) => [hop.from, hop.fromIp, hop.clientCheck])).toEqual([
      ['x.example', null, 'claimed'],
      [null, null, 'none'],
      ['mail.example.com', '192.0.2.1', 'verified'],
    ]);
    // the queue note (Hop 2) is no hand-over, so not one of the hops a check could vouch for
    expect(analysis.verifiedClients).toEqual({ verified: [2], networkHops: 2 });
  });

  test('an address without a name of the receiver’s finding, a forged-looking name, and local submission', () => {
    const analysis = analyzeMessage(
      // Sendmail: the name did not map back to the address
      'Received: from d.example (really-d.example [203.0.113.9] (may be forged)) by e.example (8.18.1/8.18.1) with ESMTP id 1; Thu, 6 Mar 2025 10:00:04 +0000\n' +
        // Postfix: reverse DNS failed, so "unknown"
        'Received: from c.example (unknown [198.51.100.7]) by d.example (Postfix) with ESMTP id 2; Thu, 6 Mar 2025 10:00:03 +0000\n' +
        // qmail: the name and the address its tcpserver saw
        'Received: from b.example (HELO b.example) (198.51.100.6) by c.example with SMTP; 6 Mar 2025 10:00:02 -0000\n' +
        'Received: (qmail 12340 invoked by uid 1001); 6 Mar 2025 10:00:01 -0000\n',
    );
    expect(analysis.hops.map((hop) => hop.clientCheck)).toEqual([
      'local',
      'verified',
      'address',
      'address',
    ]);
    expect(analysis.verifiedClients).toEqual({ verified: [1], networkHops: 3 });
  });
});

describe('the slowest hop', () => {
  test('two hops sharing the largest delay: the earliest is the slowest, and both are named as tied', () => {
    const analysis = analyzeMessage(
      postfix('d.example', 'e.example', 'Thu, 6 Mar 2025 10:00:05 +0000') +
        postfix('c.example', 'd.example', 'Thu, 6 Mar 2025 10:00:04 +0000') +
        postfix('b.example', 'c.example', 'Thu, 6 Mar 2025 10:00:02 +0000') +
        postfix('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(analysis.hops.map((hop) => hop.delaySeconds)).toEqual([null, 2, 2, 1]);
    expect(analysis.slowestHop).toBe(1);
    expect(analysis.slowestTies).toEqual([1, 2]);
  });

  test('one hop slower than the rest is no tie', () => {
    const analysis = analyzeMessage(
      postfix('c.example', 'd.example', 'Thu, 6 Mar 2025 10:00:09 +0000') +
        postfix('b.example', 'c.example', 'Thu, 6 Mar 2025 10:00:02 +0000') +
        postfix('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(analysis.slowestHop).toBe(2);
    expect(analysis.slowestTies).toEqual([2]);
  });

  test('every hop one second after the last (Microsoft 365): none is slower, so none is the slowest', () => {
    const analysis = analyzeMessage(
      postfix('d.example', 'e.example', 'Thu, 6 Mar 2025 10:00:03 +0000') +
        postfix('c.example', 'd.example', 'Thu, 6 Mar 2025 10:00:02 +0000') +
        postfix('b.example', 'c.example', 'Thu, 6 Mar 2025 10:00:01 +0000') +
        postfix('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(analysis.hops.map((hop) => hop.delaySeconds)).toEqual([null, 1, 1, 1]);
    expect(analysis.slowestHop).toBeNull();
    expect(analysis.slowestTies).toEqual([]);
    expect(analysis.totalSeconds).toBe(3);
  });

  test('all hops stamped in the same second: no slowest hop at all', () => {
    const analysis = analyzeMessage(
      postfix('c.example', 'd.example', 'Thu, 6 Mar 2025 10:00:00 +0000') +
        postfix('b.example', 'c.example', 'Thu, 6 Mar 2025 10:00:00 +0000') +
        postfix('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(analysis.slowestHop).toBeNull();
    expect(analysis.slowestTies).toEqual([]);
  });
});

describe('Date header → first hop', () => {
  const hops =
    postfix('mx.example.net', 'inbox.example.com', 'Thu, 6 Mar 2025 15:40:10 +0000') +
    postfix('[192.168.1.5]', 'mx.example.net', 'Thu, 6 Mar 2025 07:40:03 -0800');

  test('the submission delay is its own line, measured on the instants (zones differ)', () => {
    const analysis = analyzeMessage(`${hops}Date: Thu, 6 Mar 2025 16:40:00 +0100\n`);
    expect(analysis.dateToFirstHop).toEqual({
      date: '2025-03-06T15:40:00Z',
      zoneKnown: true,
      hop: 0,
      seconds: 3,
      kind: 'submission',
      message: 'Date header → first hop: 3 s',
    });
    expect(analysis.warnings).toEqual([]);
  });

  test('a Date after the first hop is the sender’s clock running ahead', () => {
    const analysis = analyzeMessage(`${hops}Date: Thu, 6 Mar 2025 15:42:03 +0000\n`);
    const message =
      'Date is 2 min after the first hop: the sender’s clock is ahead (or set to the wrong ' +
      'time zone), since a message cannot reach a server before it was written.';
    expect(analysis.dateToFirstHop).toMatchObject({ seconds: -120, kind: 'clock-ahead', message });
    expect(analysis.warnings).toEqual([{ code: 'date-clock-ahead', message }]);
  });

  test('a Date more than an hour before the first hop is a held or delayed submission', () => {
    const analysis = analyzeMessage(`${hops}Date: Thu, 6 Mar 2025 12:10:03 +0000\n`);
    const message =
      'Date is 3 h 30 min before the first hop: the submission was held or delayed (an outbox ' +
      'while offline, a draft or scheduled send, a queue on the sender’s side), or the ' +
      'sender’s clock is behind.';
    expect(analysis.dateToFirstHop).toMatchObject({ seconds: 12_600, kind: 'held', message });
    expect(analysis.warnings).toEqual([{ code: 'date-held', message }]);
    // an hour exactly is still an ordinary submission
    expect(
      analyzeMessage(`${hops}Date: Thu, 6 Mar 2025 14:40:03 +0000\n`).dateToFirstHop?.kind,
    ).toBe('submission');
  });

  test('absent, unreadable or with nothing dated to compare: nothing is said, nothing throws', () => {
    for (const message of [
      hops,
      `${hops}Date: sometime last week\n`,
      `${hops}Date:\n`,
      'Received: from a by b with SMTP id 1\nDate: Thu, 6 Mar 2025 15:40:00 +0000\n',
      'Date: Thu, 6 Mar 2025 15:40:00 +0000\n',
    ]) {
      const analysis = analyzeMessage(message);
      expect(analysis.dateToFirstHop, message).toBeNull();
      expect(analysis.warnings.map((w) => w.code)).not.toContain('date-held');
    }
  });

  test('an undated first hop: compared with the first dated one, which is named', () => {
    const analysis = analyzeMessage(
      hops +
        'Received: from laptop by [192.168.1.5] with SMTP id 0\n' +
        'Date: Thu, 6 Mar 2025 15:39:58 +0000\n',
    );
    expect(analysis.dateToFirstHop).toMatchObject({
      hop: 1,
      seconds: 5,
      message: 'Date header → Hop 2 (the first with a date): 5 s',
    });
  });

  test('a Date in a zone with no offset is read as UTC, and the line says so', () => {
    const analysis = analyzeMessage(`${hops}Date: Thu, 6 Mar 2025 15:40:00 CET\n`);
    expect(analysis.dateToFirstHop?.message).toBe(
      'Date header → first hop: 3 s. The Date field’s zone CET gives no offset, so it was read as ' +
        'UTC and this may be off by hours.',
    );
  });

  test('hops below a gap no queue explains (a phish’s made-up route) are not the first hop', () => {
    const analysis = analyzeMessage(
      'Received: from unknown (HELO mail.paypal.com) (185.220.101.33)\n' +
        '  by mx.victim.example with SMTP; Wed, 3 Dec 2026 11:00:05 +0000\n' +
        postfix('apple.com', 'mail.paypal.com', 'Mon, 1 Jan 2024 00:00:00 +0000') +
        'Date: Wed, 3 Dec 2026 11:00:01 +0000\n',
    );
    expect(analysis.dateToFirstHop).toMatchObject({
      hop: 1,
      seconds: 4,
      kind: 'submission',
      message: 'Date header → Hop 2 (the first after the gap no queue explains): 4 s',
    });
  });
});
