// The delay warning (Postfix's delay_warning_time): a real upstream keeps a recipient deferred
// with 451, the queue's clock is moved by hand, and the sender's report is read with mailparser
// as it reached the upstream. Once per message, also across a restart; never with DSNs off, the
// setting 0, or for the null sender.
import { simpleParser, type Attachment } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery, QueueView } from '../../preload/api-contract.js';
import { settled } from '../helpers/delivery.js';
import { waitFor } from '../helpers/eventually.js';
import { manualClock, type ManualClock } from '../helpers/manual-clock.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const hour = 3_600_000;
const busy = '4.2.1 <bob@rcpt.example>: Mailbox busy, try again later';

async function busyUpstream(): Promise<RunningUpstream> {
  const server = await startUpstreamServer({
    tls: 'none',
    failures: { rcpt: { 'bob@rcpt.example': { code: 451, text: busy } } },
  });
  cleanups.push(() => server.close());
  return server;
}

function settingsFor(server: RunningUpstream, more: Record<string, unknown>) {
  return {
    mode: 'relay',
    hostname: 'relay.test',
    relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    // one retry an hour, so each hour moved is one attempt
    retryMinutes: [60],
    retryThenEveryMinutes: 60,
    ...more,
  };
}

async function relaydesk(
  settings: Record<string, unknown>,
  clock: ManualClock,
  dataDir?: string,
): Promise<TestRelaydesk> {
  const relay = await startTestRelaydesk(settings, dataDir, { now: clock.now });
  let open = true;
  cleanups.push(async () => {
    if (open) await relay.dispose();
  });
  const close = relay.close.bind(relay);
  return Object.assign(relay, {
    async close() {
      open = false;
      await close();
    },
  });
}

async function send(
  relay: TestRelaydesk,
  from: string,
  subject = 'Invoice 2026-118',
): Promise<string> {
  const info = await relay.transport().sendMail({
    envelope: { from, to: ['bob@rcpt.example'] },
    from: 'accounts@sender.example',
    to: 'bob@rcpt.example',
    subject,
    text: 'Your invoice is attached.',
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

/** One more attempt, an hour later on the queue's clock; resolves with the delivery after it. */
async function anHourLater(
  relay: TestRelaydesk,
  clock: ManualClock,
  id: string,
  attempts: number,
): Promise<MessageDelivery> {
  clock.advance(hour + 1000);
  relay.service.kickQueue();
  return settled(relay, id, (d) => d.recipients[0]?.attempts.length === attempts);
}

const warnings = (d: MessageDelivery) =>
  d.recipients.flatMap((r) => r.history.filter((h) => h.notice === 'delay-warning'));

type Found = { messages: Array<{ ID: string; Subject: string }> };
const reports = (relay: TestRelaydesk) =>
  relay.api<Found>('/api/v1/search?query=mailbox:dsn').then((found) => found.messages);

describe('the delay warning', () => {
  it('goes once to the sender after the time, as RFC 3464 "delayed", and not again after a restart', async () => {
    const server = await busyUpstream();
    // a message's arrival time is the listener's real clock: the queue's clock starts there
    const clock = manualClock(Date.now());
    const dataDir = await makeDataDir();
    const settings = settingsFor(server, { dsn: true, delayWarningHours: 2.5, lifetimeHours: 24 });
    let relay = await relaydesk(settings, clock, dataDir);
    const id = await send(relay, 'app@sender.example');
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');

    // before the time: 1 and 2 hours deferred, no warning
    for (const attempts of [2, 3]) {
      const delivery = await anHourLater(relay, clock, id, attempts);
      expect(delivery.recipients[0]?.state).toBe('deferred');
      expect(warnings(delivery)).toEqual([]);
    }
    expect(await reports(relay)).toEqual([]);

    // past 2.5 hours: the attempt that leaves it deferred warns the sender
    const warned = await anHourLater(relay, clock, id, 4);
    expect(warned.recipients[0]?.state).toBe('deferred');
    expect(warnings(warned)).toEqual([
      {
        state: 'deferred',
        at: expect.any(String),
        notice: 'delay-warning',
        reason: expect.stringMatching(
          /^delay warning sent to <app@sender\.example>: still deferred 3 h after arrival/,
        ),
      },
    ]);
    // the Queue view still says why it waits, not that a warning went
    const queue = await relay.api<QueueView>('/api/v1/queue');
    expect(queue.messages.find((m) => m.ID === id)?.recipients[0]?.why).toContain('Mailbox busy');

    // captured under `dsn`, and relayed to the sender from the null sender
    const [report] = await waitFor('the delay report', async () => {
      const found = await reports(relay);
      return found.length > 0 ? found : null;
    });
    expect(report?.Subject).toBe('Delayed Mail (still being retried)');
    const relayed = await waitFor('the report at the upstream', () =>
      server.messages.find((m) => m.mailFrom === ''),
    );
    expect(relayed.rcptTo).toEqual(['app@sender.example']);
    const parsed = await simpleParser(relayed.raw);
    expect(parsed.subject).toBe('Delayed Mail (still being retried)');
    expect(parsed.headers.get('content-type')).toMatchObject({
      value: 'multipart/report',
      params: { 'report-type': 'delivery-status' },
    });
    expect(parsed.text).toContain('THIS IS A WARNING ONLY');
    // mailparser reads the message/delivery-status part as text, after the human part
    const fields = (parsed.text ?? '').split('\n');
    expect(fields).toContain('Reporting-MTA: dns; relay.test');
    expect(fields).toContain('Final-Recipient: rfc822; bob@rcpt.example');
    expect(fields).toContain('Action: delayed');
    expect(fields).toContain('Status: 4.2.1');
    expect(fields).toContain(`Diagnostic-Code: smtp; 451 ${busy}`);
    // the lifetime, 24 h from the first attempt
    const until = fields.find((f) => f.startsWith('Will-Retry-Until: ')) ?? '';
    const firstAttempt = Date.parse(warned.recipients[0]?.history[1]?.at ?? '');
    expect(Date.parse(until.slice('Will-Retry-Until: '.length))).toBe(
      Math.floor((firstAttempt + 24 * hour) / 1000) * 1000,
    );
    const original = parsed.attachments.find(
      (a: Attachment) => a.contentType === 'text/rfc822-headers',
    );
    expect(original?.content.toString('utf8')).toContain('Subject: Invoice 2026-118');

    // still deferred an hour later: no second warning
    const later = await anHourLater(relay, clock, id, 5);
    expect(warnings(later)).toHaveLength(1);
    expect(await reports(relay)).toHaveLength(1);

    // nor after a restart: the warning is stored with the delivery state
    await relay.close();
    relay = await relaydesk(settings, clock, dataDir);
    const restarted = await anHourLater(relay, clock, id, 6);
    expect(restarted.recipients[0]?.state).toBe('deferred');
    expect(warnings(restarted)).toHaveLength(1);
    expect(await reports(relay)).toHaveLength(1);
    expect(server.messages.filter((m) => m.mailFrom === '')).toHaveLength(1);
  });

  it('is not sent with DSNs off, with the setting 0, or for the null sender', async () => {
    const server = await busyUpstream();
    const cases = [
      { settings: { dsn: false, delayWarningHours: 1 }, from: 'app@sender.example' },
      { settings: { dsn: true, delayWarningHours: 0 }, from: 'app@sender.example' },
      // a bounce report that is itself delayed: a warning would go to nobody, and could loop
      { settings: { dsn: true, delayWarningHours: 1 }, from: '' },
    ];
    for (const { settings, from } of cases) {
      const clock = manualClock(Date.now());
      const relay = await relaydesk(settingsFor(server, settings), clock);
      const id = await send(relay, from);
      await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
      for (const attempts of [2, 3, 4]) {
        const delivery = await anHourLater(relay, clock, id, attempts);
        expect(delivery.recipients[0]?.state, JSON.stringify(settings)).toBe('deferred');
        // the report is written only after its mark is on disk, which settled() waited for
        expect(warnings(delivery), JSON.stringify({ settings, from })).toEqual([]);
      }
      expect(await reports(relay)).toEqual([]);
    }
    expect(server.messages).toEqual([]);
  });
});
