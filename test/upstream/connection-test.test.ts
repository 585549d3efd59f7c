import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, test } from 'vitest';
import { testUpstream } from '../../main/core/upstream/connection-test.js';
import {
  upstreamSettingsSchema,
  type UpstreamSettingsInput,
} from '../../main/core/upstream/upstream-settings.js';
import { closedPort, upstreamsPerTest } from '../helpers/upstream-server.js';

const { upstream, certificate } = upstreamsPerTest();

const settings = (input: UpstreamSettingsInput) => upstreamSettingsSchema.parse(input);
// short, so the "no greeting" cases answer fast
const timeouts = { greetingMs: 1_000, connectMs: 2_000 };

describe('testUpstream', () => {
  test('STARTTLS + AUTH: every step reported, certificate described, no mail sent', async () => {
    const server = await upstream({ users: { alice: 'pw-123456' } });
    const result = await testUpstream(
      settings({
        host: server.host,
        port: server.port,
        caFile: server.certificate!.caFile,
        auth: { user: 'alice', password: 'pw-123456' },
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
      ['connect', true],
      ['greeting', true],
      ['ehlo', true],
      ['starttls', true],
      ['certificate', true],
      ['auth', true],
    ]);
    const detail = Object.fromEntries(result.steps.map((s) => [s.step, s.detail]));
    expect(detail.connect).toBe(`connected to 127.0.0.1 (127.0.0.1) port ${server.port}`);
    expect(detail.greeting).toMatch(/^220 /);
    expect(detail.ehlo).toContain('AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2');
    expect(detail.starttls).toMatch(/^upgraded to TLSv1\.[23] /);
    expect(detail.certificate).toContain(`SHA-256 ${server.certificate!.fingerprint256}`);
    expect(detail.certificate).toContain('verification: trusted');
    expect(detail.certificate).toMatch(/valid until \d{4}-\d\d-\d\dT/);
    expect(detail.auth).toBe('authenticated as alice with PLAIN');
    expect(result.certificate?.fingerprint256).toBe(server.certificate!.fingerprint256);
    expect(result.capabilities).toContain('SMTPUTF8');
    expect(result.transcript).not.toMatch(/MAIL FROM|RCPT TO|DATA/);
    expect(result.transcript).toMatch(/C: QUIT\nS: 221/);
    expect(server.messages).toHaveLength(0);
  });

  test('STARTTLS chosen on an implicit-TLS port', async () => {
    const server = await upstream({ tls: 'implicit' });
    const result = await testUpstream(
      settings({
        host: server.host,
        port: server.port,
        security: 'starttls',
        caFile: server.certificate!.caFile,
      }),
      { timeouts },
    );
    expect(result.ok).toBe(false);
    expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
      ['connect', true],
      ['greeting', false],
    ]);
    expect(result.steps[1]).toEqual({
      step: 'greeting',
      ok: false,
      detail: `port ${server.port} expects implicit TLS; you chose STARTTLS`,
      fix: 'set security to "tls" (implicit TLS), or use the provider\'s STARTTLS port, usually 587',
    });
  });

  test('a 421 greeting fails the greeting step, not EHLO', async () => {
    const busy = '4.3.2 Too many connections from your address, try again later';
    const server = new SMTPServer({
      authOptional: true,
      disableReverseLookup: true,
      hideENHANCEDSTATUSCODES: true,
      logger: false,
      onConnect: (_session, callback) =>
        callback(Object.assign(new Error(busy), { responseCode: 421 })),
    });
    server.on('error', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.server.address() as AddressInfo;
      const result = await testUpstream(settings({ host: '127.0.0.1', port, security: 'none' }), {
        timeouts,
      });
      expect(result.ok).toBe(false);
      expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
        ['connect', true],
        ['greeting', false],
      ]);
      expect(result.steps[1]?.detail).toBe(
        `the upstream refused the connection at its greeting: 421 ${busy}`,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('implicit TLS chosen on a STARTTLS port', async () => {
    const server = await upstream({ tls: 'starttls' });
    const result = await testUpstream(
      settings({
        host: server.host,
        port: server.port,
        security: 'tls',
        caFile: server.certificate!.caFile,
      }),
      { timeouts },
    );
    expect(result.steps.at(-1)).toMatchObject({
      step: 'tls',
      ok: false,
      detail: `port ${server.port} does not start with TLS (it answered in plain text); you chose implicit TLS`,
      fix: expect.stringContaining('set security to "starttls"'),
    });
  });

  test('implicit TLS: the tls step comes before the greeting', async () => {
    const server = await upstream({ tls: 'implicit' });
    const result = await testUpstream(
      settings({
        host: server.host,
        port: server.port,
        security: 'tls',
        caFile: server.certificate!.caFile,
      }),
    );
    expect(result.ok).toBe(true);
    expect(result.steps.map((s) => s.step)).toEqual([
      'connect',
      'tls',
      'greeting',
      'ehlo',
      'certificate',
      'auth',
    ]);
    expect(result.steps.at(-1)?.detail).toContain('no credentials configured');
  });

  test('the server does not offer STARTTLS', async () => {
    const server = await upstream({ tls: 'none' });
    const result = await testUpstream(
      settings({ host: server.host, port: server.port, security: 'starttls' }),
      { timeouts },
    );
    expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
      ['connect', true],
      ['greeting', true],
      ['ehlo', true],
      ['starttls', false],
    ]);
    expect(result.steps.at(-1)).toMatchObject({
      detail: 'the server does not offer STARTTLS',
      fix: expect.stringContaining('implicit TLS'),
    });
  });

  test('authentication rejected', async () => {
    const server = await upstream({ users: { alice: 'pw-123456' } });
    const result = await testUpstream(
      settings({
        host: server.host,
        port: server.port,
        caFile: server.certificate!.caFile,
        auth: { user: 'alice', password: 'nope-nope' },
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.steps.at(-1)).toEqual({
      step: 'auth',
      ok: false,
      detail: 'authentication rejected (535 5.7.8 Authentication credentials invalid)',
      fix: 'check the password of the user "alice", and that this is the user name the provider gives (often the whole address; for Gmail use an app password)',
    });
    expect(result.transcript).not.toContain('nope-nope');
  });

  // Microsoft 365 answers 535 5.7.139 for every refused login; the text names the cause.
  test.each([
    [
      'Authentication unsuccessful, the user credentials were incorrect. [AM0PR02CA0001.eurprd02.prod.outlook.com]',
      'Microsoft 365 says the user name or password is wrong',
      'check the user (the full mailbox address) and the password',
    ],
    [
      'Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
      'SMTP AUTH is disabled for this Microsoft 365 mailbox or tenant',
      'enable Authenticated SMTP for the mailbox (and tenant)',
    ],
    [
      'Authentication unsuccessful, basic authentication is disabled.',
      'Microsoft 365 has turned off password (basic) authentication',
      'sign in with OAuth2 (XOAUTH2)',
    ],
    [
      "Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator.",
      'a Microsoft 365 sign-in policy (security defaults or conditional access) blocks this login',
      'exclude this mailbox from the policy',
    ],
  ])('Microsoft 365 login refused: %s', async (text, detail, fix) => {
    const server = await upstream({
      users: { 'office@example.com': 'right-password' },
      authMethods: ['LOGIN'],
      authFailure: { code: 535, text: `5.7.139 ${text}` },
    });
    const result = await testUpstream(
      settings({
        host: server.host,
        port: server.port,
        caFile: server.certificate!.caFile,
        auth: { user: 'office@example.com', password: 'Typo-Passw0rd' },
      }),
    );
    expect(result.ok).toBe(false);
    const step = result.steps.at(-1)!;
    expect(step.step).toBe('auth');
    expect(step.detail).toContain(detail);
    expect(step.detail).toContain(`535 5.7.139 ${text}`);
    expect(step.fix).toContain(fix);
    expect(JSON.stringify(result)).not.toContain('Typo-Passw0rd');
  });

  test('AUTH mechanism the server does not offer', async () => {
    const server = await upstream({
      users: { alice: 'pw-123456' },
      authMethods: ['PLAIN', 'LOGIN'],
    });
    const result = await testUpstream(
      settings({
        host: server.host,
        port: server.port,
        caFile: server.certificate!.caFile,
        auth: { user: 'alice', password: 'pw-123456', mechanism: 'CRAM-MD5' },
      }),
    );
    expect(result.steps.at(-1)).toMatchObject({
      step: 'auth',
      ok: false,
      detail: 'the server offers AUTH PLAIN LOGIN, not CRAM-MD5',
    });
  });

  test('certificate for another name', async () => {
    const cert = await certificate(['mx.example.net']);
    const server = await upstream({ certificate: cert });
    const result = await testUpstream(
      settings({ host: server.host, port: server.port, caFile: cert.caFile }),
    );
    expect(result.steps.map((s) => [s.step, s.ok])).toEqual([
      ['connect', true],
      ['greeting', true],
      ['ehlo', true],
      ['starttls', true],
      ['certificate', false],
    ]);
    const step = result.steps.at(-1)!;
    expect(step.detail).toMatch(
      /^certificate is for mx\.example\.net, not 127\.0\.0\.1; subject CN=mx\.example\.net/,
    );
    expect(step.detail).toContain(`SHA-256 ${cert.fingerprint256}`);
    expect(step.fix).toContain(`--relay-pin-sha256 ${cert.fingerprint256}`);
    expect(result.certificate?.ok).toBe(false);
  });

  test('a self-signed certificate, then the same with its pin', async () => {
    const server = await upstream();
    const untrusted = await testUpstream(settings({ host: server.host, port: server.port }));
    expect(untrusted.steps.at(-1)).toMatchObject({ step: 'certificate', ok: false });
    expect(untrusted.steps.at(-1)?.detail).toMatch(/^certificate is self-signed and not trusted/);
    const pinned = await testUpstream(
      settings({
        host: server.host,
        port: server.port,
        pinSha256: untrusted.certificate!.fingerprint256,
      }),
    );
    expect(pinned.ok).toBe(true);
    expect(pinned.certificate?.verification).toBe('pinned (SHA-256 matches)');
  });

  test('connection refused', async () => {
    const port = await closedPort();
    const result = await testUpstream(settings({ host: '127.0.0.1', port, security: 'none' }));
    expect(result).toMatchObject({
      ok: false,
      steps: [
        {
          step: 'connect',
          ok: false,
          detail: `connection refused: nothing listens on 127.0.0.1:${port}`,
          fix: expect.stringContaining('check the host and port'),
        },
      ],
    });
  });
});
