import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import {
  createUpstreamSettingsSchema,
  describeSettingsError,
  normalizePinSha256,
  upstreamSettingsSchema,
} from '../../main/core/upstream/upstream-settings.js';

const dir = mkdtempSync(join(tmpdir(), 'relaydesk-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function messageFor(input: unknown): string {
  const result = upstreamSettingsSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? '' : describeSettingsError(result.error);
}

describe('upstream settings', () => {
  test('defaults: STARTTLS on 587, certificate verification on, auth mechanism auto', () => {
    const settings = upstreamSettingsSchema.parse({
      host: 'smtp.example.com',
      port: 587,
      auth: { user: 'u', password: 'p' },
    });
    expect(settings).toEqual({
      host: 'smtp.example.com',
      port: 587,
      security: 'starttls',
      allowInsecure: false,
      verifyCertificate: true,
      auth: { user: 'u', password: 'p', mechanism: 'auto' },
    });
  });

  test.each([465, 2465])('port %i selects implicit TLS unless security is given', (port) => {
    expect(upstreamSettingsSchema.parse({ host: 'smtp.example.com', port }).security).toBe('tls');
    expect(
      upstreamSettingsSchema.parse({ host: 'smtp.example.com', port, security: 'starttls' })
        .security,
    ).toBe('starttls');
  });

  test('"none" towards a non-loopback host is refused with the fix', () => {
    expect(messageFor({ host: 'mail.example.com', port: 25, security: 'none' })).toBe(
      'upstream.security: "none" is not allowed towards mail.example.com (not loopback): the password and the mail would cross the network in clear; use "starttls" or "tls", or set upstream.allowInsecure to true',
    );
  });

  test('"none" is fine for loopback, or with allowInsecure', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]']) {
      expect(upstreamSettingsSchema.safeParse({ host, port: 25, security: 'none' }).success).toBe(
        true,
      );
    }
    expect(
      upstreamSettingsSchema.safeParse({
        host: 'mail.example.com',
        port: 25,
        security: 'none',
        allowInsecure: true,
      }).success,
    ).toBe(true);
  });

  test.each([
    [
      { host: 'smtp.example.com', port: 0 },
      'upstream.port: 0 is not a valid port; use a port from 1 to 65535, e.g. 587',
    ],
    [{ host: 'smtp.example.com', port: 70000 }, 'upstream.port: 70000 is not a valid port'],
    [{ host: 'smtp.example.com', port: '587' }, 'upstream.port: "587" is not a port number'],
    [{ port: 587 }, 'upstream.host is missing; give the smart host'],
    [
      { host: 'smtp.example.com:587', port: 587 },
      'upstream.host: "smtp.example.com:587" is not a host name; put the port in the port field',
    ],
    [{ host: 'smtp://smtp.example.com', port: 587 }, 'without a scheme'],
    [
      { host: 'smtp.example.com', port: 587, security: 'ssl' },
      'upstream.security: "ssl" is not a security mode; use "starttls", "tls"',
    ],
    [
      { host: 'smtp.example.com', port: 587, sercurity: 'tls' },
      'upstream.sercurity: unknown field "sercurity"; did you mean "security"?',
    ],
    [
      { host: 'smtp.example.com', port: 587, heloName: 'bad name' },
      'upstream.heloName: "bad name" is not a host name',
    ],
    [
      { host: 'smtp.example.com', port: 587, pinSha256: 'abc' },
      'upstream.pinSha256: "abc" is not a SHA-256 fingerprint',
    ],
    [
      { host: 'smtp.example.com', port: 587, auth: { user: 'u' } },
      'upstream.auth.password is missing: the user "u" has no password; give auth.password (or --relay-password-file FILE or RELAYDESK_RELAY_PASSWORD)',
    ],
    [
      { host: 'smtp.example.com', port: 587, auth: { user: 'u', password: 'p', accessToken: 't' } },
      'upstream.auth has both a password and an access token; give only one',
    ],
    [
      {
        host: 'smtp.example.com',
        port: 587,
        auth: { user: 'u', password: 'p', mechanism: 'XOAUTH2' },
      },
      'upstream.auth.mechanism: "XOAUTH2" needs auth.accessToken',
    ],
    [
      {
        host: 'smtp.example.com',
        port: 587,
        fallback: { host: 'backup.example.com', port: 25, security: 'none' },
      },
      'upstream.fallback.security: "none" is not allowed towards backup.example.com (not loopback): the password and the mail would cross the network in clear; use "starttls" or "tls", or set upstream.fallback.allowInsecure to true',
    ],
  ])('%j → %s', (input, expected) => {
    expect(messageFor(input)).toContain(expected);
  });

  test('every problem gets its own line', () => {
    const message = messageFor({ host: '', port: -1 });
    expect(message.split('\n')).toHaveLength(2);
  });

  test('passwords and tokens never appear in messages', () => {
    const secret = 'hunter2-very-secret';
    const inputs = [
      {
        host: 'x.example.com',
        port: 587,
        auth: { user: 'u', password: secret, accessToken: secret },
      },
      {
        host: 'x.example.com',
        port: 587,
        auth: { user: 'u', password: secret, mechanism: 'XOAUTH2' },
      },
      { host: 'x.example.com', port: 587, auth: { user: 'u', password: secret, extra: 1 } },
      { host: 'x.example.com', port: 587, auth: { user: 'u', password: secret }, bogus: secret },
      { host: 'x.example.com', port: 587, auth: { user: 'u', password: 42 } },
    ];
    for (const input of inputs) expect(messageFor(input)).not.toContain(secret);
  });

  test('caFile contents are loaded; an unreadable or non-PEM file is named', () => {
    const pem = join(dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const settings = upstreamSettingsSchema.parse({
      host: 'smtp.example.com',
      port: 587,
      caFile: pem,
    });
    expect(settings.caPem).toContain('BEGIN CERTIFICATE');
    expect(
      messageFor({ host: 'smtp.example.com', port: 587, caFile: join(dir, 'missing.pem') }),
    ).toMatch(/^upstream\.caFile: ".*missing\.pem" cannot be read \(ENOENT\); give the path/);
    const junk = join(dir, 'junk.txt');
    writeFileSync(junk, 'hello');
    expect(messageFor({ host: 'smtp.example.com', port: 587, caFile: junk })).toContain(
      'holds no PEM certificate',
    );
  });

  test('XOAUTH2 with an access token', () => {
    const settings = upstreamSettingsSchema.parse({
      host: 'smtp.gmail.com',
      port: 587,
      auth: { user: 'me@gmail.com', accessToken: 'ya29.token' },
    });
    expect(settings.auth).toEqual({
      user: 'me@gmail.com',
      accessToken: 'ya29.token',
      mechanism: 'XOAUTH2',
    });
  });

  test('a fallback upstream is validated like the primary', () => {
    const settings = upstreamSettingsSchema.parse({
      host: 'smtp.example.com',
      port: 587,
      fallback: { host: 'backup.example.com', port: 465 },
    });
    expect(settings.fallback?.security).toBe('tls');
  });

  test('messages follow the root the schema was built with', () => {
    const result = createUpstreamSettingsSchema('relay.upstream').safeParse({
      host: 'a.example',
      port: 0,
    });
    expect(result.success ? '' : describeSettingsError(result.error)).toMatch(
      /^relay\.upstream\.port: 0/,
    );
  });

  test('pins: hex with or without colons, base64, sha256/ prefix → Node fingerprint256 form', () => {
    const hex = 'ab'.repeat(32);
    const colon = hex.match(/../g)!.join(':').toUpperCase();
    const base64 = Buffer.from(hex, 'hex').toString('base64');
    for (const form of [
      hex,
      colon,
      colon.toLowerCase(),
      base64,
      `sha256/${base64}`,
      `SHA256:${hex}`,
    ]) {
      expect(normalizePinSha256(form)).toBe(colon);
    }
    expect(normalizePinSha256('ab'.repeat(20))).toBeNull();
  });
});
