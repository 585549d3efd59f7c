// clamd lost while the relay runs (stopped, crashed, restarted by a package update): the service
// log (and so the Logs view, GET /api/v1/service/log) said nothing, only one audit line per
// refused message. Now it says once that clamd stopped answering, what happens to mail meanwhile
// (clamdUnavailable) and the fix, and once that it answers again, as the start-up check does.
// A real clamd stopped and started again on the same port, real SMTP sessions.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clamdTool, startClamd, type TestClamd } from '../helpers/clamd.js';
import { eventually } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool } from '../helpers/system-tools.js';

const clamdPath = requireTool(clamdTool);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface SmtpError extends Error {
  response?: string;
}

async function send(relay: TestRelaydesk, subject: string): Promise<string> {
  const transport = relay.transport();
  try {
    const info = await transport.sendMail({
      from: 'app@sender.example',
      to: 'bob@example.com',
      subject,
      text: 'hello',
    });
    return info.response;
  } catch (err) {
    return (err as SmtpError).response ?? (err as Error).message;
  } finally {
    transport.close();
  }
}

describe.skipIf(!clamdPath)('clamd lost while running', () => {
  it('is said once in the service log, with what happens to mail, and once when it is back', async () => {
    let clamd: TestClamd = await startClamd(clamdPath as string, Buffer.from('unused'));
    cleanups.push(() => clamd.stop());
    const relay = await startTestRelaydesk({ clamd: clamd.address, clamdUnavailable: 'defer' });
    cleanups.push(() => relay.dispose());
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));
    const said = (pattern: RegExp) => log.filter((line) => pattern.test(line));
    expect(await send(relay, 'scanned')).toMatch(/^250 /);

    await clamd.stop();
    expect(await send(relay, 'while clamd is gone')).toBe(
      '451 4.7.0 Virus scanner unavailable; try again later',
    );
    expect(await send(relay, 'and again')).toMatch(/^451 4\.7\.0/);
    const lost = said(/stopped answering/);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toContain(
      // set in the settings, not by a flag: named by the Settings box and the settings' key
      `clamd at ${clamd.address} stopped answering (clamd at ${clamd.address}: ECONNREFUSED); until it answers again, each message is refused with 451 4.7.0 and its client retries later (“Defer (451 4.7.0, the client retries)” as “When clamd cannot be reached” under Settings → Filtering & senders ("clamdUnavailable" in the settings)), unless a routing rule's filter says otherwise. Start clamd again (it takes a while to load its database; its log says why it stopped), or choose “Accept, tagged not-scanned” as “When clamd cannot be reached” under Settings → Filtering & senders ("clamdUnavailable" in the settings)`,
    );
    // the Logs view reads the service log
    const serviceLog = await relay.fetch('/api/v1/service/log');
    expect(await serviceLog.text()).toContain('stopped answering');

    clamd = await startClamd(clamdPath as string, Buffer.from('unused'), [], clamd.port);
    // asked every few seconds: said without waiting for the next message
    await eventually(() => said(/answers again: /).length, 30_000).toBe(1);
    expect(said(/answers again: /)[0]).toContain(
      `clamd at ${clamd.address} answers again: messages are scanned`,
    );
    expect(await send(relay, 'scanned again')).toMatch(/^250 /);
    expect(said(/stopped answering|answers again: /)).toHaveLength(2);
  }, 120_000);

  it('a hung clamd keeps one message waiting for its verdict, not every message after it', async () => {
    const clamd = await startClamd(clamdPath as string, Buffer.from('unused'));
    cleanups.push(() => clamd.stop());
    // clamdTimeoutSeconds: the longest wait for a verdict (a minute by default)
    const timeoutMs = 4000;
    const relay = await startTestRelaydesk({
      clamd: clamd.address,
      clamdUnavailable: 'defer',
      clamdTimeoutSeconds: timeoutMs / 1000,
    });
    cleanups.push(() => relay.dispose());
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));
    expect(await send(relay, 'scanned')).toMatch(/^250 /);

    // stopped, not ended: it still takes connections, and answers nothing
    process.kill(clamd.pid, 'SIGSTOP');
    cleanups.push(async () => void process.kill(clamd.pid, 'SIGCONT'));
    const timed = async (subject: string) => {
      const started = Date.now();
      const reply = await send(relay, subject);
      return { reply, ms: Date.now() - started };
    };
    const first = await timed('waits for the verdict');
    expect(first.reply).toMatch(/^451 4\.7\.0/);
    expect(first.ms).toBeGreaterThanOrEqual(timeoutMs - 100);
    expect(log.filter((line) => line.includes('stopped answering'))).toHaveLength(1);
    // clamd is asked again every few seconds meanwhile; mail is not sent to it
    const next = await timed('answered at once');
    expect(next.reply).toMatch(/^451 4\.7\.0/);
    expect(next.ms).toBeLessThan(timeoutMs - 100);
    const audit = await readFile(join(relay.dataDir, 'audit.log'), 'utf8');
    expect(audit).toContain(
      `clamd at ${clamd.address} did not answer in ${timeoutMs} ms when last asked; not sent to it until it answers again`,
    );

    process.kill(clamd.pid, 'SIGCONT');
    await eventually(() => log.filter((line) => /answers again: /.test(line)).length, 30_000).toBe(
      1,
    );
    expect(await send(relay, 'scanned again')).toMatch(/^250 /);
  }, 120_000);
});
