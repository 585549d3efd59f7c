// relay.log and audit.log rotate by size and keep a few generations (settings); a full disk gives
// new mail `452 4.3.1` with one clear log line and leaves nothing half-written in the spool, and
// the relay takes mail again as soon as there is space. The disk is a small tmpfs the test mounts
// (it needs root; where mounting is not allowed the disk-full test says so and is skipped).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { settled } from '../helpers/delivery.js';
import { waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession } from '../helpers/smtp-wire.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sizes(dir: string, name: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const file of (await readdir(dir)).sort()) {
    if (file === name || file.startsWith(`${name}.`))
      out.set(file, (await stat(join(dir, file))).size);
  }
  return out;
}

describe('log rotation', () => {
  it('rotates audit.log and relay.log by size and keeps --log-keep generations', async () => {
    const upstream: RunningUpstream = await startUpstreamServer({ tls: 'none' });
    cleanups.push(() => upstream.close());
    const relay = await startTestRelaydesk({
      greetingDelayMs: 0,
      reverseDnsTimeoutMs: 0,
      logMaxSize: '1k',
      logKeep: 2,
      mode: 'relay',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
    });
    cleanups.push(() => relay.dispose());
    const transport = relay.transport();
    for (let n = 0; n < 20; n++) {
      const info = await transport.sendMail({
        from: 'app@sender.example',
        to: `user${n}@dest.example`,
        subject: `rotation ${n}`,
        text: 'x',
      });
      const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
      await settled(relay, id, (d) => d.recipients[0]?.state === 'relayed');
    }
    // 20 relayed attempts of ~200 bytes (4 to a 1k file), and an audit line or two per message
    for (const name of ['relay.log', 'audit.log']) {
      await expect
        .poll(async () => [...(await sizes(relay.dataDir, name)).keys()])
        .toEqual([name, `${name}.1`, `${name}.2`]);
      for (const size of (await sizes(relay.dataDir, name)).values()) {
        expect(size).toBeLessThanOrEqual(1024);
      }
    }
    // the lines are appended after the delivery's state is set, and relay.log is briefly absent
    // while it rotates: three generations on disk may come before the last attempt's line, so
    // a read right after them could miss it. Waited for, not read once
    const lastSent =
      /to=<user19@dest\.example>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:\d+, .*status=sent/;
    await waitFor('the last attempt in relay.log', async () =>
      lastSent.test(await readFile(join(relay.dataDir, 'relay.log'), 'utf8').catch(() => '')),
    );
    const oldest = await readFile(join(relay.dataDir, 'relay.log.2'), 'utf8');
    expect(oldest).not.toMatch(/user0@/);
    await waitFor('an accepted message in audit.log', async () =>
      /^\S+Z smtp-audit event=message result=accepted /m.test(
        await readFile(join(relay.dataDir, 'audit.log'), 'utf8').catch(() => ''),
      ),
    );
  });
});

/** Mounts a tmpfs of `size`; null (with a printed line) where the machine does not allow it. */
function mountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
    return true;
  } catch (err) {
    console.log(
      `skipping the disk-full test: cannot mount a tmpfs here (${(err as Error).message.split('\n')[0]})`,
    );
    return false;
  }
}

const mountPoint = await mkdtemp(join(tmpdir(), 'relaydesk-full-'));
const mounted = mountTmpfs(mountPoint, '2m');
afterAll(async () => {
  if (mounted) execFileSync('umount', [mountPoint]);
  await rm(mountPoint, { recursive: true, force: true });
});

/** Fills the file system with one file until it is full; returns its path. */
async function fillDisk(dir: string): Promise<string> {
  const path = join(dir, 'filler');
  const handle = await open(path, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) await handle.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  // and the last few bytes
  try {
    for (;;) await handle.write(Buffer.alloc(256, 1));
  } catch {
    // full
  } finally {
    await handle.close();
  }
  return path;
}

async function sendOne(relay: TestRelaydesk, subject: string): Promise<string> {
  const wire = await greetedSession(relay.smtp.port);
  await wire.command('MAIL FROM:<app@sender.example>');
  await wire.command('RCPT TO:<qa@team.example>');
  await wire.command('DATA');
  const reply = await wire.command(`Subject: ${subject}\r\n\r\n${'body line\r\n'.repeat(2000)}.`);
  wire.close();
  return reply;
}

describe.skipIf(!mounted)('a full disk', () => {
  it('gives 452 4.3.1 with a log line, leaves no half message, and recovers', async () => {
    const dataDir = join(mountPoint, 'data');
    let relay: TestRelaydesk | null = await startTestRelaydesk(
      { greetingDelayMs: 0, reverseDnsTimeoutMs: 0 },
      dataDir,
    );
    const logs: string[] = [];
    relay.service.on('log', (line) => logs.push(line));
    cleanups.push(async () => {
      await relay?.dispose();
    });
    expect(await sendOne(relay, 'before')).toMatch(/^250 /);
    const spoolBefore = (await readdir(join(dataDir, 'spool'))).sort();

    const filler = await fillDisk(mountPoint);
    expect(await sendOne(relay, 'while full')).toBe(
      '452 4.3.1 Insufficient system storage; try again later',
    );
    expect(await sendOne(relay, 'still full')).toMatch(/^452 4\.3\.1 /);
    expect(logs.filter((l) => l.startsWith('spool: the disk'))).toEqual([
      `spool: the disk holding ${dataDir} is full (ENOSPC); new mail gets 452 4.3.1 until space is freed`,
    ]);
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^smtp-audit event=message result=rejected .* reply=452 reason="disk full"$/,
      ),
    );
    // nothing half-written: the spool holds exactly what it held, no temporary files
    expect((await readdir(join(dataDir, 'spool'))).sort()).toEqual(spoolBefore);
    const listed = await relay.api<MessagesPage>('/api/v1/messages');
    expect(listed.messages.map((m) => m.Subject)).toEqual(['before']);

    await unlink(filler);
    expect(await sendOne(relay, 'after')).toMatch(/^250 /);
    expect(logs).toContainEqual('spool: there is space on the disk again; taking mail');
    const after = await relay.api<MessagesPage>('/api/v1/messages');
    expect(after.messages.map((m) => m.Subject)).toEqual(['after', 'before']);
    await relay.dispose();
    relay = null;
    expect(existsSync(join(dataDir, 'index.sqlite'))).toBe(true);
    expect(existsSync(join(dataDir, 'index.sqlite-wal'))).toBe(false);
  });
});
