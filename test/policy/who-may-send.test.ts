// Who may send and relay, from outside over real sockets: loopback trust switched off so that
// 127.0.0.1 is a stranger, then allowlisted, then authenticated (Python smtplib, raw AUTH).
// Strangers get `554 5.7.1 Relay access denied` / `530 5.7.0`; none of the open-relay tricks
// gets a 250 from anyone who may not relay, and the relay forms are refused even from those
// who may.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { SmtpWire, runPython, plainToken, greetedSession } from '../helpers/smtp-wire.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const run = promisify(execFile);
const swaks = requireTool(tools.swaks);
const python = requireTool(tools.python3);

const fast = { greetingDelayMs: 0, reverseDnsTimeoutMs: 0 };

/** The nmap smtp-open-relay / check_relay.py recipient vectors, as RCPT arguments. */
const relayTricks = [
  '<victim@ext.example>',
  '<victim%ext.example@relay.example>',
  '<victim%ext.example@[127.0.0.1]>',
  '<"victim@ext.example"@relay.example>',
  '<"victim%ext.example"@relay.example>',
  '<ext.example!victim@relay.example>',
  '<ext.example!victim>',
  '<relay.example!ext.example!victim>',
  '<@relay.example:victim@ext.example>',
  '<@a.example,@b.example:victim@ext.example>',
  '<victim@ext.example@relay.example>',
  '<victim\\@ext.example@relay.example>',
  '<victim@[192.0.2.1]>',
  '<victim@[IPv6:2001:db8::1]>',
  '<victim>',
  '<victim@ext.example.>',
  '<VICTIM@EXT.EXAMPLE>',
  'victim@ext.example',
  ' <victim@ext.example>',
];

const session = (port: number): Promise<SmtpWire> => greetedSession(port);

describe('a stranger with no way in', () => {
  let relay: TestRelaydesk;
  const logs: string[] = [];
  beforeAll(async () => {
    relay = await startTestRelaydesk({ ...fast, trustLoopback: false });
    relay.service.on('log', (line) => logs.push(line));
  });
  afterAll(async () => relay?.dispose());

  it('is refused at connect with 554 5.7.1, and the refusal is logged', async () => {
    const wire = await SmtpWire.connect(relay.smtp.port);
    expect(await wire.reply()).toMatch(
      /^554 5\.7\.1 Access denied: 127\.0\.0\.1 is not on the allowlist/,
    );
    await wire.waitClosed();
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^smtp-audit event=connect result=rejected listener=smtp client=127\.0\.0\.1 trusted=no reply=554 reason=/,
      ),
    );
  });
});

describe.skipIf(!swaks)('an allowlisted client', () => {
  let relay: TestRelaydesk;
  const logs: string[] = [];
  beforeAll(async () => {
    relay = await startTestRelaydesk({
      ...fast,
      trustLoopback: false,
      allowIp: ['10.0.0.0/8', '127.0.0.0/8'],
    });
    relay.service.on('log', (line) => logs.push(line));
  });
  afterAll(async () => relay?.dispose());

  it('sends without AUTH (swaks)', async () => {
    const { stdout } = await run(swaks as string, [
      '--server',
      `127.0.0.1:${relay.smtp.port}`,
      '--from',
      'app@sender.example',
      '--to',
      'qa@team.example',
      '--header',
      'Subject: allowlisted',
      '--body',
      'hello',
    ]);
    expect(stdout).toMatch(/<- {1,2}250 2\.6\.0 Ok: queued as/);
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^smtp-audit event=connect result=accepted listener=smtp client=127\.0\.0\.1 trusted=allowlist/,
      ),
    );
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^smtp-audit event=message result=accepted id=\S+ client=127\.0\.0\.1 from=<app@sender\.example> nrcpt=1 size=\d+ tls=false/,
      ),
    );
  });
});

describe('an untrusted client when SMTP users exist (rules: relay *@relay.example, capture the rest)', () => {
  let upstream: RunningUpstream;
  let relay: TestRelaydesk;
  const logs: string[] = [];
  beforeAll(async () => {
    upstream = await startUpstreamServer({ tls: 'none' });
    relay = await startTestRelaydesk({
      ...fast,
      trustLoopback: false,
      mode: 'rules',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      rules: [{ name: 'out', match: { recipient: '*@relay.example' }, action: { type: 'relay' } }],
    });
    relay.service.on('log', (line) => logs.push(line));
    const res = await relay.fetch('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'app', password: 'app-password-1' }),
    });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await relay?.dispose();
    await upstream?.close();
  });

  it('without AUTH: 554 5.7.1 Relay access denied for relayed recipients, 530 5.7.0 for captured ones', async () => {
    const wire = await session(relay.smtp.port);
    expect(await wire.command('MAIL FROM:<app@sender.example>')).toMatch(/^250/);
    expect(await wire.command('RCPT TO:<qa@team.example>')).toBe(
      '530 5.7.0 Authentication required',
    );
    expect(await wire.command('RCPT TO:<bob@relay.example>')).toBe('554 5.7.1 Relay access denied');
    for (const trick of relayTricks) {
      const reply = await wire.command(`RCPT TO:${trick}`);
      expect(reply, trick).toMatch(/^(554 5\.7\.1|530 5\.7\.0|501 5\.1\.3)/);
    }
    expect(await wire.command('DATA')).toMatch(/^503/);
    wire.close();
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^smtp-audit event=rcpt result=rejected listener=smtp client=127\.0\.0\.1 from=<app@sender\.example> to=<bob@relay\.example> reply=554 reason="untrusted client may not relay \(relay\)"/,
      ),
    );
  });

  it.skipIf(!python)(
    'with AUTH PLAIN and LOGIN (Python smtplib): relays, and records the user',
    async () => {
      const script = `
import json, smtplib, sys
port, mech = int(sys.argv[1]), sys.argv[2]
s = smtplib.SMTP('127.0.0.1', port, timeout=10)
s.ehlo('py.example')
s.user, s.password = 'app', 'app-password-1'
code, _ = s.auth(mech, s.auth_plain if mech == 'PLAIN' else s.auth_login)
refused = s.sendmail('app@sender.example', ['bob@relay.example', 'qa@team.example'],
  'Subject: via ' + mech + '\\r\\n\\r\\nhello\\r\\n')
print(json.dumps({'auth': code, 'refused': list(refused)}))
s.quit()
`;
      for (const mech of ['PLAIN', 'LOGIN']) {
        const out = JSON.parse(
          await runPython(python as string, script, [String(relay.smtp.port), mech]),
        ) as {
          auth: number;
          refused: string[];
        };
        expect(out).toEqual({ auth: 235, refused: [] });
      }
      await expect.poll(() => upstream.messages.length, { timeout: 10_000 }).toBe(2);
      expect(upstream.messages.map((m) => m.rcptTo)).toEqual([
        ['bob@relay.example'],
        ['bob@relay.example'],
      ]);
      const page = await relay.api<MessagesPage>('/api/v1/messages');
      expect(page.messages.length).toBe(2);
      expect(logs).toContainEqual(
        expect.stringMatching(
          /^smtp-audit event=auth result=accepted listener=smtp client=127\.0\.0\.1 method=LOGIN user=app reason=password$/,
        ),
      );
    },
  );

  it('authenticated: the open-relay address forms still get no 250 for relaying', async () => {
    const wire = await session(relay.smtp.port);
    expect(await wire.command(`AUTH PLAIN ${plainToken('app', 'app-password-1')}`)).toMatch(
      /^235 2\.7\.0/,
    );
    expect(await wire.command('MAIL FROM:<app@sender.example>')).toMatch(/^250/);
    const accepted: string[] = [];
    for (const trick of relayTricks) {
      const reply = await wire.command(`RCPT TO:${trick}`);
      if (reply.startsWith('250')) accepted.push(trick);
      else expect(reply, trick).toMatch(/^(553 5\.7\.1|501 5\.1\.3)/);
    }
    // what is accepted is not routed to the upstream, so it is captured and never leaves:
    // victim@ext.example in any case (source routes arrive stripped to it) and the IP literals
    expect(accepted).toEqual([
      '<victim@ext.example>',
      '<victim%ext.example@[127.0.0.1]>',
      '<@relay.example:victim@ext.example>',
      '<@a.example,@b.example:victim@ext.example>',
      '<victim@[192.0.2.1]>',
      '<victim@[IPv6:2001:db8::1]>',
      '<VICTIM@EXT.EXAMPLE>',
      ' <victim@ext.example>',
    ]);
    const before = upstream.messages.length;
    expect(await wire.command('DATA')).toMatch(/^354/);
    const stored = await wire.command('Subject: tricks\r\n\r\nx\r\n.');
    expect(stored).toMatch(/^250 2\.6\.0 Ok: queued as (\S+)/);
    const id = /queued as (\S+)/.exec(stored)?.[1] as string;
    const delivery = await relay.api<{ recipients: { state: string }[] }>(
      `/api/v1/message/${id}/delivery`,
    );
    expect(new Set(delivery.recipients.map((r) => r.state))).toEqual(new Set(['captured']));
    expect(upstream.messages.length).toBe(before);
    expect(await wire.command('MAIL FROM:<app@sender.example>')).toMatch(/^250/);
    expect(await wire.command('RCPT TO:<victim%ext.example@relay.example>')).toBe(
      '553 5.7.1 Percent hack (%) in the recipient: this address form is not relayed',
    );
    expect(await wire.command('RCPT TO:<ext.example!victim@relay.example>')).toBe(
      '553 5.7.1 Bang path (!) in the recipient: this address form is not relayed',
    );
    wire.close();
  });

  it('refuses a wrong password with 535 5.7.8 and logs it without the password', async () => {
    const wire = await session(relay.smtp.port);
    expect(await wire.command(`AUTH PLAIN ${plainToken('app', 'not-the-password')}`)).toBe(
      '535 5.7.8 Authentication credentials invalid',
    );
    wire.close();
    expect(
      logs.some((l) => /event=auth result=rejected .*user=app .*reason="bad credentials"/.test(l)),
    ).toBe(true);
    expect(logs.join('\n')).not.toContain('not-the-password');
    expect(logs.join('\n')).not.toContain('app-password-1');
  });
});

describe('AUTH on loopback', () => {
  let relay: TestRelaydesk;
  beforeAll(async () => {
    relay = await startTestRelaydesk(fast);
  });
  afterAll(async () => relay?.dispose());

  it('accepts any credentials while there are no users, and checks them once there are', async () => {
    let wire = await session(relay.smtp.port);
    expect(await wire.command(`AUTH PLAIN ${plainToken('anyone', 'whatever')}`)).toMatch(/^235/);
    wire.close();
    await relay.api('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ci', password: 'ci-password-1' }),
    });
    wire = await session(relay.smtp.port);
    expect(await wire.command(`AUTH PLAIN ${plainToken('anyone', 'whatever')}`)).toMatch(
      /^535 5\.7\.8/,
    );
    expect(await wire.command(`AUTH PLAIN ${plainToken('ci', 'ci-password-1')}`)).toMatch(/^235/);
    wire.close();
  });
});

describe('--require-auth', () => {
  let relay: TestRelaydesk;
  beforeAll(async () => {
    relay = await startTestRelaydesk({ ...fast, requireAuth: true });
  });
  afterAll(async () => relay?.dispose());

  it('makes even a trusted loopback client authenticate before MAIL', async () => {
    const wire = await session(relay.smtp.port);
    expect(await wire.command('MAIL FROM:<app@sender.example>')).toBe(
      '530 5.7.0 Authentication required',
    );
    // no users: "any credentials" does not apply under --require-auth
    expect(await wire.command(`AUTH PLAIN ${plainToken('anyone', 'whatever')}`)).toMatch(/^535/);
    wire.close();
  });
});
