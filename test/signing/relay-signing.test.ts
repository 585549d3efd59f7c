// Signing at relay time, end to end: keys made through the API, the record published on a real
// DNS server, mail sent over SMTP, and the copy the real upstream received verified by mailauth
// and by python3-dkim. Redirect's X-Original-To is added before signing, so it never breaks it.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dkimVerify } from 'mailauth';
import type { MessageDelivery } from '../../preload/api-contract.js';
import type { DkimKeyInfo } from '../../main/core/signing/key-store.js';
import type { DkimKeyRemoval, MessageAuthCheck } from '../../preload/auth-contract.js';
import type { DkimDnsCheck } from '../../main/core/signing/dkim-record.js';
import { DnsResolver } from '../../main/core/dns/dns-resolver.js';
import { settled } from '../helpers/delivery.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requirePythonModule } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const python = requirePythonModule('dkim', 'apt-get install -y python3-dkim');

let dns: TestDnsServer;
let upstream: RunningUpstream;
let relay: TestRelaydesk;

beforeAll(async () => {
  dns = await startDnsServer();
  upstream = await startUpstreamServer({ tls: 'none' });
  relay = await startTestRelaydesk({
    mode: 'rules',
    dnsServers: [dns.address],
    relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
    rules: [
      {
        name: 'staging',
        match: { recipient: '*@customers.example' },
        action: { type: 'redirect', to: 'qa@team.example' },
      },
      { name: 'out', match: { recipient: '*' }, action: { type: 'relay' } },
    ],
  });
});
afterAll(async () => {
  await relay?.dispose();
  await upstream?.close();
  await dns?.close();
});

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function send(to: string, subject: string): Promise<{ id: string; raw: Buffer }> {
  const before = upstream.messages.length;
  const info = await relay.transport().sendMail({
    from: '"Shop" <news@shop.example>',
    to,
    subject,
    text: 'Your order ships today.',
    headers: { 'List-Unsubscribe': '<https://shop.example/u>' },
  });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  await settled(relay, id, (d) => d.status === 'delivered');
  const received = upstream.messages.slice(before);
  expect(received).toHaveLength(1);
  return { id, raw: (received[0] as { raw: Buffer }).raw };
}

async function verify(raw: Buffer): Promise<Array<[string, string]>> {
  const resolver = new DnsResolver({ servers: [dns.address], cacheMs: 0 });
  const { results } = await dkimVerify(raw, { resolver: resolver.forMailauth() as never });
  return results.map((r) => [r.selector ?? '', r.status.result]);
}

function pythonVerify(raw: Buffer, record: string): string {
  const script =
    'import sys, dkim\nrecord = sys.argv[1].encode()\n' +
    'print("pass" if dkim.verify(sys.stdin.buffer.read(), dnsfunc=lambda n, timeout=5: record) else "fail")';
  return spawnSync(python as string, ['-c', script, record], {
    input: raw,
    encoding: 'utf8',
  }).stdout.trim();
}

describe('DKIM signing at relay time', () => {
  let first: DkimKeyInfo;

  it('generates a key that waits for DNS, and Check DNS says missing until it is published', async () => {
    const res = await relay.fetch(
      '/api/v1/dkim/keys',
      json({ domain: 'shop.example', selector: 's2026' }),
    );
    expect(res.status).toBe(201);
    first = (await res.json()) as DkimKeyInfo;
    expect(first).toMatchObject({
      domain: 'shop.example',
      selector: 's2026',
      algorithm: 'rsa',
      // signed before the record is published, the first mail would fail DKIM at the receiver
      active: false,
      waitingForDns: true,
    });
    expect(first.record.name).toBe('s2026._domainkey.shop.example');
    expect(first.record.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
    expect(JSON.stringify(first)).not.toMatch(/PRIVATE KEY/);

    const check = () => relay.api<DkimDnsCheck>('/api/v1/dkim/keys/shop.example/s2026/dns-check');
    expect((await check()).status).toBe('missing');
    dns.set(first.record.name, {
      TXT: ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwrong'],
    });
    expect(await check()).toMatchObject({ status: 'mismatch' });
    const waiting = await send('anna@example.net', 'Before the record');
    expect(waiting.raw.toString()).not.toMatch(/DKIM-Signature/);
    // the delivery says why, not only "not signed"
    const unsignedDelivery = await relay.api<MessageDelivery>(
      `/api/v1/message/${waiting.id}/delivery`,
    );
    expect(unsignedDelivery.recipients[0]?.attempts[0]).toMatchObject({
      unsignedReason:
        'the key of shop.example waits for DNS: publish its TXT record at s2026._domainkey.shop.example, then Check DNS (or say it is published)',
    });
    expect(unsignedDelivery.recipients[0]?.attempts[0]?.signedBy).toBeUndefined();
    dns.set(first.record.name, { TXT: [first.record.value] });
    expect(await check()).toMatchObject({
      status: 'match',
      reason: 'the published record matches this key',
      activated: true,
    });
    const [listed] = await relay.api<DkimKeyInfo[]>('/api/v1/dkim/keys');
    expect(listed).toMatchObject({ selector: 's2026', active: true, waitingForDns: false });
    // checked again: nothing more to start
    expect((await check()).activated).toBeUndefined();
    dns.silent = true;
    expect(await check()).toMatchObject({ status: 'unknown' });
    dns.silent = false;
  });

  it('Check DNS finds a record published under the domain twice and says which name to enter', async () => {
    const res = await relay.fetch(
      '/api/v1/dkim/keys',
      json({ domain: 'twice.example', selector: 'd1', algorithm: 'ed25519' }),
    );
    const key = (await res.json()) as DkimKeyInfo;
    // what a provider's form makes of the full name pasted into it
    dns.set('d1._domainkey.twice.example.twice.example', { TXT: [key.record.value] });
    expect(
      await relay.api<DkimDnsCheck>('/api/v1/dkim/keys/twice.example/d1/dns-check'),
    ).toMatchObject({
      status: 'missing',
      reason:
        'the record is published at d1._domainkey.twice.example.twice.example: the DNS provider added twice.example to the name again; enter the name as d1._domainkey',
    });
    await relay.fetch('/api/v1/dkim/keys/twice.example/d1', { method: 'DELETE' });
  });

  it('Check DNS says when an Ed25519 key is published without k=ed25519', async () => {
    const res = await relay.fetch(
      '/api/v1/dkim/keys',
      json({ domain: 'kless.example', selector: 'e1', algorithm: 'ed25519' }),
    );
    const key = (await res.json()) as DkimKeyInfo;
    dns.set(key.record.name, { TXT: [key.record.value.replace('k=ed25519; ', '')] });
    expect(
      await relay.api<DkimDnsCheck>('/api/v1/dkim/keys/kless.example/e1/dns-check'),
    ).toMatchObject({
      status: 'mismatch',
      reason:
        'the published record has this key but no k= (which means rsa); it needs k=ed25519: publish the record shown',
    });
    await relay.fetch('/api/v1/dkim/keys/kless.example/e1', { method: 'DELETE' });
  });

  it('Check DNS names how a right record was mangled in the pasting, not "a different key"', async () => {
    const res = await relay.fetch(
      '/api/v1/dkim/keys',
      json({ domain: 'pasted.example', selector: 'p1' }),
    );
    const key = (await res.json()) as DkimKeyInfo;
    const check = () => relay.api<DkimDnsCheck>('/api/v1/dkim/keys/pasted.example/p1/dns-check');
    const value = key.record.value;
    // the zone file's two quoted strings pasted into a form that adds quotes of its own
    dns.set(key.record.name, { TXT: [`"${value.slice(0, 255)}" "${value.slice(255)}"`] });
    expect(await check()).toMatchObject({
      status: 'mismatch',
      reason:
        'the published record has quote marks in it (the zone file\'s "…" "…" pasted into the DNS provider\'s form, which adds its own); publish the record shown as one value, without quotes',
    });
    // the zone file line, parentheses and all, pasted as the value
    dns.set(key.record.name, { TXT: [key.record.zoneLine] });
    expect((await check()).reason).toMatch(/^the published record has quote marks in it /);
    dns.set(key.record.name, { TXT: [value.slice(0, 255)] });
    expect(await check()).toMatchObject({
      status: 'mismatch',
      reason: `the published key is cut short (${255 - 18} of its ${value.length - 18} characters, as when only the first of the zone file's quoted strings is pasted); publish the whole record shown`,
    });
    // the version retyped in lower case: python3-dkim (dkimpy) fails the signature for it
    dns.set(key.record.name, { TXT: [value.replace('v=DKIM1', 'v=dkim1')] });
    expect(await check()).toMatchObject({
      status: 'mismatch',
      reason:
        'the published record has v=dkim1, not v=DKIM1: the tag is case-sensitive, and receivers that follow RFC 6376 discard the record; publish the record shown',
    });
    dns.set(key.record.name, { TXT: ['v=DKIM1; k=rsa'] });
    expect(await check()).toMatchObject({
      status: 'mismatch',
      reason: 'the published record has no p= (the public key); publish the whole record shown',
    });
    // a new record added beside an old key's instead of replacing it
    dns.set(key.record.name, {
      TXT: ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAold', value],
    });
    expect(await check()).toMatchObject({
      status: 'mismatch',
      reason:
        "p1._domainkey.pasted.example has 2 DKIM records: this key's and another; receivers read one of them or fail the lookup, so delete the other and keep only the record shown",
    });
    expect(
      (await relay.api<DkimKeyInfo[]>('/api/v1/dkim/keys')).find((k) => k.selector === 'p1'),
    ).toMatchObject({ active: false, waitingForDns: true });
    // the name left empty in the form: the key sits beside the domain's SPF record
    dns.zone.delete(key.record.name);
    dns.set('pasted.example', { TXT: ['v=spf1 mx -all', value] });
    expect(await check()).toMatchObject({
      status: 'missing',
      reason:
        "the record is published at pasted.example itself, where receivers do not look; publish it at p1._domainkey.pasted.example (the name p1._domainkey in the DNS provider's form), and it can go from pasted.example",
    });
    dns.zone.delete('pasted.example');
    await relay.fetch('/api/v1/dkim/keys/pasted.example/p1', { method: 'DELETE' });
  });

  it('DELETE answers with what signs the domain now, and warns when its mail goes out unsigned', async () => {
    const add = async (domain: string, selector: string) => {
      await relay.fetch('/api/v1/dkim/keys', json({ domain, selector, algorithm: 'ed25519' }));
      await relay.fetch(`/api/v1/dkim/keys/${domain}/${selector}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ active: true }),
      });
    };
    const remove = async (domain: string, selector: string) => {
      const res = await relay.fetch(`/api/v1/dkim/keys/${domain}/${selector}`, {
        method: 'DELETE',
      });
      expect(res.status).toBe(200);
      return (await res.json()) as DkimKeyRemoval;
    };
    await add('gone.example', 'a');
    await add('gone.example', 'b');
    await add('sub.gone.example', 's');
    await relay.fetch('/api/v1/dkim/keys', json({ domain: 'gone.example', selector: 'w' }));

    // waiting for DNS, it signed nothing: nothing changes
    expect(await remove('gone.example', 'w')).toEqual({
      ok: true,
      removed: { domain: 'gone.example', selector: 'w' },
      signing: 'unchanged',
      signingKeys: [
        { domain: 'gone.example', selector: 'a' },
        { domain: 'gone.example', selector: 'b' },
      ],
    });
    expect(await remove('gone.example', 'a')).toEqual({
      ok: true,
      removed: { domain: 'gone.example', selector: 'a' },
      signing: 'still-signed',
      signingKeys: [{ domain: 'gone.example', selector: 'b' }],
    });
    // a subdomain's last key: the parent's key signs its mail from now on
    expect(await remove('sub.gone.example', 's')).toEqual({
      ok: true,
      removed: { domain: 'sub.gone.example', selector: 's' },
      signing: 'parent-signs',
      signingKeys: [{ domain: 'gone.example', selector: 'b' }],
    });
    expect(await remove('gone.example', 'b')).toEqual({
      ok: true,
      removed: { domain: 'gone.example', selector: 'b' },
      signing: 'unsigned',
      signingKeys: [],
      warning:
        "mail from gone.example now goes out unsigned (DMARC may fail at receivers): it was the domain's only signing key; make a new one (POST /api/v1/dkim/keys, Settings → Signing, or relaydesk dkim keygen gone.example SELECTOR) and publish its record",
    });
  });

  it('keeps the private key in an owner-only file, never in the list', async () => {
    const folder = join(relay.dataDir, 'dkim', 'private');
    const [file] = readdirSync(folder);
    expect(statSync(join(folder, file as string)).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(relay.dataDir, 'dkim', 'keys.json'), 'utf8')).not.toMatch(/PRIVATE/);
  });

  it('signs relayed mail; the upstream copy verifies, and the delivery says which key signed', async () => {
    const { id, raw } = await send('anna@example.net', 'Signed');
    expect(await verify(raw)).toEqual([['s2026', 'pass']]);
    if (python) expect(pythonVerify(raw, first.record.value)).toBe('pass');
    const delivery = await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect(delivery.recipients[0]?.attempts[0]?.signedBy).toEqual([
      { domain: 'shop.example', selector: 's2026', algorithm: 'rsa-sha256' },
    ]);
    // the check reads the copy as received (unsigned); it says which of our keys signed the
    // relayed copy, as the Route tab does
    const check = await relay.api<MessageAuthCheck>(`/api/v1/message/${id}/auth-check`);
    expect(check.dkim.map((v) => v.result)).toEqual(['none']);
    expect(check.relayedSignedBy).toEqual([
      { domain: 'shop.example', selector: 's2026', algorithm: 'rsa-sha256' },
    ]);
  });

  it('signs after the redirect adds X-Original-To, so the signature holds', async () => {
    const { raw } = await send('carl@customers.example', 'Redirected');
    const text = raw.toString('latin1');
    expect(text.indexOf('DKIM-Signature:')).toBeLessThan(
      text.indexOf('X-Original-To: carl@customers.example'),
    );
    expect(await verify(raw)).toEqual([['s2026', 'pass']]);
    if (python) expect(pythonVerify(raw, first.record.value)).toBe('pass');
  });

  it('signs with both selectors during a rotation, then only the new one', async () => {
    const res = await relay.fetch(
      '/api/v1/dkim/keys',
      json({ domain: 'shop.example', selector: 's2027', algorithm: 'ed25519' }),
    );
    const second = (await res.json()) as DkimKeyInfo;
    expect(second.record.value).toMatch(/^v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=$/);
    dns.set(second.record.name, { TXT: [second.record.value] });
    // published, but nobody said so yet: only the old selector signs
    const before = await send('anna@example.net', 'Not yet both');
    expect(await verify(before.raw)).toEqual([['s2026', 'pass']]);
    // the user says it is published (Settings: "It is published: sign now")
    const confirmed = await relay.fetch('/api/v1/dkim/keys/shop.example/s2027', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ active: true }),
    });
    expect(await confirmed.json()).toMatchObject({ active: true, waitingForDns: false });
    const both = await send('anna@example.net', 'Overlap');
    expect((await verify(both.raw)).sort()).toEqual([
      ['s2026', 'pass'],
      ['s2027', 'pass'],
    ]);
    const retired = await relay.fetch('/api/v1/dkim/keys/shop.example/s2026', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ active: false }),
    });
    expect(retired.status).toBe(200);
    const after = await send('anna@example.net', 'After');
    expect(await verify(after.raw)).toEqual([['s2027', 'pass']]);
  });

  it('leaves mail of domains without a key unsigned, and refuses bad key input by name', async () => {
    const before = upstream.messages.length;
    const info = await relay
      .transport()
      .sendMail({ from: 'x@other.example', to: 'a@example.net', subject: 'u', text: 'u' });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await settled(relay, id, (d) => d.status === 'delivered');
    expect(upstream.messages[before]?.raw.toString()).not.toMatch(/DKIM-Signature/);
    const unsignedCheck = await relay.api<MessageAuthCheck>(`/api/v1/message/${id}/auth-check`);
    expect(unsignedCheck.relayedSignedBy).toEqual([]);
    // the check of the stored copy says "not signed" either way: it also says why the copy sent was
    expect(unsignedCheck.relayedUnsignedReason).toBe(
      'no DKIM key signs mail from other.example: the keys are for shop.example; add a key for other.example in Settings → Signing (or relaydesk dkim keygen other.example SELECTOR)',
    );
    // a scanner or a web form sending as another domain: the delivery names the domain, the
    // domains that have keys, and how to add one
    const delivery = await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect(delivery.recipients[0]?.attempts[0]?.unsignedReason).toBe(
      'no DKIM key signs mail from other.example: the keys are for shop.example; add a key for other.example in Settings → Signing (or relaydesk dkim keygen other.example SELECTOR)',
    );

    const bad = await relay.fetch(
      '/api/v1/dkim/keys',
      json({ domain: 'shop.example', selector: 'bad key' }),
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error:
        'selector: "bad key" is not a valid selector: use only letters, digits, hyphens and underscores, in labels of 1 to 63 characters joined by dots, none starting or ending with a hyphen; e.g. mail2026',
    });
    const pem = await relay.fetch(
      '/api/v1/dkim/keys',
      json({ domain: 'shop.example', selector: 'imp', privateKey: 'nope' }),
    );
    expect(pem.status).toBe(400);
    expect(((await pem.json()) as { error: string }).error).toMatch(
      /^privateKey: this is not a key file: it has no "-----BEGIN … PRIVATE KEY-----" line; give the private key in PEM/,
    );
    // a header list sent as one string, as a form or a shell user easily does
    const joined = await relay.fetch(
      '/api/v1/dkim/keys',
      json({ domain: 'shop.example', selector: 'hdr', headers: 'From,Subject' }),
    );
    expect(joined.status).toBe(400);
    expect(await joined.json()).toEqual({
      error:
        'headers: "From,Subject" is one name with commas in it; give each field as its own item, e.g. ["From", "Subject"]',
    });
    expect((await relay.fetch('/api/v1/dkim/keys/shop.example/none/dns-check')).status).toBe(404);
  });
});
