import { rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, test } from 'vitest';
import {
  deliverToUpstream,
  type DeliveryAttempt,
} from '../../main/core/upstream/delivery-attempt.js';
import {
  upstreamSettingsSchema,
  type UpstreamSettingsInput,
} from '../../main/core/upstream/upstream-settings.js';
import { madeTempFolder } from '../helpers/temp-folders.js';
import { closedPort, upstreamsPerTest, type RunningUpstream } from '../helpers/upstream-server.js';

const { upstream, certificate } = upstreamsPerTest();

/** Settings for a test upstream that trust its certificate through caFile. */
function settingsFor(server: RunningUpstream, extra: Partial<UpstreamSettingsInput> = {}) {
  return upstreamSettingsSchema.parse({
    host: server.host,
    port: server.port,
    ...(server.certificate ? { caFile: server.certificate.caFile } : { security: 'none' }),
    ...extra,
  });
}

const message = Buffer.from(
  [
    'From: App <app@example.com>',
    'To: Ann <ann@example.net>',
    'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße — line one',
    '.a line that starts with a dot',
    '..two dots',
    'trailing spaces   ',
    '',
  ].join('\r\n'),
);

const outcomes = (attempt: DeliveryAttempt) =>
  Object.fromEntries(attempt.recipients.map((r) => [r.address, r.outcome]));

describe('deliverToUpstream', () => {
  test('relays with the exact envelope and the body byte for byte (STARTTLS, caFile)', async () => {
    const server = await upstream();
    const attempt = await deliverToUpstream(
      settingsFor(server, { heloName: 'relay.example.org' }),
      { mailFrom: 'bounce+123@example.com', rcptTo: ['ann@example.net', 'Bob@Example.NET'] },
      message,
    );
    expect(outcomes(attempt)).toEqual({
      'ann@example.net': 'relayed',
      'Bob@Example.NET': 'relayed',
    });
    expect(attempt.pauseUpstream).toBeNull();
    expect(server.messages).toHaveLength(1);
    const received = server.messages[0]!;
    expect(received.mailFrom).toBe('bounce+123@example.com');
    expect(received.rcptTo).toEqual(['ann@example.net', 'Bob@Example.NET']);
    expect(received.raw.equals(message)).toBe(true);
    expect(received.heloName).toBe('relay.example.org');
    expect(received.secure).toBe(true);
    expect(attempt.upstreamQueueId).toBe(received.queueId);
    expect(attempt.recipients[0]!.reply).toEqual({
      code: 250,
      enhanced: '2.0.0',
      text: `Ok: queued as ${received.queueId}`,
    });
    expect(attempt.upstream).toEqual({ host: '127.0.0.1', ip: '127.0.0.1', port: server.port });
    expect(attempt.tls?.version).toMatch(/^TLSv1\.[23]$/);
    expect(attempt.tls?.cipher).toBeTruthy();
    expect(attempt.authMechanism).toBeNull();
    expect(attempt.endedAt.getTime()).toBeGreaterThanOrEqual(attempt.startedAt.getTime());
    expect(attempt.transcript).toMatch(/^C: STARTTLS$/m);
    expect(attempt.transcript).toMatch(/^C: MAIL FROM:<bounce\+123@example\.com>/m);
    expect(attempt.transcript.trimEnd().split('\n').slice(-2)).toEqual([
      'C: QUIT',
      expect.stringMatching(/^S: 221/),
    ]);
  });

  test('the null sender goes out as MAIL FROM:<>', async () => {
    const server = await upstream();
    for (const mailFrom of ['<>', '']) {
      const attempt = await deliverToUpstream(
        settingsFor(server),
        { mailFrom, rcptTo: ['ann@example.net'] },
        message,
      );
      expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });
      expect(attempt.transcript).toMatch(/^C: MAIL FROM:<>/m);
    }
    expect(server.messages.map((m) => m.mailFrom)).toEqual(['', '']);
  });

  test('the body can come from a stream factory', async () => {
    const server = await upstream();
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
      () => Readable.from([message.subarray(0, 10), message.subarray(10)]),
    );
    expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });
    expect(server.messages[0]!.raw.equals(message)).toBe(true);
  });

  test('SMTPUTF8 addresses go out as they are when the upstream offers SMTPUTF8', async () => {
    const server = await upstream();
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'jörg@exämple.de', rcptTo: ['用户@例子.广告'] },
      message,
    );
    expect(outcomes(attempt)).toEqual({ '用户@例子.广告': 'relayed' });
    expect(server.messages[0]).toMatchObject({
      mailFrom: 'jörg@exämple.de',
      rcptTo: ['用户@例子.广告'],
      smtpUtf8: true,
    });
    expect(attempt.transcript).toMatch(/^C: MAIL FROM:<jörg@exämple\.de> SMTPUTF8/m);
  });

  test('without SMTPUTF8 upstream, a non-ASCII recipient bounces (5.6.7) and the others go', async () => {
    const server = await upstream({ smtpUtf8: false });
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['用户@例子.广告', 'ann@example.net'] },
      message,
    );
    expect(outcomes(attempt)).toEqual({
      '用户@例子.广告': 'bounced',
      'ann@example.net': 'relayed',
    });
    expect(attempt.recipients[0]!.reply).toMatchObject({ code: null, enhanced: '5.6.7' });
    expect(server.messages[0]!.rcptTo).toEqual(['ann@example.net']);
  });

  describe('AUTH over STARTTLS, with the secrets masked in the transcript', () => {
    const password = 'correct horse battery staple';
    test.each(['PLAIN', 'LOGIN', 'CRAM-MD5'] as const)('%s', async (mechanism) => {
      const server = await upstream({ users: { 'alice@example.com': password } });
      const attempt = await deliverToUpstream(
        settingsFor(server, { auth: { user: 'alice@example.com', password, mechanism } }),
        { mailFrom: 'alice@example.com', rcptTo: ['ann@example.net'] },
        message,
      );
      expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });
      expect(attempt.authMechanism).toBe(mechanism);
      expect(server.messages[0]!.user).toBe('alice@example.com');
      const t = attempt.transcript;
      expect(t).toContain(`C: AUTH ${mechanism}`);
      for (const secret of [
        password,
        Buffer.from(password).toString('base64'),
        Buffer.from(`\0alice@example.com\0${password}`).toString('base64'),
        Buffer.from('alice@example.com').toString('base64'),
      ]) {
        expect(t).not.toContain(secret);
      }
      // every client line of the SASL exchange after the AUTH verb is hidden
      const lines = t.split('\n');
      const from = lines.findIndex((line) => line.startsWith('C: AUTH'));
      const to = lines.findIndex((line, i) => i > from && /^S: 235/.test(line));
      expect(lines[from]).toMatch(/^C: AUTH \S+( \*\*\*)?$/);
      const hidden = lines.slice(from + 1, to).filter((line) => line.startsWith('C: '));
      expect(hidden.length).toBe(mechanism === 'LOGIN' ? 2 : mechanism === 'CRAM-MD5' ? 1 : 0);
      for (const line of hidden) expect(line).toBe('C: ***');
    });

    test('auto picks PLAIN when offered', async () => {
      const server = await upstream({ users: { u: password } });
      const attempt = await deliverToUpstream(
        settingsFor(server, { auth: { user: 'u', password } }),
        { mailFrom: 'u@example.com', rcptTo: ['ann@example.net'] },
        message,
      );
      expect(attempt.authMechanism).toBe('PLAIN');
    });

    test('XOAUTH2 with an access token', async () => {
      const token = 'ya29.a0AfH6SMBx-secret-token';
      const server = await upstream({ tokens: { 'me@gmail.example': token } });
      const attempt = await deliverToUpstream(
        settingsFor(server, { auth: { user: 'me@gmail.example', accessToken: token } }),
        { mailFrom: 'me@gmail.example', rcptTo: ['ann@example.net'] },
        message,
      );
      expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });
      expect(attempt.authMechanism).toBe('XOAUTH2');
      expect(attempt.transcript).toContain('C: AUTH XOAUTH2 ***');
      expect(attempt.transcript).not.toContain(token);
      expect(attempt.transcript).not.toContain(
        Buffer.from(`user=me@gmail.example\x01auth=Bearer ${token}\x01\x01`).toString('base64'),
      );
    });

    test('a wrong password pauses the upstream with a clear reason and sends no mail', async () => {
      const server = await upstream({ users: { u: password } });
      const attempt = await deliverToUpstream(
        settingsFor(server, { auth: { user: 'u', password: 'wrong-password-123' } }),
        { mailFrom: 'u@example.com', rcptTo: ['ann@example.net', 'bob@example.net'] },
        message,
      );
      expect(attempt.pauseUpstream?.reason).toBe(
        'authentication rejected (535 5.7.8 Authentication credentials invalid)',
      );
      expect(attempt.pauseUpstream?.fix).toContain('check the password of the user "u"');
      expect(outcomes(attempt)).toEqual({
        'ann@example.net': 'deferred',
        'bob@example.net': 'deferred',
      });
      expect(attempt.recipients[0]!.reply).toMatchObject({ code: 535, enhanced: '5.7.8' });
      expect(attempt.transcript).not.toContain('wrong-password-123');
      expect(attempt.transcript).not.toMatch(/MAIL FROM/);
      expect(server.messages).toHaveLength(0);
    });
  });

  test('implicit TLS', async () => {
    const server = await upstream({ tls: 'implicit' });
    const attempt = await deliverToUpstream(
      settingsFor(server, { security: 'tls' }),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
      message,
    );
    expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });
    expect(attempt.tls).not.toBeNull();
    expect(attempt.transcript).not.toContain('STARTTLS');
    expect(server.messages[0]!.secure).toBe(true);
  });

  test('4xx at RCPT defers that recipient; the other is relayed', async () => {
    const server = await upstream({
      failures: {
        rcpt: { 'busy@example.net': { code: 451, text: '4.3.0 mailbox busy, try later' } },
      },
    });
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['busy@example.net', 'ann@example.net'] },
      message,
    );
    expect(outcomes(attempt)).toEqual({
      'busy@example.net': 'deferred',
      'ann@example.net': 'relayed',
    });
    expect(attempt.recipients[0]!.reply).toEqual({
      code: 451,
      enhanced: '4.3.0',
      text: 'mailbox busy, try later',
    });
    expect(server.messages[0]!.rcptTo).toEqual(['ann@example.net']);
  });

  test('5xx on one of two recipients: partial delivery', async () => {
    const server = await upstream({
      failures: {
        rcpt: {
          'nobody@example.net': { code: 550, text: '5.1.1 <nobody@example.net>: user unknown' },
        },
      },
    });
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net', 'nobody@example.net'] },
      message,
    );
    expect(outcomes(attempt)).toEqual({
      'ann@example.net': 'relayed',
      'nobody@example.net': 'bounced',
    });
    expect(attempt.recipients[1]).toMatchObject({
      reply: { code: 550, enhanced: '5.1.1', text: '<nobody@example.net>: user unknown' },
      reason: 'rejected by the upstream at RCPT TO: 550 5.1.1 <nobody@example.net>: user unknown',
    });
    expect(attempt.pauseUpstream).toBeNull();
    expect(server.messages.map((m) => m.rcptTo)).toEqual([['ann@example.net']]);
  });

  test('all recipients refused: each keeps its own reply, no DATA is accepted', async () => {
    const server = await upstream({
      failures: {
        rcpt: {
          'x@example.net': { code: 550, text: '5.1.1 unknown' },
          'y@example.net': { code: 450, text: '4.2.1 later' },
        },
      },
    });
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['x@example.net', 'y@example.net'] },
      message,
    );
    expect(outcomes(attempt)).toEqual({ 'x@example.net': 'bounced', 'y@example.net': 'deferred' });
    expect(server.messages).toHaveLength(0);
  });

  test.each([
    [
      '5xx at MAIL bounces everyone',
      { mail: { code: 553, text: '5.1.8 sender domain does not exist' } },
      'bounced',
    ],
    ['4xx at DATA defers everyone', { data: { code: 451, text: '4.3.0 queue full' } }, 'deferred'],
    [
      '5xx at DATA bounces everyone',
      { data: { code: 554, text: '5.7.1 message refused as spam' } },
      'bounced',
    ],
  ] as const)('%s', async (_name, failures, outcome) => {
    const server = await upstream({ failures });
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net', 'bob@example.net'] },
      message,
    );
    expect(attempt.recipients.map((r) => r.outcome)).toEqual([outcome, outcome]);
    expect(attempt.pauseUpstream).toBeNull();
    expect(attempt.upstreamQueueId).toBeNull();
  });

  test('530 at MAIL (authentication required) pauses the upstream', async () => {
    const server = await upstream({
      failures: { mail: { code: 530, text: '5.7.0 Authentication required' } },
    });
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
      message,
    );
    expect(attempt.pauseUpstream?.reason).toContain('530 5.7.0 Authentication required');
    expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'deferred' });
  });

  test('connection refused pauses the upstream; recipients are deferred with dsn 4.4.1', async () => {
    const port = await closedPort();
    const attempt = await deliverToUpstream(
      upstreamSettingsSchema.parse({ host: '127.0.0.1', port, security: 'none' }),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
      message,
    );
    expect(attempt.pauseUpstream?.reason).toBe(
      `connection refused: nothing listens on 127.0.0.1:${port}`,
    );
    expect(attempt.recipients[0]).toMatchObject({
      outcome: 'deferred',
      reply: { code: null, enhanced: '4.4.1' },
    });
    expect(attempt.upstream).toEqual({ host: '127.0.0.1', ip: null, port });
  });

  test('the fallback upstream is used when the first cannot be reached', async () => {
    const port = await closedPort();
    const fallback = await upstream();
    const attempt = await deliverToUpstream(
      upstreamSettingsSchema.parse({
        host: '127.0.0.1',
        port,
        security: 'none',
        fallback: {
          host: fallback.host,
          port: fallback.port,
          caFile: fallback.certificate!.caFile,
        },
      }),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
      message,
    );
    expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });
    expect(attempt.upstream.port).toBe(fallback.port);
    expect(attempt.unreachable).toEqual([
      {
        host: '127.0.0.1',
        port,
        reason: `connection refused: nothing listens on 127.0.0.1:${port}`,
      },
    ]);
    expect(attempt.transcript).toContain('trying the fallback upstream');
    expect(fallback.messages).toHaveLength(1);
  });

  describe('an upstream that turns the connection down in its greeting (421)', () => {
    const busy = '4.3.2 Too many connections from your address, try again later';
    const servers: SMTPServer[] = [];
    afterEach(async () => {
      await Promise.all(
        servers.splice(0).map((s) => new Promise<void>((done) => s.close(() => done()))),
      );
    });
    /** smtp-server answering every connection `421 <busy>` instead of 220, then closing. */
    async function busyUpstream(): Promise<number> {
      const server = new SMTPServer({
        authOptional: true,
        disableReverseLookup: true,
        hideENHANCEDSTATUSCODES: true,
        logger: false,
        onConnect: (_session, callback) =>
          callback(Object.assign(new Error(busy), { responseCode: 421 })),
      });
      servers.push(server);
      server.on('error', () => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.server.address() as AddressInfo).port;
    }

    test('the attempt says the greeting refused it, not EHLO, and defers', async () => {
      const port = await busyUpstream();
      const attempt = await deliverToUpstream(
        upstreamSettingsSchema.parse({ host: '127.0.0.1', port, security: 'none' }),
        { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
        message,
      );
      expect(attempt.transcript).toMatch(/^S: 421 4\.3\.2 Too many connections/m);
      expect(attempt.transcript).not.toMatch(/^C: EHLO/m);
      expect(attempt.recipients[0]).toMatchObject({
        outcome: 'deferred',
        reason: `the upstream refused the connection at its greeting: 421 ${busy}`,
        reply: { code: 421, enhanced: '4.3.2' },
      });
      expect(attempt.recipients[0]?.reason).not.toMatch(/EHLO/);
      // a busy upstream is a temporary matter: no pause, the retry schedule handles it
      expect(attempt.pauseUpstream).toBeNull();
    });

    test('the fallback upstream takes the message, as for an upstream that cannot be reached', async () => {
      const port = await busyUpstream();
      const fallback = await upstream({ tls: 'none' });
      const attempt = await deliverToUpstream(
        upstreamSettingsSchema.parse({
          host: '127.0.0.1',
          port,
          security: 'none',
          fallback: { host: fallback.host, port: fallback.port, security: 'none' },
        }),
        { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
        message,
      );
      expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });
      expect(attempt.unreachable).toEqual([
        {
          host: '127.0.0.1',
          port,
          reason: `the upstream refused the connection at its greeting: 421 ${busy}`,
        },
      ]);
      expect(fallback.messages).toHaveLength(1);
    });
  });

  describe('certificates', () => {
    test('an untrusted (self-signed) certificate pauses the upstream before AUTH or MAIL', async () => {
      const server = await upstream({ users: { u: 'pw-123456' } });
      const attempt = await deliverToUpstream(
        upstreamSettingsSchema.parse({
          host: server.host,
          port: server.port,
          auth: { user: 'u', password: 'pw-123456' },
        }),
        { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
        message,
      );
      expect(attempt.pauseUpstream?.reason).toContain('certificate is self-signed and not trusted');
      expect(attempt.pauseUpstream?.fix).toContain(
        `--relay-pin-sha256 ${server.certificate!.fingerprint256}`,
      );
      expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'deferred' });
      expect(attempt.transcript).not.toMatch(/^C: (AUTH|MAIL)/m);
      expect(server.messages).toHaveLength(0);
    });

    test('a CA renewed in the same caFile is trusted from the next connection, with no save', async () => {
      const before = await upstream();
      const caFile = join(await madeTempFolder('relaydesk-ca-'), 'ca.pem');
      writeFileSync(caFile, before.certificate!.cert);
      // the settings as saved, with the CA the file held then
      const saved = upstreamSettingsSchema.parse({ host: before.host, port: before.port, caFile });
      const envelope = { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] };
      expect(outcomes(await deliverToUpstream(saved, envelope, message))).toEqual({
        'ann@example.net': 'relayed',
      });

      // the smart host gets a certificate from a new CA; the admin puts that CA in the same file
      const after = await upstream();
      writeFileSync(caFile, after.certificate!.cert);
      const attempt = await deliverToUpstream({ ...saved, port: after.port }, envelope, message);
      expect(attempt.pauseUpstream).toBeNull();
      expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });

      // a file half-written or removed meanwhile keeps the CA last read, not none
      rmSync(caFile);
      const again = await deliverToUpstream({ ...saved, port: after.port }, envelope, message);
      expect(outcomes(again)).toEqual({ 'ann@example.net': 'relayed' });
    });

    test('a certificate for another name pauses the upstream and says which name', async () => {
      const cert = await certificate(['mx.example.net']);
      const server = await upstream({ certificate: cert });
      const attempt = await deliverToUpstream(
        settingsFor(server),
        { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
        message,
      );
      expect(attempt.pauseUpstream?.reason).toContain(
        'certificate is for mx.example.net, not 127.0.0.1',
      );
      expect(server.messages).toHaveLength(0);
    });

    test('a pinned certificate is accepted even though self-signed and for another name', async () => {
      const cert = await certificate(['mx.example.net']);
      const server = await upstream({ certificate: cert });
      const attempt = await deliverToUpstream(
        upstreamSettingsSchema.parse({
          host: server.host,
          port: server.port,
          pinSha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
        }),
        { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
        message,
      );
      expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });
      expect(attempt.transcript).toContain('pinned (SHA-256 matches)');
    });

    test('any other certificate than the pinned one is refused, even a trusted one', async () => {
      const server = await upstream();
      const attempt = await deliverToUpstream(
        settingsFor(server, { pinSha256: 'AA'.repeat(32) }),
        { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
        message,
      );
      expect(attempt.pauseUpstream?.reason).toContain('does not match the pinned');
      expect(server.messages).toHaveLength(0);
    });

    test('verifyCertificate: false accepts an untrusted certificate', async () => {
      const server = await upstream();
      const attempt = await deliverToUpstream(
        upstreamSettingsSchema.parse({
          host: server.host,
          port: server.port,
          verifyCertificate: false,
        }),
        { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
        message,
      );
      expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });
    });
  });

  test('SMTP smuggling: bare LF, lone dots and fake end-of-data never split the message', async () => {
    const server = await upstream();
    const smuggled = Buffer.from(
      [
        'Subject: smuggle\r\n\r\n',
        'bare LF line\nnext line\n',
        '.\n', // lone dot with bare LF
        'MAIL FROM:<evil@example.com>\r\nRCPT TO:<victim@example.org>\r\nDATA\r\n',
        'second message\n.\r\n', // "<LF>.<CR><LF>"
        'MAIL FROM:<evil2@example.com>\r\n',
        'more\r\n.\n', // "<CR><LF>.<LF>"
        'cr only\r.\r', // "<CR>.<CR>"
        'end\r\n.\r\nRSET\r\n', // a real-looking end of data, which must be dot-stuffed
      ].join(''),
    );
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
      smuggled,
    );
    expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'relayed' });
    expect(server.messages).toHaveLength(1);
    const body = server.messages[0]!.raw.toString('latin1');
    expect(server.messages[0]!.rcptTo).toEqual(['ann@example.net']);
    expect(body).toContain('MAIL FROM:<evil@example.com>');
    expect(body).toContain('RSET');
    // every line ending is CRLF now (lone CR and LF normalised)
    expect(body.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(server.connections).toBe(1);
  });

  test('an aborted attempt defers every recipient', async () => {
    const server = await upstream();
    const controller = new AbortController();
    controller.abort();
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
      message,
      { signal: controller.signal },
    );
    expect(outcomes(attempt)).toEqual({ 'ann@example.net': 'deferred' });
    expect(attempt.pauseUpstream).toBeNull();
  });

  test('aborting during DATA closes the connection and defers; nothing is delivered', async () => {
    const server = await upstream();
    const controller = new AbortController();
    // a body that never ends, as a stalled spool read would
    const stalled = () => new Readable({ read() {} });
    const pending = deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
      () => {
        const body = stalled();
        body.push('Subject: half\r\n\r\nhalf a message');
        // nodemailer pipes (resumes) the body only once the upstream has answered DATA with 354
        body.once('resume', () => controller.abort());
        return body;
      },
      { signal: controller.signal },
    );
    const attempt = await pending;
    expect(attempt.recipients[0]).toMatchObject({ outcome: 'deferred', reply: { code: null } });
    expect(attempt.recipients[0]!.reason).toContain('EABORT');
    expect(server.messages).toHaveLength(0);
  });

  test('the injected clock stamps the attempt', async () => {
    const server = await upstream();
    const times = [new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:02Z')];
    const attempt = await deliverToUpstream(
      settingsFor(server),
      { mailFrom: 'a@example.com', rcptTo: ['ann@example.net'] },
      message,
      { now: () => times.shift() ?? new Date(0) },
    );
    expect(attempt.startedAt.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(attempt.endedAt.toISOString()).toBe('2026-01-01T00:00:02.000Z');
  });
});
