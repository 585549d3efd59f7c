// Quotas, the upstream warm-up cap and the anomaly alert over real SMTP sessions, with a clock
// the test moves by hand (the relay's injectable `now`), so minutes, hours and days pass at once.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceEvent } from '../../main/core/relay-service.js';
import type { SuspensionEntry } from '../../preload/api-contract.js';
import { runCli } from '../helpers/cli-process.js';
import { settled } from '../helpers/delivery.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { upstreamsPerTest } from '../helpers/upstream-server.js';
import { manualClock } from '../helpers/manual-clock.js';

const { upstream } = upstreamsPerTest();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relaydesk(
  settings: Record<string, unknown>,
  now: () => number,
): Promise<TestRelaydesk> {
  const relay = await startTestRelaydesk(settings, undefined, { now });
  cleanups.push(() => relay.dispose());
  return relay;
}

interface SendResult {
  id: string | null;
  accepted: string[];
  rejectedReplies: string[];
  error: { responseCode?: number; response?: string } | null;
}

/** Sends one message, authenticated as `user` when given (loopback: any password). */
async function send(relay: TestRelaydesk, to: string[], user?: string): Promise<SendResult> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: relay.smtp.port,
    secure: false,
    ignoreTLS: true,
    ...(user ? { auth: { user, pass: 'any' } } : {}),
  });
  try {
    const info = await transport.sendMail({
      from: 'app@sender.example',
      to,
      subject: 'quota test',
      text: 'hello',
    });
    return {
      id: /queued as (\S+)/.exec(info.response)?.[1] ?? null,
      accepted: info.accepted.map(String),
      rejectedReplies: (info.rejectedErrors ?? []).map((e) => e.response ?? ''),
      error: null,
    };
  } catch (err) {
    return { id: null, accepted: [], rejectedReplies: [], error: err as SendResult['error'] };
  } finally {
    transport.close();
  }
}

describe('quotas', () => {
  it('answers 451 4.7.1 over a message quota, 452 4.5.3 over the recipient quota, and shows the usage', async () => {
    const clock = manualClock();
    const relay = await relaydesk(
      { quotas: [{ name: 'staff', user: '*', perMinute: 2, recipientsPerDay: 4 }] },
      clock.now,
    );
    expect((await send(relay, ['a@example.com'], 'alice')).error).toBeNull();
    expect((await send(relay, ['b@example.com'], 'alice')).error).toBeNull();
    const third = await send(relay, ['c@example.com'], 'alice');
    expect(third.error?.responseCode).toBe(451);
    expect(third.error?.response).toBe(
      `451 4.7.1 Quota exceeded for user alice: at most 2 messages a minute; try again after ${new Date(clock.start + 60_000).toISOString()}`,
    );
    // another user has a quota of its own
    expect((await send(relay, ['d@example.com'], 'bob')).error).toBeNull();

    clock.advance(61_000);
    const split = await send(relay, ['e@example.com', 'f@example.com', 'g@example.com'], 'alice');
    expect(split.accepted).toEqual(['e@example.com', 'f@example.com']);
    expect(split.rejectedReplies).toEqual([
      '452 4.5.3 Recipient quota exceeded for user alice: at most 4 recipients a day; try the rest later',
    ]);

    const usage = await relay.api<{
      quotas: unknown[];
      usage: Array<{ key: string; lastMinute: number; lastDay: number; recipientsLastDay: number }>;
    }>('/api/v1/quotas');
    expect(usage.quotas).toEqual([{ name: 'staff', user: '*', perMinute: 2, recipientsPerDay: 4 }]);
    expect(usage.usage).toEqual([
      expect.objectContaining({
        key: 'user alice',
        lastMinute: 1,
        lastDay: 3,
        recipientsLastDay: 4,
      }),
      expect.objectContaining({ key: 'user bob', lastDay: 1, recipientsLastDay: 1 }),
    ]);
  });

  it('counts client IPs each on their own, and refuses a quota that says neither user nor ip', async () => {
    const clock = manualClock();
    const relay = await relaydesk({ quotas: [{ ip: '127.0.0.0/8', perHour: 1 }] }, clock.now);
    expect((await send(relay, ['a@example.com'])).error).toBeNull();
    expect((await send(relay, ['a@example.com'])).error?.response).toMatch(
      /^451 4\.7\.1 Quota exceeded for ip 127\.0\.0\.1: at most 1 message an hour/,
    );
    await expect(startTestRelaydesk({ quotas: [{ perHour: 5 }] })).rejects.toThrow(
      'quotas[0]: give either "user" (a name or glob, "*" for every user) or "ip" (a CIDR such as "0.0.0.0/0" for every client), not neither',
    );
  });
});

describe('the warm-up schedule of an upstream', () => {
  it('queues what exceeds the day cap, says when it goes, and sends it when the next day starts', async () => {
    const clock = manualClock();
    const server = await upstream({ tls: 'none' });
    const relay = await relaydesk(
      {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: server.port, security: 'none' },
        warmup: [
          { upstream: '127.0.0.1', start: new Date(clock.start).toISOString(), caps: [2, 5] },
        ],
      },
      clock.now,
    );
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));
    const ids: string[] = [];
    for (const to of ['a@example.com', 'b@example.com', 'c@example.com']) {
      const sent = await send(relay, [to]);
      ids.push(sent.id as string);
      await relay.service.queueIdle();
    }
    await settled(relay, ids[1] as string, (d) => d.recipients[0]?.state === 'relayed');
    const nextDay = new Date(clock.start + 86_400_000).toISOString();
    const waiting = await settled(
      relay,
      ids[2] as string,
      (d) => d.recipients[0]?.state === 'deferred',
    );
    expect(waiting.recipients[0]?.nextAttemptAt).toBe(nextDay);
    expect(waiting.recipients[0]?.history.at(-1)?.reason).toBe(
      `warm-up of 127.0.0.1: day 1 cap of 2 reached (2 sent); goes at ${nextDay}`,
    );
    expect(server.messages).toHaveLength(2);
    expect(log.join('\n')).toContain(
      `smtp-audit event=delay upstream=127.0.0.1 nrcpt=1 until=${nextDay} reason="warm-up of 127.0.0.1: day 1 cap of 2 reached (2 sent); goes at ${nextDay}"`,
    );
    expect((await relay.api<{ warmup: unknown }>('/api/v1/warmup')).warmup).toEqual({
      upstream: '127.0.0.1',
      preset: null,
      day: 1,
      cap: 2,
      sentToday: 2,
      nextDayAt: nextDay,
    });

    clock.advance(86_400_000);
    relay.service.kickQueue();
    await settled(relay, ids[2] as string, (d) => d.recipients[0]?.state === 'relayed');
    expect(server.messages).toHaveLength(3);
    expect(
      (await relay.api<{ warmup: { day: number; cap: number } }>('/api/v1/warmup')).warmup,
    ).toMatchObject({
      day: 2,
      cap: 5,
      sentToday: 1,
    });
  });

  it('ships a preset modelled on the providers’ published tables', async () => {
    const relay = await relaydesk(
      {
        mode: 'relay',
        relay: { host: 'smtp.example.net', port: 587 },
        warmup: [{ upstream: 'smtp.example.net', start: '2026-11-28', preset: 'dedicated-ip' }],
      },
      manualClock().now,
    );
    expect(
      (await relay.api<{ warmup: { cap: number; day: number } }>('/api/v1/warmup')).warmup,
    ).toMatchObject({
      day: 1,
      cap: 50,
    });
  });
});

describe('the anomaly alert', () => {
  async function burst(relay: TestRelaydesk, clock: ReturnType<typeof manualClock>, user: string) {
    // two quiet hours, then a burst in the third
    for (let hour = 0; hour < 2; hour++) {
      for (let i = 0; i < 2; i++)
        expect((await send(relay, ['x@example.com'], user)).error).toBeNull();
      clock.advance(3_600_000);
    }
    const results: SendResult[] = [];
    for (let i = 0; i < 8; i++) results.push(await send(relay, ['x@example.com'], user));
    return results;
  }

  it('pauses a sender whose volume jumps far above its hourly median, tells, and releases in one call', async () => {
    const clock = manualClock();
    const relay = await relaydesk(
      { anomalyPause: true, anomalyFactor: 3, anomalyMinMessages: 5 },
      clock.now,
    );
    const events: ServiceEvent[] = [];
    relay.service.on('event', (e) => events.push(e));
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));
    const results = await burst(relay, clock, 'webform');
    // median 2 → over 3 × 2 = 6: the 7th message of the hour trips it; the 8th is refused
    expect(results.slice(0, 7).every((r) => r.error === null)).toBe(true);
    // the client is not told the figures a script would stay under next time; the log is
    expect(results[7]?.error?.response).toBe(
      '554 5.7.1 User suspended: unusual sending volume; ask your mail administrator',
    );
    expect(log.join('\n')).toMatch(
      /smtp-audit event=mail result=rejected .*user=webform .*reply=554 reason="suspended user webform \(\w+\): automatic: 7 messages this hour from user webform, over 3 times its hourly median of 2"/,
    );
    const [paused] = await relay.api<SuspensionEntry[]>('/api/v1/suspensions');
    expect(paused).toMatchObject({
      Kind: 'user',
      Value: 'webform',
      Auto: true,
      Created: new Date(clock.now()).toISOString(),
    });
    // the notification follows once the suspension is on disk
    await expect
      .poll(() => events.filter((e) => e.Type === 'sender').map((e) => e.Data.Action))
      .toEqual(['suspended', 'alert']);
    // beside one a person made later, `relaydesk suspensions` says who made each and when (it
    // said "(automatic)" for the alert's, nothing for a person's, and never when)
    clock.advance(90_000);
    const byHand = (await relay.api('/api/v1/suspensions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Kind: 'sender', Value: 'bob@example.com', Reason: 'phished' }),
    })) as SuspensionEntry;
    expect(byHand).toMatchObject({ Auto: false, Created: new Date(clock.now()).toISOString() });
    const listed = await runCli(['suspensions'], {
      env: { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` },
    });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toBe(
      `${paused?.ID}\tuser\twebform\t${paused?.Reason}\t(automatic)\t${paused?.Created}\n` +
        `${byHand.ID}\tsender\tbob@example.com\tphished\t(by hand)\t${byHand.Created}\n`,
    );
    await relay.api(`/api/v1/suspensions/${byHand.ID}`, { method: 'DELETE' });
    await relay.api(`/api/v1/suspensions/${paused?.ID}?release=true`, { method: 'DELETE' });
    expect((await send(relay, ['x@example.com'], 'webform')).error).toBeNull();
  });

  it('only alerts when the pause is off (the default)', async () => {
    const clock = manualClock();
    const relay = await relaydesk({ anomalyFactor: 3, anomalyMinMessages: 5 }, clock.now);
    const events: ServiceEvent[] = [];
    relay.service.on('event', (e) => events.push(e));
    const results = await burst(relay, clock, 'webform');
    expect(results.every((r) => r.error === null)).toBe(true);
    expect(await relay.api<SuspensionEntry[]>('/api/v1/suspensions')).toEqual([]);
    await expect
      .poll(() => events.filter((e) => e.Type === 'sender'))
      .toContainEqual({
        Type: 'sender',
        Data: {
          Action: 'alert',
          Suspension: null,
          Text: 'automatic: 7 messages this hour from user webform, over 3 times its hourly median of 2',
        },
      });
  });

  it("stays quiet in a sender's first hours: with no history there is no usual volume", async () => {
    const clock = manualClock();
    const relay = await relaydesk({ anomalyFactor: 3, anomalyMinMessages: 5 }, clock.now);
    const events: ServiceEvent[] = [];
    relay.service.on('event', (e) => events.push(e));
    // a new app's first batch, then a second hour as busy: one earlier hour is not yet a baseline
    for (let hour = 0; hour < 2; hour++) {
      for (let i = 0; i < 12; i++)
        expect((await send(relay, ['x@example.com'], 'newapp')).error).toBeNull();
      clock.advance(3_600_000);
    }
    expect(events.filter((e) => e.Type === 'sender')).toEqual([]);
    expect(await relay.api('/api/v1/sender-alerts')).toEqual([]);
  });

  it('remembers the usual hours across a restart: the desktop app quit overnight is not blind in the morning', async () => {
    const clock = manualClock();
    const dataDir = await makeDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const settings = { anomalyFactor: 3, anomalyMinMessages: 5 };
    const evening = await startTestRelaydesk(settings, dataDir, { now: clock.now });
    for (let hour = 0; hour < 2; hour++) {
      for (let i = 0; i < 2; i++)
        expect((await send(evening, ['x@example.com'], 'webform')).error).toBeNull();
      clock.advance(3_600_000);
    }
    await evening.dispose();
    // the next morning: still within the week, so those two hours are its usual volume
    clock.advance(12 * 3_600_000);
    const logged: string[] = [];
    const morning = await startTestRelaydesk(settings, dataDir, {
      now: clock.now,
      log: (line) => logged.push(line),
    });
    cleanups.push(() => morning.dispose());
    for (let i = 0; i < 7; i++)
      expect((await send(morning, ['x@example.com'], 'webform')).error).toBeNull();
    await expect
      .poll(() =>
        morning.api<Array<{ Value: string; Count: number; Median: number }>>(
          '/api/v1/sender-alerts',
        ),
      )
      .toEqual([expect.objectContaining({ Value: 'webform', Count: 7, Median: 2 })]);
    expect(logged.filter((l) => l.includes('sender-hours'))).toEqual([]);
  });

  it('starts afresh from a damaged history file, says so, and writes a good one', async () => {
    const clock = manualClock();
    const dataDir = await makeDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const file = join(dataDir, 'sender-hours.json');
    await writeFile(file, '{"hours": {"user webform": [[1, "two"]]}, "alerted": {}}');
    const logged: string[] = [];
    const relay = await startTestRelaydesk({ anomalyFactor: 3, anomalyMinMessages: 5 }, dataDir, {
      now: clock.now,
      log: (line) => logged.push(line),
    });
    expect(logged).toContainEqual(
      `sender-control: ${file} is damaged; the anomaly alert starts with no sending history (the file is replaced at the next save)`,
    );
    expect((await send(relay, ['x@example.com'], 'webform')).error).toBeNull();
    await relay.dispose();
    const kept = JSON.parse(await readFile(file, 'utf8')) as { hours: Record<string, unknown> };
    expect(kept.hours).toEqual({ 'user webform': [[Math.floor(clock.start / 3_600_000), 1]] });
  });
});
