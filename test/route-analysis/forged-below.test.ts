// Spam writes made-up Received fields below the real ones, naming the domain it forges, and greets
// the real receiver with a name in that domain so the route looks whole. A client whose address
// has no reverse-DNS name is known only by that greeting (HELO), which nobody checks: it must not
// tie the chain together, and the stamps below it are the sender's claim, not the first hop.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { analyzeMessage } from '../../main/core/route-analysis/index.js';

const headerSet = (name: string): Buffer =>
  readFileSync(join(import.meta.dirname, 'header-sets', `${name}.eml`));

const codes = (raw: string | Buffer) =>
  analyzeMessage(raw).warnings.map((warning) => [warning.code, warning.hop]);

describe('a hand-over tied to the chain only by an unchecked HELO name', () => {
  test('a phish’s made-up hops below the real one are the sender’s claim (qmail stamp)', () => {
    const analysis = analyzeMessage(headerSet('forged'));
    expect(analysis.hops.map((hop) => hop.by)).toEqual([
      'mail.bank.example',
      'smtp.bank.example',
      'mx.victim.example',
    ]);
    const warning = analysis.warnings.find((w) => w.code === 'chain-unverified');
    expect(warning).toEqual({
      code: 'chain-unverified',
      hop: 2,
      message:
        'Hop 3 came from 198.51.100.66, which has no reverse-DNS name; only its own greeting ' +
        '(HELO bank.example), which nobody checks, ties it to smtp.bank.example, which stamped ' +
        'Hop 2. Nothing shows that Hops 1–2 were written by servers on the way: spam adds ' +
        'made-up Received fields below the real ones, so read them as the sender’s claim.',
    });
    expect(analysis.hops[2]?.broken).toBe(true);
    // the Date field is set against the first stamp a receiver vouches for, not the made-up one
    expect(analysis.dateToFirstHop).toMatchObject({
      hop: 2,
      seconds: 106,
      message: 'Date header → Hop 3 (the first a receiver vouches for): 1 min 46 s',
    });
  });

  test('Postfix’s `unknown` and Exim’s bare address are a lookup that found no name', () => {
    const below =
      'Received: from mail.shop.example (mail.shop.example [203.0.113.45]) by ' +
      'smtp.shop.example (Postfix) with ESMTP id 1; Thu, 6 Mar 2025 10:00:01 +0000\n';
    const postfix =
      'Received: from smtp.shop.example (unknown [198.51.100.7]) by mx.example.org (Postfix) ' +
      'with ESMTP id 2; Thu, 6 Mar 2025 10:00:03 +0000\n';
    const exim =
      'Received: from [198.51.100.7] (helo=smtp.shop.example) by mx.example.org with esmtp ' +
      '(Exim 4.96) (envelope-from <a@shop.example>) id 1tA-000-Ab; Thu, 06 Mar 2025 10:00:03 +0000\n';
    expect(codes(postfix + below)).toEqual([['chain-unverified', 1]]);
    expect(codes(exim + below)).toEqual([['chain-unverified', 1]]);
  });

  test('a name the receiver looked up, or a server that records no lookup, still joins up', () => {
    const below =
      'Received: from mail.shop.example (mail.shop.example [203.0.113.45]) by ' +
      'smtp.shop.example (Postfix) with ESMTP id 1; Thu, 6 Mar 2025 10:00:01 +0000\n';
    const looked =
      'Received: from smtp.shop.example (smtp.shop.example [198.51.100.7]) by mx.example.org ' +
      '(Postfix) with ESMTP id 2; Thu, 6 Mar 2025 10:00:03 +0000\n';
    expect(codes(looked + below)).toEqual([]);
    // Exchange Online writes `helo (address)` and never a lookup: its own hops keep joining up
    expect(analyzeMessage(headerSet('m365')).warnings.map((w) => w.code)).toEqual([]);
  });
});

test('a made-up route that a gap no queue explains already gives away is told once', () => {
  const analysis = analyzeMessage(
    'Received: from unknown (HELO mail.bank.example) (198.51.100.66)\n' +
      '  by mx.victim.example with SMTP; 19 Mar 2025 03:12:44 -0000\n' +
      'Received: from secure.bank.example (secure.bank.example [192.0.2.11])\n' +
      '\tby mail.bank.example (Postfix) with ESMTP id 1; Mon, 1 Jan 2024 00:00:00 +0000\n',
  );
  expect(analysis.warnings.map((w) => [w.code, w.hop])).toEqual([['delay-implausible', 1]]);
});

test('a saved message handed in again on this machine is a local resubmission, not a missing hop', () => {
  const analysis = analyzeMessage(
    'Received: from vm (unknown [127.0.0.1])\n\tby vm (Relaydesk) with ESMTP id 0mx9\n' +
      '\tfor <client@example.org>; Wed, 5 Mar 2025 10:02:00 +0000\n' +
      'Received: from mail.example.com (mail.example.com [203.0.113.45]) by mx.example.org ' +
      '(Postfix) with ESMTPS id 4Z; Wed, 5 Mar 2025 10:00:01 +0000\n',
  );
  expect(analysis.warnings).toEqual([
    {
      code: 'local-resubmission',
      hop: 1,
      message:
        'Hop 2 was handed in by a program on vm itself (127.0.0.1), not passed on by ' +
        'mx.example.org, which stamped Hop 1: a saved message sent again (the hops below are ' +
        'its earlier delivery), or a local filter handing it back under another name.',
    },
  ]);
  expect(analysis.hops[1]?.broken).toBe(false);
});

test('the total and the slowest hop count only the stamps a receiver vouches for', () => {
  // forged.eml: the made-up hops below Hop 3 read 2 s apart, Hop 3 1 min 42 s after them; the
  // summary said "1 min 44 s from first to last" and marked Hop 3 as the slowest
  const forged = analyzeMessage(headerSet('forged'));
  expect([forged.totalSeconds, forged.positiveSeconds, forged.slowestHop]).toEqual([
    null,
    null,
    null,
  ]);
  expect(forged.slowestTies).toEqual([]);
  // with a real hop above the HELO-only hand-over, its delay is the route's time
  const above =
    'Received: from mx.victim.example (mx.victim.example [203.0.113.5]) by imap.victim.example ' +
    '(Postfix) with ESMTP id 9; Wed, 19 Mar 2025 03:12:49 +0000\n';
  const longer = analyzeMessage(Buffer.concat([Buffer.from(above), headerSet('forged')]));
  expect([longer.totalSeconds, longer.positiveSeconds, longer.slowestHop]).toEqual([5, 5, 3]);
});

describe('a provider’s server under its internal name, then under its public one', () => {
  const codesOf = (name: string) => codes(headerSet(name));

  test('Fastmail, SendGrid and Mailgun hand-overs no longer read as a missing hop', () => {
    // before: chain-broken at Fastmail's hops 3 and 5, SendGrid's hop 3, Mailgun's hop 2
    expect(codesOf('fastmail')).toEqual([]);
    expect(codesOf('sendgrid')).toEqual([]);
    expect(codesOf('mailgun')).toEqual([]);
  });

  const internalBelow =
    'Received: by filterdrecv-7bc86b958d-x2xkp with SMTP id 1; Mon, 10 Mar 2025 09:00:05 +0000\n';

  test('a client the receiver found no name for still does not join an internal name', () => {
    const spam =
      'Received: from o1.sendgrid.net (unknown [198.51.100.66]) by mx.customer.example ' +
      '(Postfix) with ESMTP id 2; Mon, 10 Mar 2025 09:00:09 +0000\n';
    expect(codes(spam + internalBelow)).toEqual([['chain-broken', 1]]);
  });

  test('a public name below a verified client that is not it still breaks the chain', () => {
    const publicBelow =
      'Received: from a.example.net (a.example.net [192.0.2.1]) by relay.example.net ' +
      '(Postfix) with ESMTP id 1; Mon, 10 Mar 2025 09:00:05 +0000\n';
    const above =
      'Received: from o1.sendgrid.net (o1.sendgrid.net [149.72.1.2]) by mx.customer.example ' +
      '(Postfix) with ESMTP id 2; Mon, 10 Mar 2025 09:00:09 +0000\n';
    expect(codes(above + publicBelow)).toEqual([['chain-broken', 1]]);
    expect(codes(above + internalBelow)).toEqual([]);
  });
});

describe('a provider under two registered domains (provider-domains.ts)', () => {
  const zohoBelow =
    'Received: by mx.zohomail.com with SMTPS id 1727365708730543.5536461193848;\n' +
    ' Thu, 26 Sep 2024 08:48:28 -0700 (PDT)\n';
  const fromZoho = (client: string) =>
    `Received: from sender4-of-o51.zoho.com (${client} [192.0.2.51]) by mx1.example.net ` +
    '(Halon) with ESMTPS id ca65b530; Thu, 26 Sep 2024 17:48:37 +0200 (CEST)\n';

  test('Zoho’s two domains join up when the receiver looked up the client’s name', () => {
    expect(codes(fromZoho('sender4-of-o51.zoho.com') + zohoBelow)).toEqual([]);
  });

  test('a HELO name in the sibling domain, from an address with no name, is still the sender’s claim', () => {
    expect(codes(fromZoho('unknown') + zohoBelow)).toEqual([['chain-unverified', 1]]);
  });

  test('a domain outside the table still breaks the chain, either way round', () => {
    const strangerBelow =
      'Received: by mx.mail-relay.example with SMTPS id 1; Thu, 26 Sep 2024 08:48:28 -0700\n';
    expect(codes(fromZoho('sender4-of-o51.zoho.com') + strangerBelow)).toEqual([
      ['chain-broken', 1],
    ]);
    const strangerAbove =
      'Received: from mail.mail-relay.example (mail.mail-relay.example [192.0.2.77]) by ' +
      'mx1.example.net (Halon) with ESMTPS id 2; Thu, 26 Sep 2024 17:48:37 +0200 (CEST)\n';
    expect(codes(strangerAbove + zohoBelow)).toEqual([['chain-broken', 1]]);
  });

  test('Brevo’s relay joins the servers it sends from, in its other domains, by their looked-up names', () => {
    const relay =
      'Received: by smtp-relay.sendinblue.com with ESMTP id ca7b5992-61ae-4353-adcb-f81d7ca12f0d; ' +
      'Sun, 14 April 2024 13:20:26 +0000 (UTC)\n';
    const from = (client: string, rdns: string) =>
      `Received: from ${client} (${rdns} [77.32.148.22]) by smtp.lists.example.org (Postfix) ` +
      'with ESMTPS id 6009641A84; Sun, 14 Apr 2024 13:21:36 +0000 (UTC)\n';
    expect(codes(from('gu.d.sender-sib.com', 'gu.d.sender-sib.com') + relay)).toEqual([]);
    expect(codes(from('bi.d.mailin.fr', 'bi.d.mailin.fr') + relay)).toEqual([]);
    expect(codes(from('gu.d.sender-sib.com', 'unknown') + relay)).toEqual([
      ['chain-unverified', 1],
    ]);
  });

  test('only vger’s own names join vger.email, not the rest of kernel.org', () => {
    const vger = (by: string) =>
      'Received: from out1.vger.email (out1.vger.email [IPv6:2001:db8:e000::1:20]) by ' +
      'mail.example.com (Postfix) with ESMTP id 1; Mon, 29 Aug 2022 16:11:13 +0200\n' +
      `Received: (majordomo@vger.kernel.org) by ${by} via listexpand id S2; ` +
      'Mon, 29 Aug 2022 10:11:11 -0400\n';
    expect(codes(vger('vger.kernel.org'))).toEqual([]);
    expect(codes(vger('smtp.kernel.org'))).toEqual([['chain-broken', 1]]);
  });
});

describe('SendGrid’s API stamps below a server that is not SendGrid’s', () => {
  // the bottom stamps are the sender's to write: copied below a spammer's own server they must
  // not read as SendGrid's API, nor join up
  const sendgridBelow =
    'Received: by recvd-868874bfdf-4nfd6 with SMTP id recvd-868874bfdf-4nfd6-1-68FC581A-19\n' +
    '\t2025-10-25 04:54:50.563674155 +0000 UTC m=+6852734.027865782\n' +
    'Received: from MjAyMTY3MDY (unknown)\n\tby geopod-ismtpd-9 (SG) with HTTP\n' +
    '\tid PPZxkN-RRX2WQXr8fgE-uw\n\tSat, 25 Oct 2025 04:54:50.526 +0000 (UTC)\n';
  const cloudflareFrom = (address: string) =>
    `Received: from o13.ptr1681.sender.example (${address})\n` +
    '        by cloudflare-email.net (cloudflare) id B1LtRqYDFOMJ\n' +
    '        for <me@owner.example>; Sat, 25 Oct 2025 04:54:50 +0000\n';

  test('from an address outside SendGrid’s network, the chain breaks and no API is read', () => {
    const route = analyzeMessage(cloudflareFrom('203.0.113.66') + sendgridBelow);
    expect(route.warnings.map((w) => [w.code, w.hop])).toEqual([['chain-broken', 2]]);
    expect(route.hops.map((hop) => hop.internalStep)).toEqual([null, null, null]);
    expect(route.hops[0]?.clientCheck).toBe('claimed');
  });

  test('from SendGrid’s network, the same stamps are SendGrid’s and join up', () => {
    const route = analyzeMessage(cloudflareFrom('159.183.12.231') + sendgridBelow);
    expect(route.warnings).toEqual([]);
    expect(route.hops[0]?.internalStep?.kind).toBe('api-submission');
  });

  test('a HELO in SendGrid’s domain, or a name that did not map back, earns nothing', () => {
    const helo =
      'Received: from o1.outbound-mail.sendgrid.net (203.0.113.66) by cloudflare-email.net ' +
      '(cloudflare) id B1; Sat, 25 Oct 2025 04:54:50 +0000\n';
    expect(codes(helo + sendgridBelow)).toEqual([['chain-broken', 2]]);
    const forged =
      'Received: from o1.outbound-mail.sendgrid.net (o1.outbound-mail.sendgrid.net ' +
      '[159.183.12.231] (may be forged)) by mx.example.org (8.18.1/8.18.1) with ESMTP id 2; ' +
      'Sat, 25 Oct 2025 04:54:50 +0000\n';
    expect(analyzeMessage(forged + sendgridBelow).hops[0]?.internalStep).toBeNull();
  });
});
