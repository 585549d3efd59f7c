// The route of a message through the API: for mail Relaydesk received, and for pasted headers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RouteAnalysis } from '../../main/core/route-analysis/index.js';
import type { AnalyzedHeaders } from '../../preload/api-contract.js';
import { outlookMsg, wordDocument } from '../helpers/outlook-msg.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk({ hostname: 'relay.test' });
});
afterAll(async () => relay?.dispose());

const earlierHops =
  'Received: from mx.sender.example (mx.sender.example [192.0.2.20])\r\n' +
  '\tby gateway.example (Postfix) with ESMTPS id 4ABC\r\n' +
  '\tfor <bob@rcpt.example>; Sat, 28 Nov 2026 10:00:05 +0000\r\n' +
  'Received: from app.sender.example ([198.51.100.7])\r\n' +
  '\tby mx.sender.example with ESMTPA id 77; Sat, 28 Nov 2026 10:00:00 +0000\r\n';

it('parses the Received chain of a captured message, with our own hop last', async () => {
  const raw = Buffer.from(
    `${earlierHops}From: ada@sender.example\r\nTo: bob@rcpt.example\r\nSubject: routed\r\n\r\nhi\r\n`,
  );
  const info = await relay.transport().sendMail({
    envelope: { from: 'ada@sender.example', to: ['bob@rcpt.example', 'hidden@rcpt.example'] },
    raw,
  });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  const route = await relay.api<RouteAnalysis>(`/api/v1/message/${id}/route`);
  expect(route.hops.map((h) => [h.from, h.by, h.with, h.tls])).toEqual([
    ['app.sender.example', 'mx.sender.example', 'ESMTPA', false],
    ['mx.sender.example', 'gateway.example', 'ESMTPS', true],
    ['[127.0.0.1]', 'relay.test', 'ESMTP', false],
  ]);
  expect(route.hops[1]).toMatchObject({
    fromIp: '192.0.2.20',
    delaySeconds: 5,
    id: '4ABC',
    for: 'bob@rcpt.example',
  });
  expect(route.hops[2]?.id).toBe(id);
  // the envelope had a recipient the headers do not show: a Bcc
  expect(JSON.stringify(route.envelope)).toContain('hidden@rcpt.example');
});

it('analyses pasted headers without storing anything', async () => {
  const before = await relay.api<{ total: number }>('/api/v1/messages');
  const res = await relay.fetch('/api/v1/analyze', {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: `${earlierHops}Subject: pasted\r\n`,
  });
  expect(res.status).toBe(200);
  const route = (await res.json()) as RouteAnalysis;
  expect(route.hops).toHaveLength(2);
  expect(route.totalSeconds).toBe(5);
  expect((await relay.api<{ total: number }>('/api/v1/messages')).total).toBe(before.total);
});

it('answers 400 for an empty analysis request', async () => {
  const res = await relay.fetch('/api/v1/analyze', {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: '',
  });
  expect(res.status).toBe(400);
  expect((await res.json()).error).toMatch(/^body: give the headers/);
});

it('answers 415 naming the fix when headers are posted as curl sends them by default', async () => {
  // `curl --data-binary @headers.txt` without -H says application/x-www-form-urlencoded
  const res = await relay.fetch('/api/v1/analyze', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: earlierHops,
  });
  expect(res.status).toBe(415);
  expect((await res.json()).error).toBe(
    'Content-Type: application/x-www-form-urlencoded is not read by POST /api/v1/analyze: send ' +
      'JSON as application/json, or a message or pasted headers as text/plain or message/rfc822 ' +
      "where the route takes one (curl -H 'Content-Type: text/plain' --data-binary @headers.txt).",
  );
});

it('reads dates written month first in a mail sent on through the relay, with the hop delays', async () => {
  // ctime(3) without a zone, and month-day-year before the time (Debian bug #303898)
  const raw =
    'Received: from gw.example.net (gw.example.net [203.0.113.61])\r\n' +
    '\tby relay.example.org with ESMTP id RLY2; Thu, Dec 03 2026 10:00:30 +0000\r\n' +
    'Received: from client.example.net ([203.0.113.60])\r\n' +
    '\tby gw.example.net with SMTP id GW1; Thu Dec  3 10:00:00 2026\r\n' +
    'From: yuki@example.net\r\nTo: yuki@example.com\r\nSubject: month first\r\n\r\nhi\r\n';
  const info = await relay
    .transport()
    .sendMail({ envelope: { from: 'yuki@example.net', to: ['yuki@example.com'] }, raw });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  const route = await relay.api<RouteAnalysis>(`/api/v1/message/${id}/route`);
  expect(route.hops.slice(0, 2).map((h) => [h.timestamp, h.delaySeconds, h.zone])).toEqual([
    ['2026-12-03T10:00:00Z', null, null],
    ['2026-12-03T10:00:30Z', 30, '+0000'],
  ]);
  // the zone the ctime date leaves out is said, not guessed silently
  expect(route.warnings).toContainEqual(
    expect.objectContaining({ code: 'hop-zone-unknown', hop: 0 }),
  );
  expect(route.warnings.map((w) => w.message).join('\n')).toMatch(
    /Hop 1: the date names no time zone: read as UTC/,
  );
});

it('reads every X-Forwarded-For field: the originating client and the path it took', async () => {
  // a webmail's field (the client behind 10.0.0.5) and, on top, a later proxying hop's
  const raw =
    'X-Forwarded-For: 198.51.100.20\r\n' +
    'X-Forwarded-For: 10.0.0.5, 203.0.113.9, 192.168.1.1\r\n' +
    'From: ada@sender.example\r\nTo: bob@rcpt.example\r\nSubject: proxied\r\n\r\nhi\r\n';
  const info = await relay
    .transport()
    .sendMail({ envelope: { from: 'ada@sender.example', to: ['bob@rcpt.example'] }, raw });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  const route = await relay.api<RouteAnalysis>(`/api/v1/message/${id}/route`);
  expect(route.origin.xForwardedFor).toEqual([
    '10.0.0.5',
    '203.0.113.9',
    '192.168.1.1',
    '198.51.100.20',
  ]);
  expect(route.origin.xForwardedForClient).toBe('203.0.113.9');
});

// The API's figures are the Route view's (preload/route-figures.ts): before, the API counted
// qmail's queue note as a hop that came over the network ("verified at 0 of 2") and timed a phish
// sent again to the relay from its vouched-for hop across the re-send (years, not 5 s).
const headerSet = (name: string) =>
  readFileSync(join(import.meta.dirname, '..', 'route-analysis', 'header-sets', `${name}.eml`));

it("does not count qmail's queue note as a hand-over between servers", async () => {
  const res = await relay.fetch('/api/v1/analyze', {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822' },
    body: headerSet('qmail'),
  });
  const route = (await res.json()) as RouteAnalysis;
  expect(route.hops).toHaveLength(3);
  // the submission (by uid 1001) is local, the queue note (Hop 3) no hand-over: one network hop
  expect(route.verifiedClients.networkHops).toBe(1);
  expect(route.totalSeconds).toBe(7);
  expect(route.sentAgainAt).toBeNull();
});

it('times a phish sent again to the relay from its vouched-for hop to the re-send, not across it', async () => {
  const hopAbove =
    'Received: from mx.victim.example (mx.victim.example [203.0.113.5]) by imap.victim.example ' +
    '(Postfix) with ESMTP id 9; Wed, 19 Mar 2025 03:12:49 +0000\r\n';
  const raw = Buffer.from(
    hopAbove + headerSet('forged').toString('utf8').replace(/\r?\n/g, '\r\n'),
  );
  const info = await relay.transport().sendMail({
    envelope: { from: 'security@bank.example', to: ['client@victim.example'] },
    raw,
  });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  const route = await relay.api<RouteAnalysis>(`/api/v1/message/${id}/route`);
  expect(route.hops).toHaveLength(5);
  expect(route.warnings.map((w) => [w.code, w.hop])).toEqual(
    expect.arrayContaining([
      ['chain-unverified', 2],
      ['delay-resent', 4],
    ]),
  );
  // Hop 3 (03:12:44) to Hop 4 (03:12:49): the relay's own stamp, today, is the re-send
  expect(route.totalSeconds).toBe(5);
  expect(route.sentAgainAt).toBe(4);
  const analyzed = (await (
    await relay.fetch('/api/v1/analyze', {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: await relay.fetch(`/api/v1/message/${id}/raw`).then((r) => r.text()),
    })
  ).json()) as RouteAnalysis;
  expect([analyzed.totalSeconds, analyzed.sentAgainAt]).toEqual([5, 4]);
});

it('reads the route of an Outlook .msg posted as it is, and says why a draft or a Word file has none', async () => {
  const eml = readFileSync(
    join(import.meta.dirname, '..', 'route-analysis', 'corpus', 'microsoft-365.eml'),
    'utf8',
  );
  const header = eml.slice(0, eml.search(/\r?\n\r?\n/));
  const post = (body: Buffer, type = 'application/vnd.ms-outlook') =>
    relay.fetch('/api/v1/analyze', {
      method: 'POST',
      headers: { 'Content-Type': type },
      body: new Uint8Array(body),
    });
  const fromEml = await (await post(Buffer.from(eml), 'text/plain')).json();
  const msg = outlookMsg({ subject: 'Lunch', headers: header, attachedHeaders: earlierHops });
  const res = await post(msg);
  expect(res.status).toBe(200);
  const fromMsg = (await res.json()) as RouteAnalysis;
  // the same route as the .eml's, not the attached message's two hops
  expect(fromMsg.hops.length).toBe(6);
  expect(fromMsg).toEqual(fromEml);
  // curl's --data-binary says form-urlencoded unless told; as text/plain the bytes are read too
  expect((await post(msg, 'text/plain')).status).toBe(200);

  const draft = await post(outlookMsg({ subject: 'Draft' }));
  expect(draft.status).toBe(400);
  expect(((await draft.json()) as { error: string }).error).toBe(
    'The posted file is an Outlook message with no Internet headers: Outlook keeps them only for mail it received, so a draft or a sent message has none. Save a message from the Inbox instead.',
  );
  const word = await post(wordDocument());
  expect(word.status).toBe(400);
  expect(((await word.json()) as { error: string }).error).toMatch(
    /^The posted file is not an Outlook message: it is another kind of Office file/,
  );
});

it('reads a bounce given to Analyze: what it reports, and the route of the message it returns', async () => {
  const analyze = async (file: string): Promise<AnalyzedHeaders> =>
    (await relay
      .fetch('/api/v1/analyze', {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: readFileSync(join(import.meta.dirname, '..', 'unit', 'delivery-reports', file)),
      })
      .then((res) => res.json())) as AnalyzedHeaders;
  const exim = await analyze('exim.eml');
  // the bounce's own route: from the mailer-daemon back to the sender
  expect(exim.hops.map((hop) => hop.by)).toEqual(['relay.example.com']);
  expect(exim.report?.deliveryReport.recipients).toEqual([
    expect.objectContaining({ address: 'ghost@example.org', action: 'failed', status: '5.0.0' }),
  ]);
  // the returned message's: handed in by the app on the relay itself
  expect(exim.report?.returned?.subject).toBe('Welcome — confirm your address');
  expect(exim.report?.returned?.route.hops.map((hop) => [hop.from, hop.by, hop.for])).toEqual([
    ['app', 'relay.example.com', 'ghost@example.org'],
  ]);
  // Gmail returns the original as it was handed in: a report, and a returned copy without hops
  const gmail = await analyze('gmail.eml');
  expect(gmail.report?.deliveryReport.recipients.map((r) => r.status)).toEqual(['5.1.1', '5.7.26']);
  expect(gmail.report?.returned).toMatchObject({ subject: 'Reset your password' });
  expect(gmail.report?.returned?.route.hops).toEqual([]);
  // the header block alone of a bounce, or any other message: no report
  const headerOnly = readFileSync(
    join(import.meta.dirname, '..', 'unit', 'delivery-reports', 'exim.eml'),
    'utf8',
  ).split(/\r?\n\r?\n/)[0];
  const plain = await relay.api<AnalyzedHeaders>('/api/v1/analyze', {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: headerOnly,
  });
  expect(plain.report).toBeNull();
  expect(plain.hops).toEqual(exim.hops);
});
