// msmtp, the sendmail stand-in many servers' cron and PHP use, configured as the README's
// "Pointing an application at it" says: `tls off` on the loopback listener, and `tls on` once
// Relaydesk offers STARTTLS (`--starttls true`) with its certificate trusted by file or by
// fingerprint.
import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail, RelaydeskInfo } from '../../preload/api-contract.js';
import { makeTempDir } from '../helpers/cli-process.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const run = promisify(execFile);
const msmtp = requireTool(tools.msmtp);
const fast = { greetingDelayMs: 0, reverseDnsTimeoutMs: 0 };

/** Sends one message with msmtp from a configuration file of these lines; its result. */
async function send(relay: TestRelaydesk, subject: string, lines: string[]) {
  const config = join(await makeTempDir(), 'msmtprc');
  const account = ['account default', 'host 127.0.0.1', `port ${relay.smtp.port}`];
  await writeFile(config, [...account, 'from cron@app.example', ...lines, ''].join('\n'));
  // msmtp refuses a configuration file others may read
  await chmod(config, 0o600);
  const child = run(msmtp as string, ['-C', config, 'ops@team.example'], { timeout: 20_000 });
  child.child.stdin?.end(`Subject: ${subject}\n\nnightly job done\n`);
  return child.then(
    () => ({ ok: true, stderr: '' }),
    (err: { stderr?: string }) => ({ ok: false, stderr: err.stderr ?? String(err) }),
  );
}

const received = async (relay: TestRelaydesk, subject: string): Promise<MessageDetail> => {
  const detail = await relay.api<MessageDetail>('/api/v1/message/latest');
  expect(detail.Subject).toBe(subject);
  return detail;
};

describe.skipIf(!msmtp)('msmtp on the default loopback listener', () => {
  let relay: TestRelaydesk;
  beforeAll(async () => {
    relay = await startTestRelaydesk(fast);
  });
  afterAll(async () => relay?.dispose());

  it('delivers with tls off', async () => {
    expect(await send(relay, 'tls off', ['tls off'])).toEqual({ ok: true, stderr: '' });
    expect((await received(relay, 'tls off')).Envelope).toMatchObject({
      mailFrom: 'cron@app.example',
      rcptTo: ['ops@team.example'],
    });
  });

  it('with tls on, fails naming STARTTLS (not offered on loopback with the self-signed certificate)', async () => {
    const result = await send(relay, 'tls on', ['tls on', 'tls_starttls on']);
    expect(result.ok).toBe(false);
    expect(result.stderr).toContain('the server does not support TLS via the STARTTLS command');
  });
});

describe.skipIf(!msmtp)('msmtp with tls on, against --starttls true', () => {
  let relay: TestRelaydesk;
  beforeAll(async () => {
    relay = await startTestRelaydesk({ ...fast, starttls: true });
  });
  afterAll(async () => relay?.dispose());

  const overTls = async (subject: string) => {
    const raw = await (await relay.fetch(`/api/v1/message/latest/raw`)).text();
    expect(raw).toContain(`Subject: ${subject}`);
    // the Received line Relaydesk wrote says the session was encrypted
    expect(raw).toMatch(/with ESMTPS id /);
  };

  it('delivers trusting the self-signed certificate file', async () => {
    const certificate = join(relay.dataDir, 'tls', 'self-signed-cert.pem');
    const lines = ['tls on', 'tls_starttls on', `tls_trust_file ${certificate}`];
    expect(await send(relay, 'trusted file', lines)).toEqual({ ok: true, stderr: '' });
    await overTls('trusted file');
  });

  it("delivers trusting the certificate's SHA-256 fingerprint that Relaydesk prints", async () => {
    const info = await relay.api<RelaydeskInfo>('/api/v1/info');
    const fingerprint = info.SMTPSecurity?.certificate?.fingerprint256 as string;
    const lines = ['tls on', 'tls_starttls on', `tls_fingerprint ${fingerprint}`];
    expect(await send(relay, 'fingerprint', lines)).toEqual({ ok: true, stderr: '' });
    await overTls('fingerprint');
  });

  it('refuses a certificate it was not told to trust (msmtp checks by default)', async () => {
    const result = await send(relay, 'untrusted', ['tls on', 'tls_starttls on']);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/certificate|TLS/i);
  });
});
