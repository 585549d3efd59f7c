// Which notifications the desktop app shows, decided from a real relay's events: new mail in
// batches, a bounced recipient, a recipient delayed past the threshold (on an injected clock),
// an upstream that pauses itself; each kind off when its setting is off.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageSummary } from '../../preload/api-contract.js';
import {
  DesktopNotifier,
  NewMailBatcher,
  newMailNotice,
  type DesktopNotice,
} from '../../main/desktop/notification-batcher.js';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import {
  closedPort,
  startUpstreamServer,
  type RunningUpstream,
} from '../helpers/upstream-server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function summary(id: string, from: string, subject: string): MessageSummary {
  return {
    ID: id,
    MessageID: '',
    Read: false,
    From: { Name: '', Address: from },
    To: [],
    Cc: [],
    Bcc: [],
    ReplyTo: [],
    Subject: subject,
    Created: '',
    Username: '',
    Tags: [],
    Size: 1,
    Attachments: 0,
    Snippet: '',
    Mailbox: 'inbox',
    MailFrom: '',
    Status: 'captured',
  };
}

describe('batching new mail', () => {
  it('twelve arrivals within the window make one "12 new messages"', () => {
    vi.useFakeTimers();
    const shown: DesktopNotice[] = [];
    const batcher = new NewMailBatcher(2000, (n) => shown.push(n), {
      set: (run, ms) => setTimeout(run, ms),
      clear: (h) => clearTimeout(h as NodeJS.Timeout),
    });
    for (let i = 0; i < 12; i++) batcher.add(summary(`id${i}`, `s${i % 3}@example.com`, `m${i}`));
    vi.advanceTimersByTime(1999);
    expect(shown).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(shown).toEqual([
      {
        kind: 'new-mail',
        title: '12 new messages',
        body: 'From s0@example.com, s1@example.com and 1 more',
        open: { view: 'inbox' },
      },
    ]);
    batcher.add(summary('last', 'eve@example.com', 'alone'));
    vi.advanceTimersByTime(2000);
    expect(shown[1]).toEqual({
      kind: 'new-mail',
      title: 'New message from eve@example.com',
      body: 'alone',
      open: { view: 'message', id: 'last' },
    });
  });
});

describe('a notice of new mail', () => {
  it('shows a right-to-left override in the sender and subject as [U+202E], not obeyed', () => {
    const message = summary('rlo', 'billing@example.com', 'Invoice \u202egpj.exe');
    message.From = { Name: 'Accounts \u202eevil', Address: 'billing@example.com' };
    expect(newMailNotice([message])).toEqual({
      kind: 'new-mail',
      title: 'New message from Accounts [U+202E]evil',
      body: 'Invoice [U+202E]gpj.exe',
      open: { view: 'message', id: 'rlo' },
    });
  });
});

async function upstream(options: Parameters<typeof startUpstreamServer>[0]) {
  const server = await startUpstreamServer(options);
  cleanups.push(() => server.close());
  return server;
}

async function relaydesk(settings: Record<string, unknown>, now?: () => number) {
  const relay = await startTestRelaydesk(settings, undefined, now ? { now } : {});
  cleanups.push(() => relay.dispose());
  return relay;
}

function relaySettings(server: RunningUpstream, more: Record<string, unknown> = {}) {
  return { host: '127.0.0.1', port: server.port, security: 'none', ...more };
}

function notifier(relay: TestRelaydesk, now?: () => number) {
  const shown: DesktopNotice[] = [];
  const made = new DesktopNotifier(relay.service, {
    show: (n) => shown.push(n),
    delayCheckMs: 3_600_000,
    ...(now ? { now } : {}),
  });
  cleanups.push(() => made.dispose());
  return { shown, made };
}

async function send(relay: TestRelaydesk, to: string[], subject = 'report') {
  const info = await relay
    .transport()
    .sendMail({ from: 'app@sender.example', to, subject, text: 'hi' });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

/** A relay whose upstream refuses gone@rcpt.example for good. */
async function bouncingRelay(settings: Record<string, unknown>) {
  const server = await upstream({
    tls: 'none',
    failures: { rcpt: { 'gone@rcpt.example': { code: 550, text: '5.1.1 No such user' } } },
  });
  return relaydesk({ mode: 'relay', relay: relaySettings(server), ...settings });
}

describe('from a real relay', () => {
  it('a bounced recipient, once, with the upstream reply; a click opens the message', async () => {
    const relay = await bouncingRelay({ notifyNewMail: false });
    const { shown } = notifier(relay);
    const id = await send(relay, ['bob@rcpt.example', 'gone@rcpt.example'], 'invoice');
    await settled(relay, id, (d) => d.status === 'partial');
    await expect
      .poll(() => shown)
      .toEqual([
        {
          kind: 'bounced',
          title: 'gone@rcpt.example bounced',
          body: 'invoice: 550 5.1.1 No such user',
          open: { view: 'message', id },
        },
      ]);
  });

  it('a scan without a From header by its envelope sender, marked; only <> is no sender', async () => {
    const relay = await relaydesk({});
    const { shown } = notifier(relay);
    // a scanner's mail: MAIL FROM given, no From header written
    await relay.transport().sendMail({
      envelope: { from: 'scan@printer.local', to: ['office@example.test'] },
      raw: 'To: office@example.test\r\nSubject: Scanned document\r\n\r\nscan\r\n',
    });
    // gathered for the batch's 2 s before it is told
    await expect
      .poll(() => shown.map((n) => n.title), { timeout: 15_000 })
      .toEqual(['New message from scan@printer.local (envelope sender, no From header)']);
    await relay.transport().sendMail({
      envelope: { from: '', to: ['office@example.test'] },
      raw: 'To: office@example.test\r\nSubject: Bounce\r\n\r\nnothing\r\n',
    });
    await expect
      .poll(() => shown.map((n) => n.title).at(-1), { timeout: 15_000 })
      .toBe('New message from (no sender)');
  });

  it('an upstream that pauses itself, opening the queue; a pause by hand tells nothing', async () => {
    const server = await upstream({ tls: 'none', users: { relayuser: 'right' } });
    const relay = await relaydesk({
      mode: 'relay',
      relay: relaySettings(server, { auth: { user: 'relayuser', password: 'wrong' } }),
      notifyNewMail: false,
    });
    const { shown } = notifier(relay);
    relay.service.pauseUpstream();
    relay.service.resumeUpstream();
    const id = await send(relay, ['bob@rcpt.example']);
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    await expect.poll(() => shown.map((n) => n.kind)).toEqual(['upstream-paused']);
    expect(shown[0]).toMatchObject({ title: 'Relaying paused', open: { view: 'queue' } });
    expect(shown[0]?.body).toMatch(/authentication/i);
  });

  it('an upstream that does not answer, once: its probes, which the GUI is told of, are no news', async () => {
    const port = await closedPort();
    let clock = Date.now();
    const now = () => clock;
    const relay = await relaydesk(
      { mode: 'relay', relay: { host: '127.0.0.1', port, security: 'none' } },
      now,
    );
    const { shown } = notifier(relay, now);
    const id = await send(relay, ['bob@rcpt.example']);
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    await relay.service.queueIdle();
    for (const attempts of [2, 3]) {
      clock += 5 * 60_000;
      relay.service.kickQueue();
      await settled(relay, id, (d) => d.recipients[0]?.attempts.length === attempts);
      await relay.service.queueIdle();
    }
    expect(shown.map((n) => n.kind)).toEqual(['upstream-paused']);
  });

  it('a recipient still waiting past the threshold, once (injected clock)', async () => {
    const server = await upstream({
      tls: 'none',
      failures: { rcpt: { 'slow@rcpt.example': { code: 451, text: '4.7.1 Greylisted' } } },
    });
    // the listener stamps arrivals with the real time; the clock starts there
    let clock = Date.now();
    const now = () => clock;
    const relay = await relaydesk(
      { mode: 'relay', relay: relaySettings(server), notifyDelayedAfterMinutes: 30 },
      now,
    );
    const { shown, made } = notifier(relay, now);
    const id = await send(relay, ['slow@rcpt.example'], 'slow one');
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    made.checkDelays();
    expect(shown.filter((n) => n.kind === 'delayed')).toHaveLength(0);
    clock += 31 * 60_000;
    made.checkDelays();
    made.checkDelays();
    expect(shown.filter((n) => n.kind === 'delayed')).toEqual([
      {
        kind: 'delayed',
        title: 'Mail to slow@rcpt.example delayed',
        body: 'Not delivered after 30 min: slow one',
        open: { view: 'message', id },
      },
    ]);
  });

  it('each kind stays quiet when its setting is off', async () => {
    const relay = await bouncingRelay({ notifyNewMail: false, notifyBounced: false });
    const { shown, made } = notifier(relay);
    const id = await send(relay, ['gone@rcpt.example']);
    await settled(relay, id, (d) => d.status === 'failed');
    made.flushNewMail();
    expect(shown).toEqual([]);
    // turned on again (as a settings save does), new mail is told
    relay.service.settings.notifyNewMail = true;
    await send(relay, ['gone@rcpt.example'], 'second');
    made.flushNewMail();
    expect(shown.map((n) => n.title)).toEqual(['New message from app@sender.example']);
  });
});

describe('pausing relaying by hand', () => {
  it('is not lifted by the network coming back, only by the user', async () => {
    const server = await upstream({ tls: 'none' });
    const relay = await relaydesk({ mode: 'relay', relay: relaySettings(server) });
    relay.service.pauseUpstream();
    const id = await send(relay, ['bob@rcpt.example']);
    await relay.service.retryDeferred('network is back');
    await relay.service.queueIdle();
    expect(relay.service.delivery(id).recipients[0]?.state).toBe('pending');
    expect(relay.service.relayPause).toMatchObject({ byHand: true });
    relay.service.resumeUpstream();
    await settled(relay, id, (d) => d.status === 'delivered');
    expect(server.messages).toHaveLength(1);
  });
});

describe('the anomaly alert', () => {
  /** Two quiet hours of two messages each, then a burst of `count` in the third. */
  async function burst(relay: TestRelaydesk, advance: (ms: number) => void, count: number) {
    const transport = relay.transport({ user: 'webform', pass: 'any' });
    const sendOne = () =>
      transport.sendMail({ from: 'form@sender.example', to: 'x@example.com', text: 'hi' });
    for (let hour = 0; hour < 2; hour++) {
      await sendOne();
      await sendOne();
      advance(3_600_000);
    }
    for (let i = 0; i < count; i++) await sendOne();
  }

  it('tells when a sender is paused automatically; a click opens the suspended senders, where one call releases it', async () => {
    let clock = Date.parse('2026-11-28T10:00:00Z');
    const now = () => clock;
    const relay = await relaydesk(
      { anomalyPause: true, anomalyFactor: 3, anomalyMinMessages: 5, notifyNewMail: false },
      now,
    );
    const { shown } = notifier(relay, now);
    // median 2 → the 7th message of the hour is over 3 × 2
    await burst(relay, (ms) => (clock += ms), 7);
    await expect
      .poll(() => shown)
      .toEqual([
        {
          kind: 'sender-alert',
          title: 'Sender paused: user webform',
          body: 'automatic: 7 messages this hour from user webform, over 3 times its hourly median of 2; paused until released. Review it to release.',
          open: { view: 'senders' },
        },
      ]);
    const refused = relay
      .transport({ user: 'webform', pass: 'any' })
      .sendMail({ from: 'form@sender.example', to: 'x@example.com', text: 'hi' });
    await expect(refused).rejects.toMatchObject({ responseCode: 554 });
    const [paused] = await relay.api<Array<{ ID: string }>>('/api/v1/suspensions');
    await relay.api(`/api/v1/suspensions/${paused?.ID}?release=true`, { method: 'DELETE' });
    await relay
      .transport({ user: 'webform', pass: 'any' })
      .sendMail({ from: 'form@sender.example', to: 'x@example.com', text: 'hi' });
  });

  it('an alert without a pause is told too, and nothing when its setting is off', async () => {
    let clock = Date.parse('2026-11-28T10:00:00Z');
    const now = () => clock;
    const relay = await relaydesk(
      { anomalyFactor: 3, anomalyMinMessages: 5, notifyNewMail: false },
      now,
    );
    const { shown } = notifier(relay, now);
    await burst(relay, (ms) => (clock += ms), 7);
    await expect
      .poll(() => shown.map((n) => [n.kind, n.title]))
      .toEqual([['sender-alert', 'Unusual volume from a sender']]);
    relay.service.settings.notifySenderAlert = false;
    clock += 3_600_000;
    await burst(relay, (ms) => (clock += ms), 12);
    // the second alert fired (the log says so) but was not shown
    await expect
      .poll(() => relay.service.auditLogLines(100).lines.filter((l) => /event=alert/.test(l)))
      .toHaveLength(2);
    expect(shown).toHaveLength(1);
  });
});
