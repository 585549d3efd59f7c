// Quota counters survive a restart: a sender that used its day's quota is still refused after
// the relay stops and starts again on the same data folder (and after a kill -9 of the process).
// A damaged counters file is said so in one log line and the counters start empty.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import { QuotaJournal, type QuotaCount } from '../../main/core/sender-control/quota-journal.js';
import { startRelaydesk } from '../../main/headless.js';
import { cleanupCliProcesses, startServe } from '../helpers/cli-process.js';

const folders: string[] = [];
const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const relay of running.splice(0)) await relay.close();
  await cleanupCliProcesses();
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relaydesk-quota-'));
  folders.push(dir);
  return dir;
}

const quotas = [{ name: 'daily', user: '*', perDay: 2 }];

async function start(dataDir: string, now: () => number, log?: (line: string) => void) {
  const relay = await startRelaydesk({
    smtp: '127.0.0.1:0',
    http: '127.0.0.1:0',
    dataDir,
    settings: { quotas },
    now,
    ...(log ? { log } : {}),
  });
  running.push(relay);
  return relay;
}

/** One message as `alice`; the SMTP error's reply, or null when it was accepted. */
async function send(port: number): Promise<string | null> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    auth: { user: 'alice', pass: 'any' },
  });
  try {
    await transport.sendMail({ from: 'a@example.com', to: 'b@example.com', text: 'hi' });
    return null;
  } catch (err) {
    return (err as { response?: string }).response ?? String(err);
  } finally {
    transport.close();
  }
}

describe('quota counters', () => {
  it('a day quota used up stays used up after a restart, and frees when the day has passed', async () => {
    const dataDir = await dataFolder();
    let clock = Date.parse('2026-11-28T10:00:00Z');
    const now = () => clock;
    const first = await start(dataDir, now);
    expect(await send(first.smtp.port)).toBeNull();
    clock += 3_600_000;
    expect(await send(first.smtp.port)).toBeNull();
    const refusal = `451 4.7.1 Quota exceeded for user alice: at most 2 messages a day; try again after ${new Date(Date.parse('2026-11-29T10:00:00Z')).toISOString()}`;
    expect(await send(first.smtp.port)).toBe(refusal);
    await first.close();
    running.splice(running.indexOf(first), 1);

    clock += 60_000;
    const second = await start(dataDir, now);
    expect(await send(second.smtp.port)).toBe(refusal);
    const usage = (await (
      await fetch(`http://127.0.0.1:${second.http.port}/api/v1/quotas`)
    ).json()) as { usage: unknown[] };
    expect(usage.usage).toEqual([
      expect.objectContaining({ key: 'user alice', lastDay: 2, recipientsLastDay: 2 }),
    ]);
    // a day after the first message, one is free again
    clock = Date.parse('2026-11-29T10:00:01Z');
    expect(await send(second.smtp.port)).toBeNull();
    expect(await send(second.smtp.port)).toMatch(/^451 4\.7\.1 Quota exceeded for user alice/);
  });

  it('a kill -9 right after the 250 loses no count', async () => {
    const dataDir = await dataFolder();
    const args = ['--quotas', JSON.stringify(quotas)];
    const first = await startServe({ dataDir, args });
    expect(await send(first.smtp.port)).toBeNull();
    expect(await send(first.smtp.port)).toBeNull();
    first.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const second = await startServe({ dataDir, args });
    expect(await send(second.smtp.port)).toMatch(
      /^451 4\.7\.1 Quota exceeded for user alice: at most 2 messages a day; try again after /,
    );
  });

  it('a quota saved while running, with none at start, still counts across a restart', async () => {
    const dataDir = await dataFolder();
    const first = await startRelaydesk({ smtp: '127.0.0.1:0', http: '127.0.0.1:0', dataDir });
    running.push(first);
    const saved = await fetch(`http://127.0.0.1:${first.http.port}/api/v1/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quotas }),
    });
    expect(saved.status).toBe(200);
    expect(await send(first.smtp.port)).toBeNull();
    expect(await send(first.smtp.port)).toBeNull();
    await first.close();
    running.splice(running.indexOf(first), 1);

    const second = await startRelaydesk({ smtp: '127.0.0.1:0', http: '127.0.0.1:0', dataDir });
    running.push(second);
    expect(await send(second.smtp.port)).toMatch(
      /^451 4\.7\.1 Quota exceeded for user alice: at most 2 messages a day/,
    );
  });

  it('a damaged counters file: one clear log line, the file set aside, counters start empty', async () => {
    const dataDir = await dataFolder();
    const path = join(dataDir, 'quota-usage.jsonl');
    await writeFile(path, '{"k":"user alice","t":1,"r":1}\nthis is not a count\n');
    const log: string[] = [];
    const relay = await start(dataDir, Date.now, (line) => log.push(line));
    expect(log.filter((line) => line.startsWith('quotas:'))).toEqual([
      `quotas: ${path} is damaged (line 2 is not a quota count); quota counters start empty; the file was kept as ${path}.damaged`,
    ]);
    expect(await readFile(`${path}.damaged`, 'utf8')).toContain('this is not a count');
    expect(await send(relay.smtp.port)).toBeNull();
    expect(await send(relay.smtp.port)).toBeNull();
    expect(await send(relay.smtp.port)).toMatch(/^451 4\.7\.1 /);
  });

  it('the file is rewritten without what no longer counts once it has grown', async () => {
    const dataDir = await dataFolder();
    const journal = new QuotaJournal(dataDir, () => undefined);
    let live: QuotaCount[] = [];
    await journal.open(live);
    for (let i = 0; i < 1200; i++) {
      const count = { key: 'ip 192.0.2.7', at: i, recipients: 1 };
      // only the last ten still count (as if the day had moved on)
      live = [...live, count].slice(-10);
      journal.append([count], () => live);
    }
    // a stop while the rewrite is under way (the 1001st append set it off, nothing has been
    // awaited since) waits for it: its file in place, then the counts it held back appended
    await journal.close();
    expect((await readFile(journal.path, 'utf8')).split('\n').length - 1).toBeLessThan(500);
    const reread = await new QuotaJournal(dataDir, () => undefined).load(0);
    expect(reread.at(-1)).toEqual({ key: 'ip 192.0.2.7', at: 1199, recipients: 1 });
    // the ten that counted at the rewrite (the 1001st append set it off), then every later one
    expect(reread.map((c) => c.at)).toEqual(Array.from({ length: 209 }, (_, n) => 991 + n));
  });
});
