// A run of failed AUTH attempts locks out one user from one address, not the address: an office
// behind one NAT address keeps working while its misconfigured printer is locked out. Failures
// still slow every answer to that address down. Lockouts are listed and released from the API
// and from `relaydesk lockout`.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupCliProcesses, runCli } from '../helpers/cli-process.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession, plainToken } from '../helpers/smtp-wire.js';

interface Lockouts {
  lockouts: Array<{ Address: string; User: string; Failures: number; LockedUntil: string }>;
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

let relay: TestRelaydesk;
const logs: string[] = [];

beforeAll(async () => {
  relay = await startTestRelaydesk({
    greetingDelayMs: 0,
    reverseDnsTimeoutMs: 0,
    authMaxFailures: 3,
    authFailureDelayMs: 100,
    authLockoutMs: 600_000,
  });
  relay.service.on('log', (line) => logs.push(line));
  await relay.api('/api/v1/users', json({ name: 'printer', password: 'printer-pass-1' }));
  await relay.api('/api/v1/users', json({ name: 'alice', password: 'alice-pass-1' }));
});
afterAll(async () => relay?.dispose());
afterEach(cleanupCliProcesses);

async function auth(user: string, password: string): Promise<string> {
  const wire = await greetedSession(relay.smtp.port);
  const reply = await wire.command(`AUTH PLAIN ${plainToken(user, password)}`);
  wire.close();
  return reply;
}

describe('AUTH lockout per (address, user)', () => {
  it('locks the failing user out, lets the other users of the address in, and releases', async () => {
    expect(await auth('printer', 'wrong-1')).toMatch(/^535 5\.7\.8/);
    expect(await auth('printer', 'wrong-2')).toMatch(/^535 5\.7\.8/);
    expect(await auth('printer', 'wrong-3')).toMatch(
      /^421 4\.7\.0 Too many failed authentication attempts for this user from 127\.0\.0\.1/,
    );
    // the printer's right password is not even checked now
    expect(await auth('printer', 'printer-pass-1')).toMatch(
      /^421 4\.7\.0 .* try again in 10 minutes/,
    );
    // another user behind the same address still gets in, after the address's slowing delay
    const started = Date.now();
    expect(await auth('alice', 'alice-pass-1')).toMatch(/^235/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);

    const listed = await relay.api<Lockouts>('/api/v1/auth/lockouts');
    expect(listed.lockouts).toEqual([
      { Address: '127.0.0.1', User: 'printer', Failures: 3, LockedUntil: expect.any(String) },
    ]);
    const until = Date.parse(listed.lockouts[0]?.LockedUntil ?? '');
    expect(until - Date.now()).toBeGreaterThan(500_000);

    const cliEnv = { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` };
    const list = await runCli(['lockout', 'list'], { env: cliEnv });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^127\.0\.0\.1\tprinter\t3 failures\tuntil \d{4}-/m);

    const release = await runCli(
      ['lockout', 'release', '127.0.0.1', 'printer', '--http', `127.0.0.1:${relay.http.port}`],
      {},
    );
    expect(release.stdout).toMatch(/^released 1 lockout\n127\.0\.0\.1\tprinter/);
    expect(release.code).toBe(0);
    expect((await relay.api<Lockouts>('/api/v1/auth/lockouts')).lockouts).toEqual([]);
    expect(await auth('printer', 'printer-pass-1')).toMatch(/^235/);
    expect(logs).toContainEqual(
      'smtp-audit event=auth result=released client=127.0.0.1 user=printer reason="lockout released by hand"',
    );
  });

  it('releases from the API: one pair, or everything with an empty body', async () => {
    for (const guess of ['a', 'b', 'c']) await auth('alice', `wrong-${guess}`);
    expect(await auth('alice', 'alice-pass-1')).toMatch(/^421/);
    const none = await relay.api<{ released: unknown[] }>(
      '/api/v1/auth/lockouts/release',
      json({ Address: '127.0.0.1', User: 'somebody-else' }),
    );
    expect(none.released).toEqual([]);
    const all = await relay.api<{ released: Array<{ User: string }> }>(
      '/api/v1/auth/lockouts/release',
      json({}),
    );
    expect(all.released.map((e) => e.User)).toEqual(['alice']);
    expect(await auth('alice', 'alice-pass-1')).toMatch(/^235/);
  });

  it('the CLI says clearly when the relay cannot be reached or the command is wrong', async () => {
    const usage = await runCli(['lockout', 'release'], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('relaydesk lockout: release needs ADDRESS [USER], or --all\n');
    const away = await runCli(['lockout', 'list', '--http', '127.0.0.1:1'], {});
    expect(away.code).toBe(1);
    expect(away.stderr).toMatch(/cannot reach the relay's API at http:\/\/127\.0\.0\.1:1\/ /);
  });
});
