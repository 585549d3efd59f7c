// The inbound policy's pure decisions, as tables: client trust (CIDRs, IPv6, IPv4-mapped),
// open-relay address forms, what each kind of client may do at MAIL and RCPT, throttles and
// counters with an injected clock, audit lines that cannot be forged, exposure, flags.
import { describe, expect, it } from 'vitest';
import { expandServeFlags } from '../../main/cli/user-command.js';
import {
  acceptsAnyCredentials,
  auditLine,
  AuthThrottle,
  clientTrust,
  connectionDecision,
  ConnectionCounter,
  delayAfter,
  hashPassword,
  insecureAuthAllowed,
  mailDecision,
  parseAllowList,
  recipientDecision,
  relayAddressProblem,
  SlidingWindowCounter,
  smtpExposureProblem,
  verifyPassword,
  type ClientTrust,
  type RecipientAction,
} from '../../main/core/policy/index.js';
import { resolveSettings } from '../../main/core/settings/settings-sources.js';

const lan = parseAllowList([
  '192.168.1.0/24',
  '2001:db8::/32',
  '::ffff:10.0.0.0/104',
  '203.0.113.9',
]);

describe('client trust', () => {
  it.each([
    ['127.0.0.1', true, 'loopback', null],
    ['127.9.9.9', true, 'loopback', null],
    ['::1', true, 'loopback', null],
    ['::ffff:127.0.0.1', true, 'loopback', null],
    ['127.0.0.1', false, null, null],
    ['192.168.1.77', true, 'allowlist', '192.168.1.0/24'],
    ['::ffff:192.168.1.77', true, 'allowlist', '192.168.1.0/24'],
    ['192.168.2.1', true, null, null],
    ['2001:db8:1::5', true, 'allowlist', '2001:db8::/32'],
    ['2001:db9::5', true, null, null],
    ['10.200.3.4', true, 'allowlist', '::ffff:10.0.0.0/104'],
    ['::ffff:10.200.3.4', true, 'allowlist', '::ffff:10.0.0.0/104'],
    ['203.0.113.9', false, 'allowlist', '203.0.113.9'],
    ['203.0.113.10', false, null, null],
    ['not-an-ip', true, null, null],
    ['', true, null, null],
  ] as const)('%s (trust loopback: %s) → %s', (ip, trustLoopback, reason, range) => {
    const trust = clientTrust(ip, { trustLoopback, allowList: lan });
    expect(trust.reason).toBe(reason);
    expect(trust.trusted).toBe(reason !== null);
    expect(trust.range).toBe(range);
  });

  it('names the bad entry of an allowlist', () => {
    expect(() => parseAllowList(['10.0.0.0/8', '10.0.0.0/40'])).toThrow(
      'allow-ip: "10.0.0.0/40" is not a CIDR or an address; use e.g. 192.168.1.0/24',
    );
  });

  it('reads --allow-ip as a comma list, and an array from the settings file', () => {
    expect(
      resolveSettings({ env: {}, flags: { '--allow-ip': '10.0.0.0/8, 2001:db8::/32' } }).allowIp,
    ).toEqual(['10.0.0.0/8', '2001:db8::/32']);
    expect(resolveSettings({ env: {}, overrides: { allowIp: ['192.0.2.1'] } }).allowIp).toEqual([
      '192.0.2.1',
    ]);
    expect(() => resolveSettings({ env: {}, flags: { '--allow-ip': '10.0.0.0/33' } })).toThrow(
      /^--allow-ip: "10\.0\.0\.0\/33" is not valid; use CIDRs or addresses, comma-separated/,
    );
    expect(() => resolveSettings({ env: { RELAYDESK_TRUST_LOOPBACK: 'maybe' } })).toThrow(
      'RELAYDESK_TRUST_LOOPBACK: "maybe" is not valid; use true (loopback clients may send and relay without AUTH) or false',
    );
    expect(() => resolveSettings({ env: {}, flags: { '--insecure-auth': 'sometimes' } })).toThrow(
      /^--insecure-auth: "sometimes" is not valid; use "auto"/,
    );
  });

  it('has safe defaults: loopback trusted, STARTTLS auto, no smtps, AUTH only over TLS off loopback', () => {
    const s = resolveSettings({ env: {} });
    expect(s).toMatchObject({
      trustLoopback: true,
      allowIp: [],
      requireAuth: false,
      starttls: 'auto',
      smtps: null,
      insecureAuth: 'auto',
    });
    expect(insecureAuthAllowed('auto', '127.0.0.1')).toBe(true);
    expect(insecureAuthAllowed('auto', '::1')).toBe(true);
    expect(insecureAuthAllowed('auto', '0.0.0.0')).toBe(false);
    expect(insecureAuthAllowed('auto', '192.168.1.5')).toBe(false);
    expect(insecureAuthAllowed('allow', '0.0.0.0')).toBe(true);
    expect(insecureAuthAllowed('refuse', '127.0.0.1')).toBe(false);
  });
});

describe('open-relay address forms (relayed recipients)', () => {
  it.each([
    ['victim%ext@ok.example', 'percent-hack'],
    ['victim%ext@[127.0.0.1]', 'percent-hack'],
    ['"victim@ext"@ok.example', 'quoted-route'],
    ['"victim%ext"@ok.example', 'quoted-route'],
    ['"a\\@b"@ok.example', 'quoted-route'],
    ['ext!victim@ok.example', 'bang-path'],
    ['ext!victim', 'unqualified'],
    ['@ok.example:victim@ext.example', 'source-route'],
    ['victim@ext.example@ok.example', 'double-at'],
    ['victim＠ext.example@ok.example', 'double-at'],
    ['victim@[192.0.2.1]', 'ip-literal'],
    ['victim@[IPv6:2001:db8::1]', 'ip-literal'],
    ['victim@192.0.2.1', 'ip-literal'],
    ['victim', 'unqualified'],
    ['victim@localhost', 'unqualified'],
    ['victim@ext.example.', 'trailing-dot'],
    ['victim@ext..example', 'domain-syntax'],
    ['victim@-ext.example', 'domain-syntax'],
    ['vic tim@ext.example', 'control'],
    ['"quoted\u00a0name"@ext.example', 'control'],
    ['"quoted\tname"@ext.example', 'control'],
    ['"quoted name"@ext example', 'control'],
    ['victim@ext.example\r\nX-Injected: 1', 'control'],
    ['', 'empty'],
  ])('%j is refused as %s', (address, trick) => {
    expect(relayAddressProblem(address)?.trick).toBe(trick);
  });

  it.each([
    'victim@ext.example',
    'VICTIM@EXT.EXAMPLE',
    'first.last+tag@sub.ext.example',
    '"quoted.name"@ext.example',
    // RFC 5321 §4.1.2: a plain space inside a quoted local part routes nowhere else
    '"quoted name"@ext.example',
    'jörg@bücher.example',
  ])('%j may be relayed', (address) => {
    expect(relayAddressProblem(address)).toBeNull();
  });
});

function trust(trusted: boolean): ClientTrust {
  return { ip: '192.0.2.7', trusted, reason: trusted ? 'allowlist' : null, range: null };
}

describe('who may do what', () => {
  const actions: RecipientAction[] = ['capture', 'relay', 'redirect', 'reject'];
  it.each([
    // trusted, user, action → code
    [false, null, 'capture', 530],
    [false, null, 'relay', 554],
    [false, null, 'redirect', 554],
    [false, null, 'reject', 530],
    [true, null, 'capture', null],
    [true, null, 'relay', null],
    [false, 'app', 'relay', null],
    [false, 'app', 'capture', null],
  ] as const)('trusted %s, user %s, %s → %s', (trusted, user, action, code) => {
    const reply = recipientDecision(
      { trust: trust(trusted), user, secure: false },
      'victim@ext.example',
      action,
    );
    expect(reply?.code ?? null).toBe(code);
    if (code === 554) expect(reply?.message).toBe('5.7.1 Relay access denied');
    if (code === 530) expect(reply?.message).toBe('5.7.0 Authentication required');
  });

  it('refuses open-relay forms for relayed recipients even from trusted or authenticated clients', () => {
    for (const standing of [
      { trust: trust(true), user: null, secure: true },
      { trust: trust(false), user: 'app', secure: true },
    ]) {
      expect(recipientDecision(standing, 'victim%ext@ok.example', 'relay')).toMatchObject({
        code: 553,
        message: '5.7.1 Percent hack (%) in the recipient: this address form is not relayed',
      });
      // captured: nothing leaves, so the odd form is kept for inspection
      expect(recipientDecision(standing, 'victim%ext@ok.example', 'capture')).toBeNull();
    }
    expect(actions).toHaveLength(4);
  });

  it('refuses at connect a stranger when there are no users to authenticate as', () => {
    expect(connectionDecision({ trust: trust(false), usersExist: false })).toMatchObject({
      code: 554,
      message: '5.7.1 Access denied: 192.0.2.7 is not on the allowlist',
    });
    expect(connectionDecision({ trust: trust(false), usersExist: true })).toBeNull();
    expect(connectionDecision({ trust: trust(true), usersExist: false })).toBeNull();
  });

  it('requires TLS and AUTH at MAIL when set', () => {
    const plain = { trust: trust(true), user: null, secure: false };
    expect(mailDecision(plain, { requireAuth: false, requireTls: false })).toBeNull();
    expect(mailDecision(plain, { requireAuth: true, requireTls: false })?.message).toBe(
      '5.7.0 Authentication required',
    );
    expect(mailDecision(plain, { requireAuth: false, requireTls: true })?.message).toBe(
      '5.7.0 Must issue a STARTTLS command first',
    );
    expect(
      mailDecision(
        { ...plain, user: 'app', secure: true },
        { requireAuth: true, requireTls: true },
      ),
    ).toBeNull();
  });

  it('accepts any credentials only from trusted clients, with no users and no --require-auth', () => {
    expect(
      acceptsAnyCredentials({ trust: trust(true), usersExist: false, requireAuth: false }),
    ).toBe(true);
    expect(
      acceptsAnyCredentials({ trust: trust(true), usersExist: true, requireAuth: false }),
    ).toBe(false);
    expect(
      acceptsAnyCredentials({ trust: trust(true), usersExist: false, requireAuth: true }),
    ).toBe(false);
    expect(
      acceptsAnyCredentials({ trust: trust(false), usersExist: false, requireAuth: false }),
    ).toBe(false);
  });
});

describe('throttles and counters', () => {
  it('delays growing failures, then locks out, then forgets', () => {
    let now = 0;
    const throttle = new AuthThrottle(
      { maxFailures: 4, baseDelayMs: 100, lockoutMs: 60_000 },
      () => now,
    );
    expect(throttle.state('a')).toEqual({ locked: false, delayMs: 0, failures: 0 });
    expect(throttle.fail('a')).toMatchObject({ locked: false, delayMs: 100 });
    expect(throttle.fail('a')).toMatchObject({ locked: false, delayMs: 200 });
    expect(throttle.fail('a')).toMatchObject({ locked: false, delayMs: 400 });
    expect(throttle.fail('a')).toMatchObject({ locked: true, retryAfterMs: 60_000 });
    expect(throttle.state('b')).toMatchObject({ locked: false, delayMs: 0 });
    now = 59_999;
    expect(throttle.state('a').locked).toBe(true);
    now = 60_000;
    expect(throttle.state('a')).toEqual({ locked: false, delayMs: 0, failures: 0 });
    expect(delayAfter(50, 100)).toBe(3200);
  });

  it('counts messages per key in a sliding minute', () => {
    let now = 0;
    const rate = new SlidingWindowCounter(60_000, () => now);
    expect([rate.take('k', 2), rate.take('k', 2), rate.take('k', 2)]).toEqual([true, true, false]);
    expect(rate.take('other', 2)).toBe(true);
    now = 60_001;
    expect(rate.take('k', 2)).toBe(true);
  });

  it('limits sessions in total and per IP, exempting the trusted from the per-IP limit', () => {
    const counter = new ConnectionCounter();
    expect(counter.admit('a', 3, 1)).toBeNull();
    expect(counter.admit('a', 3, 1)).toBe('per-ip');
    expect(counter.admit('t', 3, null)).toBeNull();
    expect(counter.admit('t', 3, null)).toBeNull();
    expect(counter.admit('b', 3, 1)).toBe('total');
    counter.release('a');
    expect(counter.admit('b', 3, 1)).toBeNull();
    expect(counter.open).toBe(3);
  });
});

describe('audit lines', () => {
  it('quote client words so CR/LF cannot forge a line', () => {
    const line = auditLine('auth', {
      result: 'rejected',
      client: '127.0.0.1',
      user: 'eve\r\nsmtp-audit event=auth result=accepted user=admin',
      note: 'a\u2028b',
      skipped: undefined,
      tls: false,
    });
    expect(line.split(/\r|\n|\u2028|\u2029/)).toHaveLength(1);
    expect(line).toBe(
      'smtp-audit event=auth result=rejected client=127.0.0.1 user="eve\\r\\nsmtp-audit event=auth result=accepted user=admin" note="a\\u2028b" tls=false',
    );
  });
});

describe('exposure', () => {
  const base = {
    smtp: { host: '127.0.0.1', port: 1025 },
    smtps: null,
    allowIp: [],
    trustLoopback: true,
    requireAuth: false,
    userCount: 0,
    starttls: true,
    tlsMinVersion: '1.2' as const,
    tlsFingerprint: null,
  };
  it('refuses a non-loopback listener with nobody allowed in, naming the fix', () => {
    expect(smtpExposureProblem(base)).toBeNull();
    expect(smtpExposureProblem({ ...base, smtp: { host: '0.0.0.0', port: 25 } })).toBe(
      '--smtp 0.0.0.0:25 listens beyond this machine, but no client is allowed in: add --allow-ip CIDR (e.g. 192.168.1.0/24) or an SMTP user (relaydesk user add NAME --data DIR), or listen on 127.0.0.1',
    );
    expect(smtpExposureProblem({ ...base, smtps: { host: '::', port: 465 } })).toMatch(
      /^--smtps \[::\]:465 /,
    );
    expect(
      smtpExposureProblem({ ...base, smtp: { host: '0.0.0.0', port: 25 }, userCount: 1 }),
    ).toBeNull();
    expect(
      smtpExposureProblem({
        ...base,
        smtp: { host: '0.0.0.0', port: 25 },
        allowIp: ['10.0.0.0/8'],
      }),
    ).toBeNull();
  });
});

describe('serve flags as people write them', () => {
  it('takes a bare --require-auth and a repeated --allow-ip', () => {
    expect(
      expandServeFlags([
        '--allow-ip',
        '10.0.0.0/8',
        '--require-auth',
        '--allow-ip=192.168.0.0/16',
        '--data',
        'x',
      ]),
    ).toEqual(['--allow-ip=10.0.0.0/8,192.168.0.0/16', '--require-auth=true', '--data', 'x']);
    expect(expandServeFlags(['--require-auth', 'false', '--require-tls'])).toEqual([
      '--require-auth',
      'false',
      '--require-tls=true',
    ]);
  });
});

describe('password hashes', () => {
  it('verify the right password only, with a random salt', async () => {
    const [a, b] = await Promise.all([
      hashPassword('correct horse'),
      hashPassword('correct horse'),
    ]);
    expect(a).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct hors', a)).toBe(false);
    expect(await verifyPassword('correct horse', null)).toBe(false);
    expect(await verifyPassword('x', 'scrypt$30$8$1$AAAA$AAAA')).toBe(false);
  });
});
