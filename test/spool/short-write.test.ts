// A write the disk takes only part of: when a disk fills (or a file reaches a size limit), write(2)
// writes what fits, returns that count, and only the next write fails. FileHandle's write and
// writev return the count without going on, and the spool took such a write for a whole one: a
// large message was acknowledged with its end cut off, and after a restart dropped as "never
// acknowledged"; a cut arrivals-journal batch lost its message the same way. Here the real
// `relaydesk serve` runs under a file size limit (util-linux's prlimit --fsize), which cuts a
// write short exactly as a full disk does, over real SMTP; each case ends with a kill -9 and a
// restart without the limit, and every message that got its 250 must be there, whole. And a
// start with no room to write out what the last run received says so and what to do (it said
// "EFBIG: file too large, write"), and the next start with room has every message.
import { afterEach, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  cliEnv,
  makeTempDir,
  messageOfSize,
  relaydeskBin,
  sendOfSize,
  startServe,
  TrackedProcess,
} from '../helpers/cli-process.js';
import { requireTool, tools } from '../helpers/system-tools.js';

afterEach(cleanupCliProcesses);

const prlimit = requireTool(tools.prlimit);

/**
 * kill -9, then a start without the limit: the Subjects it lists, each checked whole (its stored
 * source ends with every byte sent).
 */
async function afterRestart(
  serve: Awaited<ReturnType<typeof startServe>>,
  dataDir: string,
  bytes: number,
): Promise<string[]> {
  serve.kill('SIGKILL');
  await serve.exited;
  const again = await startServe({ dataDir });
  const page = await again.api<MessagesPage>('/api/v1/messages?limit=500');
  for (const m of page.messages) {
    const raw = await (await again.fetch(`/api/v1/message/${m.ID}/raw`)).text();
    expect(raw.endsWith(messageOfSize(m.Subject, bytes)), `${m.Subject} is whole`).toBe(true);
  }
  return page.messages.map((m) => m.Subject).sort();
}

describe.skipIf(!prlimit)('a write the disk takes only part of', () => {
  it('refuses a large message whose .eml is cut short, and keeps every message it acknowledged', async () => {
    const dataDir = await makeTempDir();
    // a 400 KiB message is streamed to its .eml (over 256 KiB) in two writes, the first of
    // 256–320 KiB: the limit cuts the last one short, and no write comes after it to fail
    const serve = await startServe({
      dataDir,
      fileSizeLimit: { prlimit: prlimit as string, bytes: 360 * 1024 },
    });
    const large = await sendOfSize(serve.smtp.port, 'four hundred kilobytes', 400 * 1024);
    expect(large, serve.describe()).toBeGreaterThanOrEqual(400);
    expect(large).toBeLessThan(500);
    const small = await sendOfSize(serve.smtp.port, 'fifty kilobytes', 50 * 1024);
    expect(small, serve.describe()).toBe(250);
    expect(await afterRestart(serve, dataDir, 50 * 1024)).toEqual(['fifty kilobytes']);
  }, 60_000);

  it('keeps every message acknowledged when an arrivals-journal batch is cut short', async () => {
    const dataDir = await makeTempDir();
    const serve = await startServe({
      dataDir,
      fileSizeLimit: { prlimit: prlimit as string, bytes: 1024 * 1024 },
    });
    // each of 12 KiB, under the 16 KiB below which the arrivals journal's line carries the bytes
    // until the .eml is synced: the journal reaches the limit, and a batch's write is cut short
    const accepted: string[] = [];
    let refused = 0;
    for (let i = 0; i < 200 && refused === 0; i++) {
      const code = await sendOfSize(serve.smtp.port, `message ${i}`, 12 * 1024);
      if (code === 250) accepted.push(`message ${i}`);
      else {
        expect(code, serve.describe()).toBeGreaterThanOrEqual(400);
        expect(code).toBeLessThan(500);
        refused++;
      }
    }
    expect(refused, 'the journal should have reached the limit').toBe(1);
    expect(accepted.length).toBeGreaterThan(0);
    expect(await afterRestart(serve, dataDir, 12 * 1024)).toEqual(accepted.sort());
  }, 60_000);

  it('says at a start with no room for the last arrivals what to do, and loses nothing', async () => {
    const dataDir = await makeTempDir();
    const first = await startServe({ dataDir });
    for (const subject of ['one', 'two', 'three']) {
      expect(await sendOfSize(first.smtp.port, subject, 1024)).toBe(250);
    }
    // their records are still in the arrivals journal: the next start writes their sidecars
    first.kill('SIGKILL');
    await first.exited;
    const cramped = new TrackedProcess(
      prlimit as string,
      ['--fsize=100', process.execPath, relaydeskBin, 'serve', '--smtp', '127.0.0.1:0'],
      { env: cliEnv({ RELAYDESK_HTTP: '127.0.0.1:0', RELAYDESK_DATA: dataDir }) },
    );
    expect(await cramped.exited).toEqual({ code: 1, signal: null });
    // before: "relaydesk: EFBIG: file too large, write"
    expect(cramped.stderr).toBe(
      `relaydesk: --data: a file in ${dataDir} reached the largest size its disk or this process allows (EFBIG): Relaydesk needs room there to start (it first writes out what it received before it stopped). Free space on that disk, then start again; no message is lost\n`,
    );
    const again = await startServe({ dataDir });
    const page = await again.api<MessagesPage>('/api/v1/messages');
    expect(page.messages.map((m) => m.Subject).sort()).toEqual(['one', 'three', 'two']);
  }, 60_000);
});
