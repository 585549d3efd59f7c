// The upstream from the command line: --mode, --relay-* flags and RELAYDESK_RELAY_PASSWORD;
// each bad value refused in one line, the password never printed.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery } from '../../preload/api-contract.js';
import type { SettingsView } from '../../preload/settings-contract.js';
import {
  cleanupCliProcesses,
  makeTempDir,
  relayFlags,
  runCli,
  startServe,
} from '../helpers/cli-process.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const upstreams: RunningUpstream[] = [];
afterEach(async () => {
  await cleanupCliProcesses();
  for (const u of upstreams.splice(0)) await u.close();
});

async function refusal(args: string[], env: Record<string, string> = {}): Promise<string> {
  const dir = await makeTempDir();
  const result = await runCli(
    ['serve', '--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data', dir, ...args],
    { env },
  );
  expect(result.code).not.toBe(0);
  expect(result.stderr).toMatch(/^relaydesk: [^\n]+\n$/);
  return result.stderr.slice('relaydesk: '.length, -1);
}

describe('bad relay settings', () => {
  it.each([
    [['--mode', 'relay'], /^--mode relay needs an upstream: give --relay-host HOST:PORT/],
    [['--mode', 'forward'], /^--mode: "forward" is not valid; use "capture"/],
    [
      ['--relay-host', 'smtp.example.com'],
      /^--relay-host: "smtp\.example\.com" is not valid; use HOST:PORT/,
    ],
    [
      ['--relay-host', 'smtp.example.com:587', '--relay-security', 'ssl'],
      /^--relay-security: "ssl" is not/,
    ],
    [
      ['--relay-host', 'smtp.example.com:25', '--relay-security', 'none'],
      /^--relay-security: "none" is not allowed towards smtp\.example\.com.* or set relay\.allowInsecure to true \(--relay-allow-insecure true\)$/,
    ],
    [
      ['--relay-host', 'smtp.example.com:25', '--relay-allow-insecure', 'maybe'],
      /^--relay-allow-insecure: "maybe" is not valid; use true or false$/,
    ],
    [
      ['--relay-allow-insecure', 'true'],
      /^--relay-allow-insecure: there is no upstream to allow it for; give --relay-host HOST:PORT/,
    ],
    [['--delay-warning', 'soon'], /^--delay-warning: "soon" is not valid; use a number of hours/],
    [
      ['--delay-warning', '-1'],
      /^--delay-warning: "-1" is not valid; use a number of hours from 0/,
    ],
    [
      ['--relay-host', 'smtp.example.com:587', '--relay-user', 'me'],
      /^relay user "me" has no password; give --relay-password-file FILE or set RELAYDESK_RELAY_PASSWORD/,
    ],
    [
      [
        '--relay-host',
        'smtp.example.com:587',
        '--relay-user',
        'me',
        '--relay-password-file',
        '/nonexistent/pw',
      ],
      /^--relay-password-file: cannot read "\/nonexistent\/pw" \(ENOENT\)/,
    ],
    [
      ['--relay-host', 'smtp.example.com:587', '--relay-ca', '/nonexistent/ca.pem'],
      /^--relay-ca: "\/nonexistent\/ca\.pem" cannot be read \(ENOENT\)/,
    ],
    [
      ['--relay-host', 'smtp.example.com:587', '--relay-pin-sha256', 'AB:CD'],
      /^--relay-pin-sha256: "AB:CD" is not a SHA-256 fingerprint/,
    ],
  ])('%j', async (args, message) => {
    expect(await refusal(args)).toMatch(message);
  });

  it('names a value from the environment by its variable', async () => {
    expect(
      await refusal(['--relay-host', 'smtp.example.com:587'], {
        RELAYDESK_RELAY_SECURITY: 'startls',
      }),
    ).toMatch(/^RELAYDESK_RELAY_SECURITY: "startls" is not a security mode/);
  });

  it('never shows the password, even in an error', async () => {
    const line = await refusal(['--relay-host', 'smtp.example.com:99999', '--relay-user', 'me'], {
      RELAYDESK_RELAY_PASSWORD: 'hunter2-secret',
    });
    expect(line).not.toContain('hunter2-secret');
  });
});

describe('relaying configured by flags', () => {
  it('--relay-allow-insecure true allows security none to a host on the network, and the delay warning takes 4h', async () => {
    const serve = await startServe({
      args: [
        '--relay-host',
        'smtp.example.com:25',
        '--relay-security',
        'none',
        '--relay-allow-insecure',
        'true',
        '--delay-warning',
        '4h',
      ],
    });
    const res = await fetch(`${serve.url}api/v1/settings`);
    const view = (await res.json()) as SettingsView;
    expect(view.values.relay).toMatchObject({
      host: 'smtp.example.com',
      security: 'none',
      allowInsecure: true,
    });
    expect(view.values.delayWarningHours).toBe(4);
    expect(view.pinned.relay).toContain('--relay-allow-insecure');
    expect(view.pinned.delayWarningHours).toBe('--delay-warning');
  });

  it('delivers through an authenticated upstream with the password from a file, never logged', async () => {
    const upstream = await startUpstreamServer({
      tls: 'none',
      users: { relayuser: 'hunter2-secret' },
    });
    upstreams.push(upstream);
    const dir = await makeTempDir();
    const passwordFile = join(dir, 'relay-password');
    await writeFile(passwordFile, 'hunter2-secret\n', { mode: 0o600 });
    const serve = await startServe({
      args: [
        ...relayFlags(upstream.port),
        '--relay-user',
        'relayuser',
        '--relay-password-file',
        passwordFile,
      ],
    });
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: serve.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    const info = await transport.sendMail({
      from: 'app@sender.example',
      to: 'bob@rcpt.example',
      subject: 'by flags',
      text: 'x',
    });
    transport.close();
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await expect
      .poll(
        async () => (await serve.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).status,
        { timeout: 10_000 },
      )
      .toBe('delivered');
    expect(upstream.messages[0]?.user).toBe('relayuser');
    // Settings → Upstream names every flag that fixes the upstream for this run, the password's too
    const shown = await serve.api<{ pinned: Record<string, string> }>('/api/v1/settings');
    expect(shown.pinned.relay).toBe(
      '--relay-host, --relay-security, --relay-user, --relay-password-file',
    );
    const delivery = await serve.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect(JSON.stringify(delivery)).not.toContain('hunter2-secret');
    expect(serve.stdout + serve.stderr).not.toContain('hunter2-secret');
    await expect
      .poll(() => serve.stdout)
      .toMatch(
        new RegExp(
          `${id}: to=<bob@rcpt\\.example>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:${upstream.port}, .*status=sent`,
        ),
      );
  });

  describe('--relay-password-file is read again when it changes', () => {
    type QueueState = { upstream: { paused: { reason: string } | null } };

    async function relayWithPasswordFile(upstream: RunningUpstream, password: string) {
      const dir = await makeTempDir();
      const passwordFile = join(dir, 'relay-password');
      await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
      const serve = await startServe({
        args: [
          ...relayFlags(upstream.port),
          '--relay-user',
          'relayuser',
          '--relay-password-file',
          passwordFile,
        ],
      });
      const send = async (subject: string): Promise<string> => {
        const transport = nodemailer.createTransport({
          host: '127.0.0.1',
          port: serve.smtp.port,
          secure: false,
          ignoreTLS: true,
        });
        const info = await transport.sendMail({
          from: 'app@sender.example',
          to: 'bob@rcpt.example',
          subject,
          text: 'x',
        });
        transport.close();
        return /queued as (\S+)/.exec(info.response)?.[1] as string;
      };
      const status = async (id: string) =>
        (await serve.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).status;
      return { serve, passwordFile, send, status };
    }

    it('a queue paused by the rejected login resumes once the file is put right, without a restart', async () => {
      const upstream = await startUpstreamServer({
        tls: 'none',
        users: { relayuser: 'right-secret-2' },
      });
      upstreams.push(upstream);
      const { serve, passwordFile, send, status } = await relayWithPasswordFile(
        upstream,
        'wrong-secret-1',
      );
      const id = await send('while the file is wrong');
      await expect
        .poll(
          async () => (await serve.api<QueueState>('/api/v1/queue')).upstream.paused?.reason ?? '',
          { timeout: 10_000 },
        )
        .toMatch(/authentication rejected/);
      expect(upstream.refusedLogins).toBe(1);

      // the only thing the user does: write the right password into the file
      await writeFile(passwordFile, 'right-secret-2\n');
      await expect
        .poll(async () => (await serve.api<QueueState>('/api/v1/queue')).upstream.paused, {
          timeout: 15_000,
        })
        .toBeNull();
      await expect
        .poll(() => serve.stdout)
        .toContain(`relay password file ${passwordFile} changed`);
      // the one the wrong password deferred goes at once, not at its retry time (a minute)
      await expect.poll(() => status(id), { timeout: 10_000 }).toBe('delivered');
      // relaying again, with the new password
      const next = await send('after the file was put right');
      await expect.poll(() => status(next), { timeout: 10_000 }).toBe('delivered');
      expect(upstream.messages[0]?.user).toBe('relayuser');
      expect(upstream.refusedLogins).toBe(1);
      for (const secret of ['wrong-secret-1', 'right-secret-2']) {
        expect(serve.stdout + serve.stderr).not.toContain(secret);
      }
    });

    it('a new login uses the password the file holds now, with no failed login first', async () => {
      const upstream = await startUpstreamServer({ tls: 'none', users: { relayuser: 'first-pw' } });
      upstreams.push(upstream);
      const { passwordFile, send, status } = await relayWithPasswordFile(upstream, 'first-pw');
      const first = await send('with the first password');
      await expect.poll(() => status(first), { timeout: 10_000 }).toBe('delivered');

      // the provider's password is changed, and the file with it (a rotation); the upstream
      // restarts where it was, so the connection kept open from the first message is gone and
      // the next message needs a new login
      upstreams.splice(upstreams.indexOf(upstream), 1);
      await upstream.close();
      const rotated = await startUpstreamServer({
        tls: 'none',
        users: { relayuser: 'second-pw' },
        port: upstream.port,
      });
      upstreams.push(rotated);
      await writeFile(passwordFile, 'second-pw\n');
      const second = await send('with the second password');
      await expect.poll(() => status(second), { timeout: 10_000 }).toBe('delivered');
      expect(rotated.refusedLogins).toBe(0);
      expect(rotated.messages).toHaveLength(1);
    });
  });

  it('trusts a self-signed upstream pinned with --relay-pin-sha256, the flag its refusal names', async () => {
    const upstream = await startUpstreamServer({ tls: 'starttls' });
    upstreams.push(upstream);
    const fingerprint = upstream.certificate?.fingerprint256 as string;
    const relayArgs = ['--mode', 'relay', '--relay-host', `127.0.0.1:${upstream.port}`];
    const sendOne = async (port: number): Promise<string> => {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port,
        secure: false,
        ignoreTLS: true,
      });
      const info = await transport.sendMail({
        from: 'app@sender.example',
        to: 'bob@rcpt.example',
        subject: 'pinned',
        text: 'x',
      });
      transport.close();
      return /queued as (\S+)/.exec(info.response)?.[1] as string;
    };

    const untrusted = await startServe({ args: relayArgs });
    await sendOne(untrusted.smtp.port);
    await expect
      .poll(
        async () =>
          (await untrusted.api<{ upstream: { paused: { fix: string } | null } }>('/api/v1/queue'))
            .upstream.paused?.fix ?? '',
        { timeout: 10_000 },
      )
      .toContain(`--relay-pin-sha256 ${fingerprint}`);
    expect(upstream.messages).toHaveLength(0);
    await untrusted.stop();

    const pinned = await startServe({ args: [...relayArgs, '--relay-pin-sha256', fingerprint] });
    const id = await sendOne(pinned.smtp.port);
    await expect
      .poll(
        async () => (await pinned.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).status,
        { timeout: 10_000 },
      )
      .toBe('delivered');
    expect(upstream.messages).toHaveLength(1);
  });
});
