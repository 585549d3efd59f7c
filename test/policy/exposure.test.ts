// Exposure: listening beyond loopback needs an allowlist or users (SMTP) and a password (HTTP);
// what is exposed is printed at start; the UI password is basic auth, throttled; policy flags
// are taken the way people write them (bare --require-auth, repeated --allow-ip).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupCliProcesses, makeTempDir, runCli, startServe } from '../helpers/cli-process.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { SmtpWire } from '../helpers/smtp-wire.js';

afterEach(cleanupCliProcesses);

describe('start-up checks (nothing is bound when they fail)', () => {
  it('refuses SMTP on a non-loopback address with nobody allowed in', async () => {
    const dir = await makeTempDir();
    const result = await runCli([
      'serve',
      '--smtp',
      '0.0.0.0:0',
      '--http',
      '127.0.0.1:0',
      '--data',
      dir,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'relaydesk: --smtp 0.0.0.0:0 listens beyond this machine, but no client is allowed in: add --allow-ip CIDR (e.g. 192.168.1.0/24) or an SMTP user (relaydesk user add NAME --data DIR), or listen on 127.0.0.1\n',
    );
  });

  it('refuses the UI and API on a non-loopback address without a password', async () => {
    const dir = await makeTempDir();
    const result = await runCli([
      'serve',
      '--smtp',
      '127.0.0.1:0',
      '--http',
      '0.0.0.0:0',
      '--data',
      dir,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'relaydesk: --http 0.0.0.0:0 listens beyond this machine, so the UI and API need a password: give --ui-password-file FILE (a file holding the password), or listen on 127.0.0.1\n',
    );
  });

  it('names the flag, the value and the fix for a bad policy value', async () => {
    const dir = await makeTempDir();
    const result = await runCli([
      'serve',
      '--data',
      dir,
      '--allow-ip',
      '10.0.0.0/8',
      '--allow-ip',
      'lan',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^relaydesk: --allow-ip: "10\.0\.0\.0\/8,lan" is not valid; use CIDRs or addresses/,
    );
  });

  it('prints what is exposed, and takes a repeated --allow-ip and a bare --require-auth', async () => {
    const serve = await startServe({
      args: [
        '--allow-ip',
        '10.0.0.0/8',
        '--allow-ip',
        '192.168.0.0/16',
        '--greeting-delay-ms',
        '0',
        '--starttls',
        'true',
      ],
    });
    expect(serve.stdout).toMatch(
      /exposure: SMTP on 127\.0\.0\.1:(\d+)(?: and \[::1\]:\1)? \(this machine only; STARTTLS offered\)/,
    );
    expect(serve.stdout).toMatch(
      /exposure: send and relay without AUTH: loopback, 10\.0\.0\.0\/8, 192\.168\.0\.0\/16; SMTP users: 0/,
    );
    expect(serve.stdout).toMatch(
      /tls: certificate SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2} \(self-signed, /,
    );
    expect(serve.stdout).toMatch(
      /exposure: UI and API on 127\.0\.0\.1:(\d+)(?: and \[::1\]:\1)? \(no password: this machine only\)/,
    );
    await serve.stop();

    // TLS weaker than the default (an old printer's) is said where the listener is
    const legacy = await startServe({ args: ['--starttls', 'true', '--tls-min-version', '1.0'] });
    expect(legacy.stdout).toMatch(
      /exposure: SMTP on 127\.0\.0\.1:(\d+)(?: and \[::1\]:\1)? \(this machine only; STARTTLS offered, TLS 1\.0 and newer taken \(weak: --tls-min-version 1\.0\)\)/,
    );
    await legacy.stop();

    const strict = await startServe({ args: ['--require-auth', '--greeting-delay-ms', '0'] });
    expect(strict.stdout).toMatch(/--require-auth is on but there are no SMTP users/);
    const wire = await SmtpWire.connect(strict.smtp.port);
    await wire.reply();
    await wire.command('EHLO client.example');
    expect(await wire.command('MAIL FROM:<app@sender.example>')).toBe(
      '530 5.7.0 Authentication required',
    );
    wire.close();
    await strict.stop();
  });

  it('says when the allowlist names machines that cannot connect, SMTP being on loopback only', async () => {
    // an office's printer on 192.168.1.0/24 got "connection refused" with the allowlist set:
    // --smtp stayed 127.0.0.1, and nothing said the allowlist alone lets no one in
    const office = await startServe({ args: ['--allow-ip', '192.168.1.0/24,127.0.0.0/8'] });
    const port = office.smtp.port;
    expect(office.stdout).toContain(
      `exposure: --allow-ip 192.168.1.0/24 names other machines, but SMTP listens on 127.0.0.1:${port} only (this machine): they cannot connect; to take their mail, listen on the network too (--smtp 0.0.0.0:${port}, or this machine's LAN address)`,
    );
    await office.stop();

    // an allowlist of this machine's own addresses is reachable as it is
    const local = await startServe({ args: ['--allow-ip', '127.0.0.0/8,::1'] });
    expect(local.stdout).toMatch(
      /exposure: send and relay without AUTH: loopback, 127\.0\.0\.0\/8, ::1;/,
    );
    expect(local.stdout).not.toContain('names other machines');
    await local.stop();
  });
});

describe('the UI password (basic auth)', () => {
  let relay: TestRelaydesk;
  const logs: string[] = [];
  const good = `Basic ${Buffer.from('anyone:ui-password-1').toString('base64')}`;
  const bad = `Basic ${Buffer.from('anyone:wrong').toString('base64')}`;
  beforeAll(async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'ui-password');
    await writeFile(file, 'ui-password-1\n');
    relay = await startTestRelaydesk({
      greetingDelayMs: 0,
      uiPasswordFile: file,
      authMaxFailures: 3,
      authFailureDelayMs: 0,
    });
    relay.service.on('log', (line) => logs.push(line));
  });
  afterAll(async () => relay?.dispose());

  it('is asked for on every route but the probes, and checked', async () => {
    const anonymous = await relay.fetch('/api/v1/info');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(
      'Basic realm="Relaydesk", charset="UTF-8"',
    );
    expect((await relay.fetch('/livez')).status).toBe(200);
    expect((await relay.fetch('/api/v1/info', { headers: { authorization: good } })).status).toBe(
      200,
    );
    // state changes from another origin stay refused even with the password
    const forged = await relay.fetch('/api/v1/messages', {
      method: 'DELETE',
      headers: { authorization: good, origin: 'http://evil.example' },
    });
    expect(forged.status).toBe(403);
    // no CORS: nothing tells a browser it may read the answer elsewhere
    expect(
      (
        await relay.fetch('/api/v1/info', {
          headers: { authorization: good, origin: 'http://evil.example' },
        })
      ).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });

  it('locks out an address after repeated wrong passwords (429), and logs it', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      codes.push((await relay.fetch('/api/v1/info', { headers: { authorization: bad } })).status);
    }
    expect(codes).toEqual([401, 401, 429, 429]);
    expect(logs.filter((l) => l.startsWith('http-audit event=auth result=rejected'))).toHaveLength(
      3,
    );
    expect(logs.join('\n')).not.toContain('wrong');
  });
});
