import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, test } from 'vitest';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';
import { delayBars, uncountedDelay } from '../../renderer/src/route/route-format.js';
import { hopContractKeys } from './hop-keys.js';

const field = (from: string, by: string, date: string): string =>
  `Received: from ${from} (${from} [192.0.2.1]) by ${by} with ESMTP id x; ${date}\n`;

describe('route', () => {
  test('hops in trace order, delay from the nearest earlier dated hop, undated hops skipped', () => {
    const analysis = analyzeMessage(
      field('c.example', 'd.example', 'Thu, 6 Mar 2025 10:00:30 +0000') +
        'Received: from b.example by c.example with ESMTP id y\n' +
        field('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(analysis.hops.map((h) => [h.from, h.delaySeconds])).toEqual([
      ['a.example', null],
      ['b.example', null],
      ['c.example', 30],
    ]);
    expect(analysis.totalSeconds).toBe(30);
    expect(analysis.slowestHop).toBe(2);
    expect(analysis.warnings.map((w) => [w.code, w.hop])).toEqual([['hop-undated', 1]]);
  });

  test('never re-sorted by time: a hop stamped earlier than the one below it is clock skew', () => {
    const analysis = analyzeMessage(
      field('b.example', 'c.example', 'Thu, 6 Mar 2025 09:59:00 +0000') +
        field('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(analysis.hops.map((h) => h.from)).toEqual(['a.example', 'b.example']);
    expect(analysis.hops[1]).toMatchObject({ delaySeconds: -60, skew: true });
    expect(analysis.totalSeconds).toBe(-60);
    expect(analysis.slowestHop).toBeNull();
    expect(analysis.positiveSeconds).toBe(0);
    const [warning] = analysis.warnings;
    expect(warning).toMatchObject({ code: 'clock-skew', hop: 1 });
    expect(warning?.message).toMatch(/Hop 2 is stamped 1 min before Hop 1/);
  });

  test('a stamp an hour ahead of both its neighbours is that server’s clock, not an hour queued', () => {
    // the relay wrote its local time (UTC+1) under +0000; the stamps on either side are 5 s apart
    const ahead =
      field('mx2.isp.example', 'imap1.isp.example', 'Tue, 4 Mar 2025 09:31:09 +0000') +
      field('relay.partner.example', 'mx2.isp.example', 'Tue, 4 Mar 2025 10:31:07 +0000') +
      field('mail.partner.example', 'relay.partner.example', 'Tue, 4 Mar 2025 09:31:04 +0000');
    const analysis = analyzeMessage(ahead);
    expect(analysis.hops.map((h) => h.delaySeconds)).toEqual([null, 3603, -3598]);
    // was Hop 2, "+1 h slowest hop", with the skew warning on Hop 3 only
    expect(analysis.slowestHop).toBeNull();
    expect(analysis.totalSeconds).toBe(5);
    expect(analysis.positiveSeconds).toBe(0);
    expect(analysis.warnings).toEqual([
      {
        code: 'clock-out-of-step',
        hop: 1,
        message:
          'Hop 2 is stamped later than both Hop 1 and Hop 3, which are 5 s apart: its server’s ' +
          'clock or time zone is off by about 1 h, most likely its time zone (a local time ' +
          'written with the wrong offset). So the 1 h before it is no time the message spent ' +
          'in a queue, and is not counted.',
      },
    ]);
    expect(uncountedDelay(analysis, 1)).toBe('not counted: Hop 2’s clock is off');
    expect(delayBars(analysis.hops, [null, uncountedDelay(analysis, 1), null])).toEqual([0, 0, 0]);

    // a stamp 40 s behind both: the delay out of it is the clock's, the one before it counts
    const behind = analyzeMessage(
      field('c.example', 'd.example', 'Thu, 6 Mar 2025 10:00:50 +0000') +
        field('b.example', 'c.example', 'Thu, 6 Mar 2025 09:59:50 +0000') +
        field('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:30 +0000') +
        field('z.example', 'a.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(behind.warnings.map((w) => [w.code, w.hop])).toEqual([['clock-out-of-step', 2]]);
    expect(behind.slowestHop).toBe(1);
    expect(uncountedDelay(behind, 3)).toBe('not counted: Hop 3’s clock is off');
    expect(uncountedDelay(behind, 1)).toBeNull();

    // neighbours that disagree too (the top one before the bottom one): which clock is off cannot
    // be told, so it stays a skew after the hop, and the delay before it counts
    const unclear = analyzeMessage(
      field('b.example', 'c.example', 'Thu, 6 Mar 2025 09:59:00 +0000') +
        field('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:05 +0000') +
        field('z.example', 'a.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(unclear.warnings.map((w) => [w.code, w.hop])).toEqual([['clock-skew', 2]]);
    expect(unclear.slowestHop).toBe(1);
  });

  test('a gap longer than any queue keeps mail: the hops below it are named as likely forged', () => {
    // a phish's own made-up hops under the one its victim's MX stamped (qmail's syntax)
    const analysis = analyzeMessage(
      'Received: from unknown (HELO mail.paypal.com) (185.220.101.33)\n' +
        '  by mx.victim.example with SMTP; Wed, 3 Dec 2026 11:00:05 +0000\n' +
        field('mail.paypal.com', 'smtp.paypal.com', 'Tue, 2 Dec 2025 09:00:00 +0000') +
        field('apple.com', 'mail.paypal.com', 'Mon, 1 Jan 2024 00:00:00 +0000'),
    );
    expect(analysis.hops.map((h) => h.delaySeconds)).toEqual([null, 60_598_800, 31_629_605]);
    expect(
      analysis.warnings
        .filter((w) => w.code === 'delay-implausible')
        .map((w) => [w.hop, w.message]),
    ).toEqual([
      [
        1,
        'Hop 2 is stamped 701 days after Hop 1, longer than mail servers keep a message queued ' +
          '(they give up after 4–5 days). Hop 1 was most likely written by the sender to look ' +
          'like a route (forged), unless a clock was that far off or the message was held by ' +
          'hand; the servers’ own stamps begin at Hop 2.',
      ],
      [
        2,
        'Hop 3 is stamped 366 days after Hop 2, longer than mail servers keep a message queued ' +
          '(they give up after 4–5 days). Hops 1–2 were most likely written by the sender to ' +
          'look like a route (forged), unless a clock was that far off or the message was held ' +
          'by hand; the servers’ own stamps begin at Hop 3.',
      ],
    ]);
    // no made-up gap is anyone's delay: no slowest hop, and no time from first to last with only
    // one stamp of a real server
    expect(analysis.slowestHop).toBeNull();
    expect(analysis.slowestTies).toEqual([]);
    expect(analysis.totalSeconds).toBeNull();
    expect(analysis.positiveSeconds).toBeNull();
  });

  test('after a made-up part of the route, the time counts from the first real stamp', () => {
    const analysis = analyzeMessage(
      field('mx.example', 'inbound.example', 'Wed, 3 Dec 2026 11:00:05 +0000') +
        field('relay.example', 'mx.example', 'Wed, 3 Dec 2026 11:00:00 +0000') +
        field('made-up.example', 'relay.example', 'Mon, 1 Jan 2024 00:00:00 +0000'),
    );
    expect(analysis.warnings.map((w) => w.code)).toContain('delay-implausible');
    expect(analysis.totalSeconds).toBe(5);
    expect(analysis.positiveSeconds).toBe(5);
    expect(analysis.slowestHop).toBe(2);
  });

  test('a saved message sent again from this host long after is a re-send, not a forgery', () => {
    // an old .eml re-sent to Relaydesk: its own stamp, from loopback, 640 days later
    const analysis = analyzeMessage(
      'Received: from [127.0.0.1] (unknown [127.0.0.1]) by vm (Relaydesk) with ESMTP id 9; Fri, 4 Dec 2026 04:10:08 +0000\n' +
        field('b.example', 'c.example', 'Thu, 6 Mar 2025 10:00:05 +0000') +
        field('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(analysis.warnings.map((w) => [w.code, w.hop, w.message])).toEqual([
      [
        'delay-resent',
        2,
        'Hop 3 is stamped 638 days after Hop 2, longer than mail servers keep a message queued: ' +
          'it was sent again from 127.0.0.1 (a saved message re-sent, or released from a ' +
          'quarantine), so this is not time in transit.',
      ],
    ]);
    // the re-send explains why the stamp does not join the one below: no "a hop may be missing"
    expect(analysis.hops[2]?.broken).toBe(false);
    // the re-send is not the slowest hop of the route
    expect(analysis.slowestHop).toBe(1);
    expect(analysis.positiveSeconds).toBe(5);
  });

  test('a message deferred for four days (a queue’s retries) is not called forged', () => {
    const analysis = analyzeMessage(
      field('b.example', 'c.example', 'Mon, 10 Mar 2025 09:00:00 +0000') +
        field('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(analysis.hops[1]?.delaySeconds).toBe(342_000);
    expect(analysis.warnings).toEqual([]);
  });

  test('two servers handing a message back and forth are a mail loop, named once', () => {
    let header = '';
    for (let i = 0; i < 40; i++) {
      const [from, by] = i % 2 ? ['mx1.example', 'mx0.example'] : ['mx0.example', 'mx1.example'];
      header =
        field(from, by, `Wed, 3 Dec 2026 12:00:${String(i).padStart(2, '0')} +0000`) + header;
    }
    const analysis = analyzeMessage(header);
    expect(analysis.hops).toHaveLength(40);
    // before: no warning at all, forty ordinary one-second hops
    expect(analysis.warnings).toEqual([
      {
        code: 'mail-loop',
        message:
          'A mail loop: mx0.example handed the message to mx1.example 20 times (first at Hop 1). ' +
          'Servers pass a looping message back and forth until one refuses it for too many hops ' +
          '(Sendmail after 25, Exim and Relaydesk after 30, Postfix after 50); look for a ' +
          'forward, an alias or an MX record that points back.',
      },
    ]);
  });

  test('a content filter re-injecting on the same host twice is not a loop', () => {
    const analysis = analyzeMessage(
      'Received: from localhost (localhost [127.0.0.1]) by mx.example.com with ESMTP id 4; Thu, 6 Mar 2025 10:00:04 +0000\n' +
        'Received: from localhost (localhost [127.0.0.1]) by mx.example.com with ESMTP id 3; Thu, 6 Mar 2025 10:00:03 +0000\n' +
        'Received: from a.example (a.example [192.0.2.1]) by mx.example.com with ESMTP id 1; Thu, 6 Mar 2025 10:00:01 +0000\n',
    );
    expect(analysis.warnings.map((w) => w.code)).toEqual([]);
  });

  test('one dated hop: no total, no slowest hop', () => {
    const analysis = analyzeMessage(
      field('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(analysis).toMatchObject({ totalSeconds: null, slowestHop: null, positiveSeconds: null });
  });

  test('broken chain: a hop whose client is not the previous receiver', () => {
    const analysis = analyzeMessage(
      field('z.example', 'c.example', 'Thu, 6 Mar 2025 10:00:02 +0000') +
        field('a.example', 'b.example', 'Thu, 6 Mar 2025 10:00:00 +0000'),
    );
    expect(analysis.hops[1]?.broken).toBe(true);
    expect(analysis.warnings.find((w) => w.code === 'chain-broken')).toMatchObject({ hop: 1 });
  });

  test('short names, IP literals and loopback re-injection on the same host join up', () => {
    const analysis = analyzeMessage(
      'Received: from localhost (localhost [127.0.0.1]) by mx.example.com with ESMTP id 3; Thu, 6 Mar 2025 10:00:03 +0000\n' +
        'Received: from mx (mx.example.com [198.51.100.1]) by mx.example.com with ESMTP id 2; Thu, 6 Mar 2025 10:00:02 +0000\n' +
        'Received: from a.example (a.example [192.0.2.1]) by [198.51.100.1] with ESMTP id 1; Thu, 6 Mar 2025 10:00:01 +0000\n',
    );
    expect(analysis.hops.map((h) => h.broken)).toEqual([false, false, false]);
  });

  test('private and public client addresses', () => {
    const analysis = analyzeMessage(
      'Received: from a (a [10.1.2.3]) by b; Thu, 6 Mar 2025 10:00:01 +0000\n' +
        'Received: from c (c [203.0.113.5]) by d; Thu, 6 Mar 2025 10:00:00 +0000\n' +
        'Received: from e by f; Thu, 6 Mar 2025 09:59:59 +0000\n',
    );
    expect(analysis.hops.map((h) => [h.fromIpScope, h.private])).toEqual([
      [null, null],
      ['documentation', false],
      ['private', true],
    ]);
  });

  test('every contract key is present, absent values are null, and the result is plain JSON', () => {
    const analysis = analyzeMessage('Received: ;\nReceived: by x\n');
    for (const hop of analysis.hops) {
      for (const key of hopContractKeys) {
        expect(hop).toHaveProperty(key);
        expect(hop[key as keyof typeof hop]).not.toBeUndefined();
      }
    }
    expect(JSON.parse(JSON.stringify(analysis))).toEqual(analysis);
  });

  test('no Received fields, or nothing at all', () => {
    expect(analyzeMessage('Subject: x\n').warnings[0]?.code).toBe('no-received');
    expect(analyzeMessage('').hops).toEqual([]);
    expect(analyzeMessage(Buffer.alloc(0)).hops).toEqual([]);
  });

  test("the sender's own copy (a saved .eml no server handled) is named as such, not as a short paste", async () => {
    // as an app's mail library writes it: From, Date, Message-ID, and no trace field yet
    const saved = await new MailComposer({
      from: 'Billing <billing@shop.example>',
      to: 'ann@example.com',
      subject: 'Invoice 2291',
      text: 'Attached.',
    })
      .compile()
      .build();
    const words = (raw: string | Buffer) =>
      analyzeMessage(raw).warnings.find((w) => w.code === 'no-received')?.message;
    expect(words(saved)).toBe(
      'The message has no Received fields: it is a copy no server has handled yet, as the ' +
        'program that wrote it saved it (a sent or draft .eml, an outbox), so there is no route. ' +
        'For the route, analyze the copy a recipient got (Gmail: ⋮ → Show original; Outlook: ' +
        'File → Properties → Internet headers).',
    );
    // a copy a server delivered (Return-Path, Delivered-To) whose Received fields were cut off,
    // and a part of a header, are still told to paste the whole header
    const paste =
      /^The header has no Received fields, so there is no route to show\. Paste the whole header/;
    expect(words(`Return-Path: <billing@shop.example>\n${saved.toString()}`)).toMatch(paste);
    expect(words('Subject: Invoice 2291\nFrom: billing@shop.example\n')).toMatch(paste);
  });

  test('a 9 MB paste of Received fields: the 100 most recent are read, and the rest is named', () => {
    // before, all 70,000 became hops: the API held its thread ~9 s and answered with 80 MB
    const fields: string[] = [];
    for (let n = 70_000; n > 0; n--) {
      fields.push(
        `Received: from h${n - 1}.example (h${n - 1}.example [192.0.2.1]) by h${n}.example with ESMTP id ${n}; Thu, 6 Mar 2025 10:00:00 +0000`,
      );
    }
    const paste = fields.join('\n') + '\n';
    expect(paste.length).toBeGreaterThan(8_500_000);
    const analysis = analyzeMessage(paste);
    expect(analysis.hops).toHaveLength(100);
    // oldest first among those read; the top-most field is the last hop
    expect(analysis.hops[0]?.by).toBe('h69901.example');
    expect(analysis.hops[99]?.by).toBe('h70000.example');
    expect(analysis.hops.some((hop) => hop.broken)).toBe(false);
    const truncated = analysis.warnings.find((w) => w.code === 'hops-truncated');
    expect(truncated?.message).toBe(
      'The header has 70,000 Received fields; only the 100 most recent (top-most) are shown. ' +
        'A real route has a few dozen at most, so this is a mail loop or a made-up header.',
    );
    expect(truncated?.hop).toBeUndefined();
  });

  test('a zone that gives no offset is read as UTC and the hop says so; -0000 is UTC; known zones are kept as written', () => {
    const analysis = analyzeMessage(
      field('d.example', 'e.example', 'Thu, 6 Mar 2025 15:00:09 +0100') +
        field('c.example', 'd.example', 'Thu, 6 Mar 2025 14:00:08') +
        field('b.example', 'c.example', 'Thu, 6 Mar 2025 14:00:07 -0000') +
        field('a.example', 'b.example', 'Thu, 6 Mar 2025 15:00:05 CET') +
        field('z.example', 'a.example', 'Thu, 6 Mar 2025 06:00:03 PST'),
    );
    expect(analysis.hops.map((h) => [h.zone, h.zoneKnown, h.utcOffsetMinutes])).toEqual([
      ['PST', true, -480],
      ['CET', false, 0],
      ['-0000', true, 0],
      [null, false, 0],
      ['+0100', true, 60],
    ]);
    // delays still come from the instants (CET read as UTC: an hour too late)
    expect(analysis.hops[1]?.delaySeconds).toBe(3602);
    expect(
      analysis.warnings.filter((w) => w.code === 'hop-zone-unknown').map((w) => [w.hop, w.message]),
    ).toEqual([
      [
        1,
        'Hop 2: zone CET not defined by RFC 5322: read as UTC; delays around this hop may be off by hours.',
      ],
      [
        3,
        'Hop 4: the date names no time zone: read as UTC; delays around this hop may be off by hours.',
      ],
    ]);
  });

  test('encoded words in a Received field read decoded; the field stays as written in raw', () => {
    const raw =
      'Received: from =?utf-8?q?m=C3=BCller-pc?= (dsl.example.org [203.0.113.7])\n' +
      ' by mx.example.net with ESMTP id =?utf-8?B?w6k=?=1 for <=?utf-8?q?j=C3=B6rg?=@example.net>;\n' +
      ' Thu, 6 Mar 2025 15:00:05 +0000\n';
    const [hop] = analyzeMessage(raw).hops;
    expect(hop).toMatchObject({
      from: 'müller-pc',
      fromRdns: 'dsl.example.org',
      fromIp: '203.0.113.7',
      by: 'mx.example.net',
      id: 'é1',
      for: 'jörg@example.net',
    });
    expect(hop?.raw).toBe(raw.trimEnd());
  });

  test('a decoded name cannot carry control or bidi characters into the reading', () => {
    // "evil" + RIGHT-TO-LEFT OVERRIDE + "gpj.exe", and a line break, each encoded
    const raw =
      'Received: from =?utf-8?q?evil=E2=80=AEgpj.exe?= (dsl.example.org [203.0.113.7])\n' +
      ' by mx.example.net with ESMTP id =?utf-8?q?a=0Db?=; Thu, 6 Mar 2025 15:00:05 +0000\n';
    const [hop] = analyzeMessage(raw).hops;
    expect(hop).toMatchObject({ from: 'evil\uFFFDgpj.exe', id: 'a\uFFFDb' });
  });
});

describe('stamps in whole seconds above one in fractions', () => {
  // SendGrid's own stamp (Go's time format, to the nanosecond) below Cloudflare Email Routing's,
  // which names only the second (a real chain, October 2025)
  const cloudflare =
    'Received: from o13.ptr1681.sender.example (203.0.113.231)\n' +
    '        by cloudflare-email.net (cloudflare) id B1LtRqYDFOMJ\n' +
    '        for <me@owner.example>; Sat, 25 Oct 2025 04:54:50 +0000\n';
  const sendgrid =
    'Received: by recvd-868874bfdf-4nfd6 with SMTP id recvd-868874bfdf-4nfd6-1-68FC581A-19\n' +
    '\t2025-10-25 04:54:50.563674155 +0000 UTC m=+6852734.027865782\n';

  test('under a second "before" the one below is within the second it names: no clock skew', () => {
    const route = analyzeMessage(cloudflare + sendgrid);
    expect(route.warnings.map((w) => w.code)).not.toContain('clock-skew');
    expect(route.hops[1]?.skew).toBe(false);
    expect(route.hops[1]?.delaySeconds).toBe(0);
  });

  test('a second or more before, or a fraction above a whole second, is still skew', () => {
    const earlier = cloudflare.replace('04:54:50 +0000', '04:54:49 +0000');
    expect(analyzeMessage(earlier + sendgrid).hops[1]?.skew).toBe(true);
    // the lower stamp in whole seconds can only be later than it says, so this is skew
    const wholeBelow =
      'Received: from a.example (a.example [192.0.2.1]) by b.example with ESMTP id 1; ' +
      'Sat, 25 Oct 2025 04:54:50.400 +0000\n' +
      'Received: from c.example (c.example [192.0.2.2]) by a.example with ESMTP id 2; ' +
      'Sat, 25 Oct 2025 04:54:51 +0000\n';
    expect(analyzeMessage(wholeBelow).hops[1]?.skew).toBe(true);
  });
});
