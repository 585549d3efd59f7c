// Keys from --dkim-key sign from the start, with no wait for DNS: a wrong selector made every
// message fail DKIM at receivers and nothing said so. At start their records are looked up once
// (over a real DNS server on 127.0.0.1) and one line says what was found and what to publish;
// the start never waits for it, and mail flows while DNS does not answer.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDkimKey, publicKeyValue } from '../../main/core/signing/dkim-key.js';
import { dkimRecord } from '../../main/core/signing/dkim-record.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { eventually, letTimePass } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { madeTempFolder } from '../helpers/temp-folders.js';

let dns: TestDnsServer;
let relay: TestRelaydesk | null = null;
const key = generateDkimKey('rsa');
const record = dkimRecord('keys.example', 'mail', 'rsa', publicKeyValue(key));

beforeAll(async () => {
  dns = await startDnsServer();
});
afterEach(async () => {
  await relay?.dispose();
  relay = null;
});
afterAll(async () => {
  await dns?.close();
});

/** A relay signing with `key` as --dkim-key of keys.example, selector `selector`. */
async function startWithKey(selector: string): Promise<{ lines: string[] }> {
  const dir = await madeTempFolder('relaydesk-keydns-');
  const keyFile = join(dir, 'mail.private');
  writeFileSync(keyFile, key, { mode: 0o600 });
  const lines: string[] = [];
  relay = await startTestRelaydesk(
    { dnsServers: [dns.address], dkim: [{ domain: 'keys.example', selector, keyFile }] },
    undefined,
    { log: (line) => lines.push(line) },
  );
  return { lines };
}

const dkimLines = (lines: string[]): string[] => lines.filter((l) => l.includes('--dkim-key'));

describe('the DNS record of a --dkim-key, checked at start', () => {
  it('says when the selector has no record, and what to publish', async () => {
    // the key is published under `mail`; the flags name `mial`
    dns.set(record.name, { TXT: [record.value] });
    const { lines } = await startWithKey('mial');
    await eventually(() => dkimLines(lines)).toHaveLength(1);
    const [line] = dkimLines(lines);
    expect(line).toContain(
      'dkim: --dkim-key of keys.example (selector mial) signs mail, but receivers will fail its signatures: no TXT record at mial._domainkey.keys.example; publish the record below',
    );
    expect(line).toContain('Found at mial._domainkey.keys.example: nothing.');
    expect(line).toContain(
      `Publish: mial._domainkey.keys.example TXT "${record.value}" (or give the selector whose record is published)`,
    );
    expect(dns.questions).toContain('TXT mial._domainkey.keys.example');
  });

  it('says when the record holds another key, quoting what it found', async () => {
    const older = dkimRecord('keys.example', 'old', 'rsa', publicKeyValue(generateDkimKey('rsa')));
    dns.set('old._domainkey.keys.example', { TXT: [older.value] });
    const { lines } = await startWithKey('old');
    await eventually(() => dkimLines(lines)).toHaveLength(1);
    const [line] = dkimLines(lines);
    expect(line).toContain('the published record holds a different key');
    expect(line).toContain(`Found at old._domainkey.keys.example: "${older.value.slice(0, 72)}…"`);
    expect(line).toContain(`Publish: old._domainkey.keys.example TXT "v=DKIM1; k=rsa; p=`);
  });

  it('says nothing when the record matches', async () => {
    dns.set(record.name, { TXT: [record.value] });
    const asked = dns.questions.length;
    const { lines } = await startWithKey('mail');
    await eventually(() => dns.questions.slice(asked)).toContain(`TXT ${record.name}`);
    // proving no line comes: the answer is in, so a line would follow within this window
    await letTimePass(300);
    expect(dkimLines(lines)).toEqual([]);
  });

  it('does not hold the start or the mail while DNS does not answer', async () => {
    dns.silentNames.add('slow._domainkey.keys.example');
    const started = Date.now();
    const { lines } = await startWithKey('slow');
    const info = await relay!.transport().sendMail({
      from: 'app@keys.example',
      to: 'qa@example.net',
      subject: 'while DNS is silent',
      text: 'x',
    });
    expect(info.accepted).toEqual(['qa@example.net']);
    // started and took the message while the lookup still waited for its 2 s timeout; on a
    // machine so loaded that the start and the message took longer than that, the lookup may
    // have timed out meanwhile without having held either, and the order proves nothing
    if (Date.now() - started < 1500) expect(dkimLines(lines)).toEqual([]);
    await eventually(() => dkimLines(lines), 10_000).toHaveLength(1);
    const [line] = dkimLines(lines);
    expect(line).toMatch(
      /^dkim: --dkim-key of keys\.example \(selector slow\): its DNS record at slow\._domainkey\.keys\.example could not be checked at start \(.*\); run relaydesk dkim check keys\.example slow once DNS answers$/,
    );
  });
});
