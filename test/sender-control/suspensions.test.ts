// Suspending a client IP, a CIDR, an SMTP user or a sender, over real SMTP sessions: at once,
// with the administrator's reason, kept across a restart, from the API and from the CLI; and
// what the sender had queued is held for review.
import { afterEach, describe, expect, it } from 'vitest';
import type { SuspensionEntry } from '../../preload/api-contract.js';
import { runCli } from '../helpers/cli-process.js';
import { settled } from '../helpers/delivery.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession, plainToken, SmtpWire } from '../helpers/smtp-wire.js';
import { upstreamsPerTest } from '../helpers/upstream-server.js';

const { upstream } = upstreamsPerTest();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relaydesk(
  settings: Record<string, unknown> = {},
  dataDir?: string,
): Promise<TestRelaydesk> {
  const relay = await startTestRelaydesk(settings, dataDir);
  cleanups.push(() => relay.dispose());
  return relay;
}

async function suspend(
  relay: TestRelaydesk,
  body: Record<string, unknown>,
): Promise<SuspensionEntry & { Held: string[] }> {
  const res = await relay.fetch('/api/v1/suspensions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as SuspensionEntry & { Held: string[] };
}

/** MAIL FROM on a fresh session, optionally after AUTH PLAIN as `user`. */
async function mailFrom(relay: TestRelaydesk, sender: string, user?: string): Promise<string> {
  const wire = await greetedSession(relay.smtp.port);
  try {
    if (user) expect(await wire.command(`AUTH PLAIN ${plainToken(user, 'any')}`)).toMatch(/^235/);
    return await wire.command(`MAIL FROM:<${sender}>`);
  } finally {
    wire.close();
  }
}

describe('suspensions', () => {
  it('turns a suspended client IP away at connect with 421 4.7.0 and the reason, at once', async () => {
    const relay = await relaydesk();
    expect(await mailFrom(relay, 'app@example.com')).toMatch(/^250/);
    const entry = await suspend(relay, {
      Kind: 'ip',
      Value: '127.0.0.1',
      Reason: 'infected workstation, ticket 4711',
    });
    const audit = await relay.api<{ lines: string[] }>('/api/v1/audit/log');
    expect(audit.lines.at(-1)).toBe(
      `smtp-audit event=suspend id=${entry.ID} kind=ip value=127.0.0.1 auto=false held=0 reason="infected workstation, ticket 4711"`,
    );
    expect(entry).toMatchObject({ Kind: 'ip', Value: '127.0.0.1', Auto: false });
    expect(entry.ID).toMatch(/^[0-9a-f]{12}$/);
    const wire = await SmtpWire.connect(relay.smtp.port);
    expect(await wire.reply()).toBe(
      '421 4.7.0 Client suspended: infected workstation, ticket 4711',
    );
    wire.close();

    const lifted = await relay.fetch(`/api/v1/suspensions/${entry.ID}`, { method: 'DELETE' });
    expect(lifted.status).toBe(200);
    expect(await mailFrom(relay, 'app@example.com')).toMatch(/^250/);
  });

  it('covers a CIDR, stored as the range it matches, and kept across a restart', async () => {
    const dataDir = await makeDataDir();
    const first = await startTestRelaydesk({}, dataDir);
    // written with a host address, as people do: listed as the network it covers
    const made = await suspend(first, {
      Kind: 'cidr',
      Value: '127.1.2.3/8',
      Reason: 'lab network is loose',
    });
    expect(made.Value).toBe('127.0.0.0/8');
    await first.close();
    const again = await relaydesk({}, dataDir);
    const wire = await SmtpWire.connect(again.smtp.port);
    expect(await wire.reply()).toBe('421 4.7.0 Client suspended: lab network is loose');
    wire.close();
    expect(await again.api<SuspensionEntry[]>('/api/v1/suspensions')).toMatchObject([
      { Kind: 'cidr', Value: '127.0.0.0/8' },
    ]);
  });

  it('refuses a suspended SMTP user and a suspended sender at MAIL with 554 5.7.1', async () => {
    const relay = await relaydesk();
    await suspend(relay, { Kind: 'user', Value: 'printer', Reason: 'password leaked' });
    await suspend(relay, { Kind: 'sender', Value: '*@spam.example', Reason: 'not ours' });
    expect(await mailFrom(relay, 'scan@office.example', 'printer')).toBe(
      '554 5.7.1 User suspended: password leaked',
    );
    expect(await mailFrom(relay, 'scan@office.example', 'frontdesk')).toMatch(/^250/);
    expect(await mailFrom(relay, 'promo@spam.example')).toBe(
      '554 5.7.1 Sender suspended: not ours',
    );
  });

  it('answers a bad entry with 400 naming the field, the value and the fix', async () => {
    const relay = await relaydesk();
    const res = await relay.fetch('/api/v1/suspensions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Kind: 'ip', Value: '10.0.0.0/8', Reason: 'x' }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe(
      'Value: "10.0.0.0/8" is not an IP address; give one such as 192.0.2.7 or 2001:db8::7 (or use Kind "cidr" for a range)',
    );
    // without a Reason the answer was `Reason: null is not valid`
    const noReason = await relay.fetch('/api/v1/suspensions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Kind: 'ip', Value: '192.0.2.7' }),
    });
    expect(noReason.status).toBe(400);
    expect((await noReason.json()).error).toBe(
      'Reason is missing; give one line of up to 300 characters saying why (the client is told)',
    );
    // without a Kind or a Value the answers were `Kind: null is not valid` and `Value: null is
    // not text`: each names the field left out and what to give
    const refusal = async (body: Record<string, string>) => {
      const answer = await relay.fetch('/api/v1/suspensions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(answer.status).toBe(400);
      return ((await answer.json()) as { error: string }).error;
    };
    expect(await refusal({ Value: '192.0.2.7', Reason: 'x' })).toBe(
      'Kind is missing; use "ip", "cidr", "user" or "sender" (what Value is: a client IP, a CIDR, an SMTP user or a sender address)',
    );
    expect(await refusal({ Kind: 'ip', Reason: 'x' })).toBe(
      'Value is missing; give the client\'s IP address to suspend, e.g. "192.0.2.7"',
    );
    expect(await refusal({ Kind: 'sender', Reason: 'x' })).toBe(
      'Value is missing; give the sender address to suspend, e.g. "bob@example.com", or a glob such as "*@example.com"',
    );
    for (const words of [
      await refusal({ Reason: 'x' }),
      await refusal({ Kind: 'user', Reason: 'x' }),
    ]) {
      expect(words).not.toMatch(/null/);
    }
    // a value given, but wrong, is still quoted
    expect(await refusal({ Kind: 'host', Value: 'a', Reason: 'x' })).toBe(
      'Kind: "host" is not valid; use "ip", "cidr", "user" or "sender"',
    );
    const missing = await relay.fetch('/api/v1/suspensions/nope', { method: 'DELETE' });
    expect(missing.status).toBe(404);
  });

  it('holds what the sender already queued, for review; release sends it on', async () => {
    const server = await upstream({
      tls: 'none',
      failures: { mail: { code: 451, text: '4.3.0 busy' } },
    });
    const relay = await relaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    });
    const info = await relay.transport().sendMail({
      from: 'newsletter@shop.example',
      to: 'customer@example.com',
      subject: 'queued before the suspension',
      text: 'hi',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');

    const entry = await suspend(relay, {
      Kind: 'sender',
      Value: 'newsletter@shop.example',
      Reason: 'complaints',
    });
    expect(entry.Held).toEqual([id]);
    const held = await relay.api<{ Recipients: Array<{ State: string; Why: string }> }>(
      `/api/v1/message/${id}/filter`,
    );
    expect(held.Recipients).toEqual([
      expect.objectContaining({
        State: 'held',
        Why: `held: sender newsletter@shop.example suspended (${entry.ID}): complaints`,
      }),
    ]);

    server.setFailures({});
    const lifted = await relay.api<{ Released: string[] }>(
      `/api/v1/suspensions/${entry.ID}?release=true`,
      { method: 'DELETE' },
    );
    expect(lifted.Released).toEqual([id]);
    await settled(relay, id, (d) => d.recipients[0]?.state === 'relayed');
    expect(server.messages).toHaveLength(1);
  });

  it('suspends and lifts from the CLI, against the running relay', async () => {
    const relay = await relaydesk();
    const env = { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` };
    const made = await runCli(
      ['suspend', 'sender', 'bot@example.com', '--reason', 'looping cron job'],
      {
        env,
      },
    );
    expect(made.code, made.stderr).toBe(0);
    const id = made.stdout.trim();
    expect(made.stderr).toContain(`suspended sender bot@example.com (ID ${id})`);
    expect(await mailFrom(relay, 'bot@example.com')).toBe(
      '554 5.7.1 Sender suspended: looping cron job',
    );
    const lifted = await runCli(['unsuspend', id], { env });
    expect(lifted.code, lifted.stderr).toBe(0);
    expect(await mailFrom(relay, 'bot@example.com')).toMatch(/^250/);

    const bad = await runCli(['suspend', 'host', 'x', '--reason', 'y'], { env });
    expect(bad.code).toBe(64);
    // the CLI names the kinds itself, before asking the relay
    expect(bad.stderr).toMatch(/KIND: "host" is not valid; KIND is one of ip, cidr, user, sender/);
  });

  it('refuses a sender value that would match nobody (a bare domain, a login name, @domain, <address>) with the fix', async () => {
    const relay = await relaydesk();
    const env = { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` };
    const cases: Array<[string, string]> = [
      [
        'office.example',
        'has no "@", so it matches no sender address; give "*@office.example" for the whole domain, or one address such as "bob@office.example"',
      ],
      // a login name where a sender goes: the kind is what to change, not a domain to add
      [
        'alice',
        'has no "@", so it matches no sender address; to stop the SMTP login "alice" choose the kind user, or give a sender address such as "alice@example.com"',
      ],
      [
        '@office.example',
        'has nothing before the "@", so it matches no sender address; give "*@office.example" for the whole domain',
      ],
      [
        '<fred@office.example>',
        'is in angle brackets, which no sender address has; give "fred@office.example"',
      ],
    ];
    for (const [value, fix] of cases) {
      const made = await runCli(['suspend', 'sender', value, '--reason', 'phished'], { env });
      expect(made.code, value).toBe(64);
      expect(made.stderr).toBe(`relaydesk suspend: Value: ${JSON.stringify(value)} ${fix}\n`);
    }
    // nothing was listed as suspended, and the sender is (visibly) still let in
    expect(await relay.api('/api/v1/suspensions')).toEqual([]);
    expect(await mailFrom(relay, 'fred@office.example')).toMatch(/^250/);
    // what the fix says works, and so do globs without "@" and regexes
    for (const value of ['*@office.example', '*office*', '/@office\\.example$/i']) {
      const made = await runCli(['suspend', 'sender', value, '--reason', 'phished'], { env });
      expect(made.code, made.stderr).toBe(0);
    }
    expect(await mailFrom(relay, 'fred@office.example')).toBe(
      '554 5.7.1 Sender suspended: phished',
    );
  });

  it('names a misspelt flag (unsuspend ID --relese) instead of asking for the ID given', async () => {
    const relay = await relaydesk();
    const env = { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` };
    const made = await runCli(['suspend', 'sender', 'zed@office.example', '--reason', 'test'], {
      env,
    });
    const id = made.stdout.trim();
    const typo = await runCli(['unsuspend', id, '--relese'], { env });
    expect(typo.code).toBe(64);
    expect(typo.stderr).toBe(
      'relaydesk unsuspend: --relese is not a flag of unsuspend; its flags are --release, --http HOST:PORT, --data DIR, --ui-password-file FILE\n',
    );
    // nothing was lifted on the strength of a typo
    expect(relay.service.suspensions().map((s) => s.ID)).toEqual([id]);
    const right = await runCli(['unsuspend', id, '--release'], { env });
    expect(right.code, right.stderr).toBe(0);
    expect(right.stderr).toBe(
      'sender zed@office.example is no longer suspended; 0 held message(s) released\n',
    );
  });
});
