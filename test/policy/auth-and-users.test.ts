// SMTP users from the CLI and the API, and brute force: growing delays, then `421 4.7.0` for a
// while, logged; the relay keeps serving everyone else meanwhile.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupCliProcesses, runCli } from '../helpers/cli-process.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { SmtpWire, plainToken, greetedSession } from '../helpers/smtp-wire.js';

const fast = { greetingDelayMs: 0, reverseDnsTimeoutMs: 0 };

const session = (port: number): Promise<SmtpWire> => greetedSession(port);

const json = (body: unknown): RequestInit => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('users', () => {
  let relay: TestRelaydesk;
  beforeAll(async () => {
    relay = await startTestRelaydesk(fast);
  });
  afterAll(async () => relay?.dispose());
  afterEach(cleanupCliProcesses);

  it('are added, listed, changed and removed through the API; passwords never come back', async () => {
    expect(
      (
        await relay.fetch('/api/v1/users', {
          method: 'POST',
          ...json({ name: 'api', password: 'api-password-1' }),
        })
      ).status,
    ).toBe(201);
    const dup = await relay.fetch('/api/v1/users', {
      method: 'POST',
      ...json({ name: 'api', password: 'api-password-2' }),
    });
    expect(dup.status).toBe(409);
    const weak = await relay.fetch('/api/v1/users', {
      method: 'POST',
      ...json({ name: 'bad name', password: 'short' }),
    });
    expect(weak.status).toBe(400);
    expect(await weak.json()).toEqual({
      error: expect.stringContaining('a user name is 1 to 128 letters'),
    });
    const listed = await relay.api<{ name: string }[]>('/api/v1/users');
    expect(listed.map((u) => u.name)).toEqual(['api']);
    expect(JSON.stringify(listed)).not.toMatch(/scrypt|hash|password/);
    expect(
      (
        await relay.fetch('/api/v1/users/api', {
          method: 'PUT',
          ...json({ password: 'api-password-2' }),
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await relay.fetch('/api/v1/users/nobody', {
          method: 'PUT',
          ...json({ password: 'api-password-2' }),
        })
      ).status,
    ).toBe(404);
    const wire = await session(relay.smtp.port);
    expect(await wire.command(`AUTH PLAIN ${plainToken('api', 'api-password-2')}`)).toMatch(/^235/);
    wire.close();
    // the file is private to the user and holds hashes only
    const file = join(relay.dataDir, 'users.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    // a web page cannot add a user through the browser (cross-origin state change)
    const forged = await relay.fetch('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ name: 'evil', password: 'evil-password' }),
    });
    expect(forged.status).toBe(403);
    expect((await relay.fetch('/api/v1/users/api', { method: 'DELETE' })).status).toBe(200);
    expect((await relay.fetch('/api/v1/users/api', { method: 'DELETE' })).status).toBe(404);
  });

  it('are added from the CLI (password on stdin) and work in the running relay at once', async () => {
    const add = await runCli(['user', 'add', 'cli-user', '--data', relay.dataDir], {
      input: 'cli-password-1\n',
    });
    expect(add.stderr).toBe('');
    expect(add.stdout).toMatch(/^added SMTP user cli-user \(/);
    expect(add.code).toBe(0);
    const again = await runCli(['user', 'add', 'cli-user', '--data', relay.dataDir], {
      input: 'x-password-2\n',
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^relaydesk user: name: user cli-user exists already; change the password with "relaydesk user passwd cli-user"/,
    );
    const list = await runCli(['user', 'list', '--data', relay.dataDir]);
    expect(list.stdout).toMatch(/^cli-user\t\(added /m);
    const wire = await session(relay.smtp.port);
    expect(await wire.command(`AUTH PLAIN ${plainToken('cli-user', 'cli-password-1')}`)).toMatch(
      /^235/,
    );
    wire.close();
    const passwd = await runCli(['user', 'passwd', 'cli-user', '--data', relay.dataDir], {
      input: 'cli-password-2',
    });
    expect(passwd.code).toBe(0);
    const remove = await runCli(['user', 'remove', 'cli-user', '--data', relay.dataDir]);
    expect(remove.code).toBe(0);
    const usage = await runCli(['user', 'add', '--data', relay.dataDir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^relaydesk user: add needs a user NAME/);
  });
});

describe('brute force', () => {
  let relay: TestRelaydesk;
  const logs: string[] = [];
  beforeAll(async () => {
    relay = await startTestRelaydesk({
      ...fast,
      authMaxFailures: 3,
      authFailureDelayMs: 150,
      authLockoutMs: 60_000,
    });
    relay.service.on('log', (line) => logs.push(line));
    await relay.api('/api/v1/users', {
      method: 'POST',
      ...json({ name: 'app', password: 'app-password-1' }),
    });
  });
  afterAll(async () => relay?.dispose());

  it('delays each further attempt, then answers 421 4.7.0 and closes, for a while', async () => {
    const wire = await session(relay.smtp.port);
    expect(await wire.command(`AUTH PLAIN ${plainToken('app', 'guess-1')}`)).toMatch(
      /^535 5\.7\.8/,
    );
    const started = Date.now();
    expect(await wire.command(`AUTH PLAIN ${plainToken('app', 'guess-2')}`)).toMatch(
      /^535 5\.7\.8/,
    );
    // the second answer waited at least the base delay (a lower bound, not a speed claim)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await wire.command(`AUTH LOGIN ${Buffer.from('app').toString('base64')}`)).toMatch(
      /^334/,
    );
    // the failure that locks says how long, worded as every refusal after it
    expect(await wire.command(Buffer.from('guess-3').toString('base64'))).toMatch(
      /^421 4\.7\.0 Too many failed authentication attempts for this user from 127\.0\.0\.1; try again in 1 minute/,
    );
    await wire.waitClosed();

    // locked out: even the right password is not checked
    const next = await session(relay.smtp.port);
    expect(await next.command(`AUTH PLAIN ${plainToken('app', 'app-password-1')}`)).toMatch(
      /^421 4\.7\.0 Too many failed authentication attempts for this user from 127\.0\.0\.1; try again in 1 minute/,
    );
    await next.waitClosed();

    // everyone else is still served: a trusted loopback client sends without AUTH
    const other = await session(relay.smtp.port);
    expect(await other.command('MAIL FROM:<app@sender.example>')).toMatch(/^250/);
    expect(await other.command('RCPT TO:<qa@team.example>')).toMatch(/^250/);
    expect(await other.command('DATA')).toMatch(/^354/);
    expect(await other.command('Subject: still served\r\n\r\nx\r\n.')).toMatch(/^250 2\.6\.0/);
    other.close();

    const authLines = logs.filter((l) => l.startsWith('smtp-audit event=auth'));
    expect(authLines).toEqual([
      expect.stringMatching(
        /result=rejected .*user=app failures=1 reply=535 reason="bad credentials"$/,
      ),
      expect.stringMatching(
        /result=rejected .*user=app failures=2 reply=535 reason="bad credentials"$/,
      ),
      expect.stringMatching(
        /result=rejected .*user=app failures=3 reply=421 reason="bad credentials; user locked out for this client"$/,
      ),
      expect.stringMatching(
        /result=rejected listener=smtp client=127\.0\.0\.1 method=PLAIN user=app reply=421 reason="user locked out for this client after 3 failed attempts"$/,
      ),
    ]);
    expect(logs.join('\n')).not.toMatch(/guess-|app-password/);
  });
});
