// When the upstream answers again after an upstream-wide failure (refused, a 4xx to MAIL FROM for
// every message), what that failure deferred goes at once, not at its retry time; recipients
// refused for themselves (greylisting) keep theirs. Real smtp-server upstreams, an in-process
// Relaydesk on a clock the test moves by hand: the clock never reaches the retry times under
// test, so only the release can send the deferred mail.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery, QueueView } from '../../preload/api-contract.js';
import { settled } from '../helpers/delivery.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import {
  closedPort,
  startUpstreamServer,
  type RunningUpstream,
  type UpstreamServerOptions,
} from '../helpers/upstream-server.js';
import { manualClock } from '../helpers/manual-clock.js';
import { waitFor } from '../helpers/eventually.js';
import { startSilentHost, type SilentHost } from '../helpers/silent-host.js';
import { runCli } from '../helpers/cli-process.js';
import { mailqTime } from '../../main/cli/mailq-listing.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstream(options: UpstreamServerOptions = {}): Promise<RunningUpstream> {
  const server = await startUpstreamServer({ tls: 'none', ...options });
  cleanups.push(() => server.close());
  return server;
}

interface Started {
  relay: TestRelaydesk;
  lines: string[];
}

async function relaydesk(
  port: number,
  clock: { now: () => number },
  more: Record<string, unknown> = {},
  dataDir?: string,
): Promise<Started> {
  const lines: string[] = [];
  const relay = await startTestRelaydesk(
    { mode: 'relay', relay: { host: '127.0.0.1', port, security: 'none' }, ...more },
    dataDir,
    { now: clock.now, log: (line) => lines.push(line) },
  );
  let disposed = false;
  cleanups.push(async () => {
    if (!disposed) await relay.dispose();
  });
  const dispose = relay.dispose.bind(relay);
  relay.dispose = async () => {
    disposed = true;
    await dispose();
  };
  return { relay, lines };
}

async function send(
  relay: TestRelaydesk,
  to: string,
  subject: string,
  from = 'app@sender.example',
) {
  const info = await relay
    .transport()
    .sendMail({ envelope: { from, to: [to] }, raw: `Subject: ${subject}\r\n\r\nbody\r\n` });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

const delivery = (relay: TestRelaydesk, id: string) =>
  relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);

async function silentHost(port: number): Promise<SilentHost> {
  const host = await startSilentHost(port);
  cleanups.push(() => host.close());
  return host;
}

const subjects = (server: RunningUpstream) =>
  server.messages.map((m) => /Subject: (\S+)/.exec(m.raw.toString())?.[1]);

describe('when the upstream answers again', () => {
  it('sends what a 4xx to MAIL FROM deferred as soon as a later message is relayed, and says why', async () => {
    const server = await upstream({ failures: { mail: { code: 451, text: '4.3.0 Server busy' } } });
    const clock = manualClock();
    const { relay, lines } = await relaydesk(server.port, clock);

    const old = await send(relay, 'bob@rcpt.example', 'old');
    const deferred = await settled(relay, old, (d) => d.recipients[0]?.state === 'deferred');
    expect(deferred.recipients[0]?.nextAttemptAt).toBe(
      new Date(clock.now() + 60_000).toISOString(),
    );

    // the upstream is back by itself; the clock stays before the old message's retry time
    server.setFailures({});
    const later = await send(relay, 'carol@rcpt.example', 'later');
    await settled(relay, later, (d) => d.status === 'delivered');
    const sent = await settled(relay, old, (d) => d.status === 'delivered');
    expect(sent.recipients[0]?.attempts.map((a) => a.reply.code)).toEqual([451, 250]);
    expect(sent.recipients[0]?.history.map((h) => h.reason)).toContainEqual(
      `upstream 127.0.0.1:${server.port} answers again: due now, not at the retry time`,
    );
    expect(lines).toContainEqual(
      `upstream 127.0.0.1:${server.port} answers again: 1 deferred message due now`,
    );
    expect(subjects(server)).toEqual(['later', 'old']);
  });

  it('leaves a greylisted recipient (4xx at RCPT for it alone) to its retry time', async () => {
    const server = await upstream({
      failures: {
        rcpt: { 'bob@rcpt.example': { code: 451, text: '4.7.1 Greylisted, try again' } },
      },
    });
    const clock = manualClock();
    const { relay, lines } = await relaydesk(server.port, clock);
    const grey = await send(relay, 'bob@rcpt.example', 'grey');
    const first = await settled(relay, grey, (d) => d.recipients[0]?.state === 'deferred');

    const other = await send(relay, 'carol@rcpt.example', 'other');
    await settled(relay, other, (d) => d.status === 'delivered');
    await relay.service.queueIdle();
    const after = await delivery(relay, grey);
    expect(after.recipients[0]?.state).toBe('deferred');
    expect(after.recipients[0]?.nextAttemptAt).toBe(first.recipients[0]?.nextAttemptAt);
    expect(after.recipients[0]?.attempts).toHaveLength(1);
    expect(lines.filter((line) => line.includes('answers again'))).toEqual([]);
  });

  it('keeps the retry times of a message whose MAIL FROM is refused again right after the upstream took the others', async () => {
    const server = await upstream({ failures: { mail: { code: 451, text: '4.3.0 Server busy' } } });
    const clock = manualClock();
    const { relay } = await relaydesk(server.port, clock);
    const refused = await send(relay, 'bob@rcpt.example', 'refused', 'odd@sender.example');
    await settled(relay, refused, (d) => d.recipients[0]?.state === 'deferred');

    // the upstream takes mail again, but not from this sender (a 4xx about it alone)
    server.setFailures({
      mailFrom: { 'odd@sender.example': { code: 451, text: '4.1.8 try later' } },
    });
    const first = await send(relay, 'carol@rcpt.example', 'first');
    await settled(relay, first, (d) => d.status === 'delivered');
    // released once, refused again: now its own problem
    const again = await settled(relay, refused, (d) => d.recipients[0]?.attempts.length === 2);
    expect(again.recipients[0]?.state).toBe('deferred');

    const second = await send(relay, 'dave@rcpt.example', 'second');
    await settled(relay, second, (d) => d.status === 'delivered');
    await relay.service.queueIdle();
    const after = await delivery(relay, refused);
    expect(after.recipients[0]?.attempts).toHaveLength(2);
    expect(after.recipients[0]?.nextAttemptAt).toBe(again.recipients[0]?.nextAttemptAt);
  });

  it('sends what a refused connection deferred when a retry gets through after the pause, not at each one’s own retry time', async () => {
    const port = await closedPort();
    const clock = manualClock();
    const { relay } = await relaydesk(port, clock, { retryMinutes: [1, 5] });

    // the first message fails twice: its next try is 5 minutes away
    const old = await send(relay, 'bob@rcpt.example', 'old');
    await settled(relay, old, (d) => d.recipients[0]?.state === 'deferred');
    expect((await relay.api<QueueView>('/api/v1/queue')).upstream.paused?.reason).toMatch(
      /refused/,
    );
    clock.advance(61_000);
    relay.service.kickQueue();
    const twice = await settled(relay, old, (d) => d.recipients[0]?.attempts.length === 2);
    expect(Date.parse(twice.recipients[0]?.nextAttemptAt ?? '')).toBe(clock.now() + 5 * 60_000);

    // resumed by hand with the upstream still down: the next message fails and pauses again
    relay.service.resumeUpstream();
    const next = await send(relay, 'carol@rcpt.example', 'next');
    await settled(relay, next, (d) => d.recipients[0]?.state === 'deferred');

    // the upstream comes back on its port; the next message's retry (1 minute) gets through
    const server = await upstream({ port });
    clock.advance(61_000);
    relay.service.kickQueue();
    await settled(relay, next, (d) => d.status === 'delivered');
    // the old one goes too, four minutes before its retry time
    await settled(relay, old, (d) => d.status === 'delivered');
    expect(subjects(server)).toEqual(['next', 'old']);
    expect((await relay.api<QueueView>('/api/v1/queue')).upstream.paused).toBeNull();
  });

  /** Three messages deferred by a busy upstream, and Relaydesk stopped. */
  async function deferredBeforeRestart() {
    const server = await upstream({ failures: { mail: { code: 451, text: '4.3.0 Server busy' } } });
    const clock = manualClock();
    const dataDir = await makeDataDir();
    const before = await relaydesk(server.port, clock, {}, dataDir);
    const ids: string[] = [];
    for (const name of ['one', 'two', 'three']) {
      const id = await send(before.relay, `${name}@rcpt.example`, name);
      await settled(before.relay, id, (d) => d.recipients[0]?.state === 'deferred');
      ids.push(id);
    }
    await before.relay.dispose();
    return { server, clock, dataDir, ids };
  }

  it('after a restart, tries the oldest waiting message at once and, when it goes, the rest', async () => {
    const { server, clock, dataDir, ids } = await deferredBeforeRestart();

    // back up while Relaydesk was closed; started again before any retry time
    server.setFailures({});
    const after = await relaydesk(server.port, clock, {}, dataDir);
    for (const id of ids) await settled(after.relay, id, (d) => d.status === 'delivered');
    expect(subjects(server)).toEqual(['one', 'two', 'three']);
    expect(after.lines).toContainEqual(
      `${ids[0]}: Relaydesk started: tried at once to see whether the upstream answers again`,
    );
    expect(after.lines).toContainEqual(
      `upstream 127.0.0.1:${server.port} answers again: 2 deferred messages due now`,
    );
  });

  it('after a restart with the upstream still down, tries one message, not every one', async () => {
    const { server, clock, dataDir, ids } = await deferredBeforeRestart();

    const after = await relaydesk(server.port, clock, {}, dataDir);
    await settled(after.relay, ids[0] as string, (d) => d.recipients[0]?.attempts.length === 2);
    await after.relay.service.queueIdle();
    for (const id of ids.slice(1))
      expect((await delivery(after.relay, id)).recipients[0]?.attempts).toHaveLength(1);
  });
});

describe('while relaying is paused because the upstream did not answer', () => {
  const queueView = (relay: TestRelaydesk) => relay.api<QueueView>('/api/v1/queue');
  const probeLines = (lines: string[]) =>
    lines.filter((line) => / probe \d+ of upstream /.test(line));

  it('tries the upstream within a minute of new mail, not at the oldest deferral’s retry time, and sends everything when it answers', async () => {
    const port = await closedPort();
    const clock = manualClock();
    const start = clock.now();
    // the first deferral waits an hour, as one does on the hourly part of the schedule
    const { relay, lines } = await relaydesk(port, clock, { retryMinutes: [60] });
    const old = await send(relay, 'bob@rcpt.example', 'old');
    await settled(relay, old, (d) => d.recipients[0]?.state === 'deferred');
    const paused = (await queueView(relay)).upstream.paused;
    expect(paused?.unreachable).toBe(true);
    expect(paused?.nextProbeAt).toBe(new Date(start + 60_000).toISOString());

    // the host comes back; new mail ten seconds later waits for the minute since the last try
    const server = await upstream({ port });
    clock.advance(10_000);
    const later = await send(relay, 'carol@rcpt.example', 'later');
    await relay.service.queueIdle();
    expect((await delivery(relay, later)).recipients[0]?.state).toBe('pending');
    expect(server.messages).toHaveLength(0);

    // the probe's time (the queue's timer fires then; the test's clock is moved by hand)
    clock.advance(51_000);
    relay.service.kickQueue();
    await settled(relay, later, (d) => d.status === 'delivered');
    await settled(relay, old, (d) => d.status === 'delivered');
    expect(subjects(server)).toEqual(['later', 'old']);
    expect((await queueView(relay)).upstream.paused).toBeNull();
    expect(probeLines(lines)).toEqual([
      `${later}: probe 1 of upstream 127.0.0.1:${port}, paused 1 min ago (nothing answered); the next in 2 min if it still does not answer`,
    ]);
    expect(lines).toContainEqual('upstream resumed: the upstream answered again');
  });

  it('without new mail, probes 1, 2, then every 5 minutes, not at the hourly retry times, until it answers', async () => {
    const port = await closedPort();
    const clock = manualClock();
    const { relay, lines } = await relaydesk(port, clock, { retryMinutes: [60] });
    const old = await send(relay, 'bob@rcpt.example', 'old');
    await settled(relay, old, (d) => d.recipients[0]?.state === 'deferred');
    const attempts = async () => (await delivery(relay, old)).recipients[0]?.attempts.length;

    const probeAt = async (afterMs: number, tries: number) => {
      // just before the probe's time nothing is tried
      clock.advance(afterMs - 1_000);
      relay.service.kickQueue();
      await relay.service.queueIdle();
      expect(await attempts()).toBe(tries - 1);
      expect((await queueView(relay)).upstream.paused?.nextProbeAt).toBe(
        new Date(clock.now() + 1_000).toISOString(),
      );
      clock.advance(1_000);
      relay.service.kickQueue();
      await settled(relay, old, (d) => d.recipients[0]?.attempts.length === tries);
      await relay.service.queueIdle();
    };
    await probeAt(60_000, 2);
    await probeAt(2 * 60_000, 3);
    await probeAt(5 * 60_000, 4);
    await probeAt(5 * 60_000, 5);
    const waiting = await delivery(relay, old);
    expect(waiting.recipients[0]?.state).toBe('deferred');
    expect(waiting.recipients[0]?.history.map((h) => h.reason)).toContainEqual(
      'probe 2 of the paused upstream: tried early to see whether it answers again',
    );
    expect(probeLines(lines).map((line) => /probe (\d+)/.exec(line)?.[1])).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    const queued = (await queueView(relay)).messages[0]?.recipients[0];
    expect(queued?.waitsForUpstream).toBe(true);

    // back: the next probe, five minutes on, sends it and lifts the pause
    const server = await upstream({ port });
    clock.advance(5 * 60_000);
    relay.service.kickQueue();
    await settled(relay, old, (d) => d.status === 'delivered');
    expect(subjects(server)).toEqual(['old']);
    expect((await queueView(relay)).upstream.paused).toBeNull();
  });

  it('stops probing and names the new cause when a probe gets an answer that needs a person (a refused login)', async () => {
    const port = await closedPort();
    const clock = manualClock();
    const { relay, lines } = await relaydesk(port, clock, {
      retryMinutes: [60],
      relay: {
        host: '127.0.0.1',
        port,
        security: 'none',
        auth: { user: 'office@example.com', password: 'old-password' },
      },
    });
    const old = await send(relay, 'bob@rcpt.example', 'old');
    await settled(relay, old, (d) => d.recipients[0]?.state === 'deferred');
    expect((await queueView(relay)).upstream.paused?.unreachable).toBe(true);

    // the smart host comes back, but the office's password was changed meanwhile
    const server = await upstream({ port, users: { 'office@example.com': 'new-password' } });
    clock.advance(60_000);
    relay.service.kickQueue();
    await settled(relay, old, (d) => d.recipients[0]?.attempts.length === 2);
    await relay.service.queueIdle();
    expect(server.refusedLogins).toBe(1);
    // the pause says what is wrong now, not "nothing listens", and waits for a person
    const paused = (await queueView(relay)).upstream.paused;
    expect(paused?.reason).toMatch(/authentication rejected/);
    expect(paused?.reason).not.toMatch(/nothing listens/);
    expect(paused?.unreachable).toBeUndefined();
    expect(paused?.nextProbeAt).toBeUndefined();
    expect(lines.filter((line) => line.startsWith('upstream paused: '))).toHaveLength(2);

    // no more probes: each would be one more failed login, and providers lock the account
    for (const minutes of [2, 5, 5, 5]) {
      clock.advance(minutes * 60_000);
      relay.service.kickQueue();
      await relay.service.queueIdle();
    }
    expect(server.refusedLogins).toBe(1);
    expect((await delivery(relay, old)).recipients[0]?.attempts).toHaveLength(2);
  });

  it('says an upstream that took mail with these settings is likely down, not set up wrong', async () => {
    const server = await upstream();
    const clock = manualClock();
    const { relay } = await relaydesk(server.port, clock);
    const first = await send(relay, 'bob@rcpt.example', 'first');
    await settled(relay, first, (d) => d.status === 'delivered');
    const tookMailAt = new Date(clock.now()).toISOString().slice(0, 19).replace('T', ' ');

    await server.close();
    clock.advance(5 * 60_000);
    const second = await send(relay, 'carol@rcpt.example', 'second');
    await settled(relay, second, (d) => d.recipients[0]?.state === 'deferred');
    const paused = (await queueView(relay)).upstream.paused;
    expect(paused?.reason).toMatch(/^connection refused: nothing listens on /);
    expect(paused?.fix).toMatch(
      new RegExp(
        `^it took mail at ${tookMailAt} UTC with these same settings, so it is more likely down or restarting \\(or the network is\\) than set up wrong: nothing needs changing here; otherwise check the host and port`,
      ),
    );
  });

  it('still says so after a restart: when the upstream last answered is kept in the data folder', async () => {
    // the office PC restarted while the ISP's smart host was down: the pause said "check the
    // host and port" of settings that had delivered mail before the restart
    const server = await upstream();
    const clock = manualClock();
    const dataDir = await makeDataDir();
    const before = await relaydesk(server.port, clock, {}, dataDir);
    const first = await send(before.relay, 'bob@rcpt.example', 'first');
    await settled(before.relay, first, (d) => d.status === 'delivered');
    const tookMailAt = new Date(clock.now()).toISOString().slice(0, 19).replace('T', ' ');
    const kept = join(dataDir, 'upstream-answered.json');
    await waitFor('the time kept on disk', () => readFile(kept, 'utf8').catch(() => ''));
    // the password is not in it, in any form
    expect(await readFile(kept, 'utf8')).not.toMatch(/password|token/i);
    await before.relay.dispose();
    await server.close();

    clock.advance(60 * 60_000);
    const { relay } = await relaydesk(server.port, clock, {}, dataDir);
    const second = await send(relay, 'carol@rcpt.example', 'second');
    await settled(relay, second, (d) => d.recipients[0]?.state === 'deferred');
    const paused = (await queueView(relay)).upstream.paused;
    expect(paused?.reason).toMatch(/^connection refused: nothing listens on /);
    expect(paused?.fix).toMatch(
      new RegExp(
        `^it took mail at ${tookMailAt} UTC with these same settings, so it is more likely down`,
      ),
    );
  });

  it('after a restart with other upstream settings, says to check the host and port again', async () => {
    const server = await upstream();
    const clock = manualClock();
    const dataDir = await makeDataDir();
    const before = await relaydesk(server.port, clock, {}, dataDir);
    const first = await send(before.relay, 'bob@rcpt.example', 'first');
    await settled(before.relay, first, (d) => d.status === 'delivered');
    await waitFor('the time kept on disk', () =>
      readFile(join(dataDir, 'upstream-answered.json'), 'utf8').catch(() => ''),
    );
    await before.relay.dispose();
    await server.close();

    // another port: what the old one did says nothing of it
    const { relay } = await relaydesk(await closedPort(), clock, {}, dataDir);
    const second = await send(relay, 'carol@rcpt.example', 'second');
    await settled(relay, second, (d) => d.recipients[0]?.state === 'deferred');
    expect((await queueView(relay)).upstream.paused?.fix).toMatch(/^check the host and port; /);
  });

  it("Test connection's fix says what the banner says of an upstream that took mail with these settings", async () => {
    // the banner said "nothing needs changing here"; its Test connection said "check the host
    // and port" of the same settings
    const server = await upstream();
    const clock = manualClock();
    const { relay } = await relaydesk(server.port, clock);
    const first = await send(relay, 'bob@rcpt.example', 'first');
    await settled(relay, first, (d) => d.status === 'delivered');
    const tookMailAt = new Date(clock.now()).toISOString().slice(0, 19).replace('T', ' ');
    await server.close();

    type Tested = { ok: boolean; steps: Array<{ step: string; ok: boolean; fix?: string }> };
    const tested = await relay.api<Tested>('/api/v1/relay/test', { method: 'POST' });
    expect(tested.ok).toBe(false);
    expect(tested.steps.find((s) => !s.ok)).toMatchObject({ step: 'connect' });
    expect(tested.steps.find((s) => !s.ok)?.fix).toMatch(
      new RegExp(
        `^it took mail at ${tookMailAt} UTC with these same settings, so it is more likely down .*; otherwise check the host and port`,
      ),
    );
    // other settings in the form: what the saved ones did says nothing of them
    const other = await relay.api<Tested>('/api/v1/relay/test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ host: '127.0.0.1', port: await closedPort(), security: 'none' }),
    });
    expect(other.steps.find((s) => !s.ok)?.fix).toMatch(/^check the host and port/);
  });

  it('still says to check the host and port of an upstream that never answered', async () => {
    const port = await closedPort();
    const clock = manualClock();
    const { relay } = await relaydesk(port, clock);
    const id = await send(relay, 'bob@rcpt.example', 'never');
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    expect((await queueView(relay)).upstream.paused?.fix).toMatch(/^check the host and port; /);
  });

  it('tries a burst of new mail once a minute, with one log line per probe, not one per message', async () => {
    const port = await closedPort();
    const clock = manualClock();
    const { relay, lines } = await relaydesk(port, clock, { retryMinutes: [60] });
    const old = await send(relay, 'bob@rcpt.example', 'old');
    await settled(relay, old, (d) => d.recipients[0]?.state === 'deferred');
    clock.advance(10_000);
    const burst: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) burst.push(await send(relay, `r${n}@rcpt.example`, `new${n}`));
    await relay.service.queueIdle();

    clock.advance(51_000);
    relay.service.kickQueue();
    await settled(relay, burst[0] as string, (d) => d.recipients[0]?.state === 'deferred');
    await relay.service.queueIdle();
    // half a minute later: still within the minute since that probe
    clock.advance(30_000);
    relay.service.kickQueue();
    await relay.service.queueIdle();
    const tried = [];
    for (const id of [old, ...burst])
      tried.push((await delivery(relay, id)).recipients[0]?.attempts.length);
    expect(tried).toEqual([1, 1, 0, 0, 0, 0]);
    expect(probeLines(lines)).toHaveLength(1);
    // the Queue view says the new mail waits for the upstream, and when it is tried next
    const view = await queueView(relay);
    expect(Date.parse(view.upstream.paused?.nextProbeAt ?? '')).toBe(clock.now() + 30_000);
  });
  it('counts a probe only when it is tried: one the rate limit holds back is no probe, and the view says when it can go', async () => {
    const port = await closedPort();
    const clock = manualClock();
    const start = clock.now();
    // two messages an hour: the failure that paused and the first probe use both
    const { relay, lines } = await relaydesk(port, clock, {
      retryMinutes: [60],
      rateLimit: { perHour: 2 },
    });
    const old = await send(relay, 'bob@rcpt.example', 'old');
    await settled(relay, old, (d) => d.recipients[0]?.state === 'deferred');
    const attempts = async () => (await delivery(relay, old)).recipients[0]?.attempts.length;
    clock.advance(60_000);
    relay.service.kickQueue();
    await settled(relay, old, (d) => d.recipients[0]?.attempts.length === 2);
    await relay.service.queueIdle();

    // the second probe's time: the limit holds it back until an hour after the first attempt
    clock.advance(2 * 60_000);
    relay.service.kickQueue();
    await relay.service.queueIdle();
    expect(await attempts()).toBe(2);
    expect(probeLines(lines)).toHaveLength(1);
    expect((await queueView(relay)).upstream.paused?.nextProbeAt).toBe(
      new Date(start + 3_600_000).toISOString(),
    );
    // and so on, every five minutes of the hour: no probe is counted, none logged
    for (let i = 0; i < 3; i++) {
      clock.advance(5 * 60_000);
      relay.service.kickQueue();
      await relay.service.queueIdle();
    }
    expect(probeLines(lines)).toHaveLength(1);

    // the limit allows it: probe 2 is made, and logged as such
    clock.advance(start + 3_600_000 - clock.now());
    relay.service.kickQueue();
    await settled(relay, old, (d) => d.recipients[0]?.attempts.length === 3);
    expect(probeLines(lines).map((line) => /probe (\d+)/.exec(line)?.[1])).toEqual(['1', '2']);
  });
  it('says a probe is under way while it is and, once it failed, when the next one is, telling the GUI each time', async () => {
    const port = await closedPort();
    const clock = manualClock();
    const { relay } = await relaydesk(port, clock, { retryMinutes: [60] });
    const told: unknown[] = [];
    relay.service.on('event', (event: { Type: string; Data: unknown }) => {
      if (event.Type === 'upstream') told.push(event.Data);
    });
    const old = await send(relay, 'bob@rcpt.example', 'old');
    await settled(relay, old, (d) => d.recipients[0]?.state === 'deferred');
    await relay.service.queueIdle();
    expect((await queueView(relay)).upstream.paused?.nextProbeAt).toBe(
      new Date(clock.now() + 60_000).toISOString(),
    );

    // new mail waits for the probe, and goes first
    const fresh = await send(relay, 'carol@rcpt.example', 'new');
    // something listens again but does not greet yet: the probe is out
    const host = await silentHost(port);
    clock.advance(60_000);
    const toldBefore = told.length;
    relay.service.kickQueue();
    await waitFor('the probe connected', () => host.sockets.length === 1);
    const probing = (await queueView(relay)).upstream.paused;
    expect(probing?.probingSince).toBe(new Date(clock.now()).toISOString());
    expect(probing?.nextProbeAt).toBeUndefined();
    expect(told.slice(toldBefore)).toEqual([
      { paused: true, reason: probing?.reason, fix: probing?.fix, changed: 'probe' },
    ]);
    // `relaydesk queue` says so too, not a next probe whose time has passed
    const mailq = () => runCli(['queue', '--http', `127.0.0.1:${relay.http.port}`]);
    const listed = (await mailq()).stdout;
    expect(listed).toMatch(
      / bob@rcpt\.example {2}deferred, 1 attempt, goes when the upstream answers again, probing now$/m,
    );
    expect(listed).toMatch(
      / carol@rcpt\.example {2}sending, a probe: does the upstream answer again\?$/m,
    );

    // it is not taking mail yet: the next probe two minutes after this one ended
    host.answer('421 4.3.2 Service not available, try later');
    await settled(relay, fresh, (d) => d.recipients[0]?.state === 'deferred');
    await relay.service.queueIdle();
    const after = (await queueView(relay)).upstream.paused;
    expect(after?.probingSince).toBeUndefined();
    expect(after?.nextProbeAt).toBe(new Date(clock.now() + 2 * 60_000).toISOString());
    expect(told.slice(toldBefore)).toHaveLength(2);
    expect((await mailq()).stdout).toContain(
      `carol@rcpt.example  deferred, 1 attempt, goes when the upstream answers again, next probe ${mailqTime(after?.nextProbeAt ?? '')}`,
    );
  });
});
