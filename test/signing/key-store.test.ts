// The key store on real files: generated and imported keys, weak or foreign keys refused by
// name, selectors retired and removed, which keys sign for a From domain, and a key file that
// is gone or damaged stopping only its own selector.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicKeyValue } from '../../main/core/signing/dkim-key.js';
import { DkimKeyStore } from '../../main/core/signing/key-store.js';
import { OwnerOnlyFileVault } from '../../main/core/signing/key-vault.js';
import { DkimSigning } from '../../main/core/signing/dkim-signing.js';
import { DnsResolver } from '../../main/core/dns/dns-resolver.js';
import type { DkimKeyInput } from '../../preload/auth-contract.js';

let dir: string;
let store: DkimKeyStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relaydesk-keys-'));
  store = new DkimKeyStore(join(dir, 'dkim'), new OwnerOnlyFileVault(join(dir, 'dkim', 'private')));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pem = (type: 'rsa' | 'ec' | 'ed25519', bits = 2048): string =>
  (type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: bits })
    : type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('ed25519')
  ).privateKey
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();

/** A key added and its record said to be published, so it signs (a new key waits for DNS). */
async function addSigning(keys: DkimKeyStore, input: DkimKeyInput): Promise<void> {
  const key = await keys.add(input);
  await keys.markPublished(key.domain, key.selector);
}

describe('DKIM key store', () => {
  it('imports a PEM key and publishes its public half', async () => {
    const key = pem('rsa');
    const added = await store.add({
      domain: 'Shop.Example.',
      selector: 'Imported',
      privateKey: key,
    });
    expect(added).toMatchObject({
      domain: 'shop.example',
      selector: 'imported',
      source: 'imported',
      algorithm: 'rsa',
    });
    expect(added.record.value).toBe(`v=DKIM1; k=rsa; p=${publicKeyValue(key)}`);
    expect(added.bits).toBe(2048);
    // OpenDKIM's opendkim-genkey writes PKCS#1 ("BEGIN RSA PRIVATE KEY"), often 1024 bits: the
    // list says so instead of calling every RSA key RSA-2048
    const openDkim = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ format: 'pem', type: 'pkcs1' })
      .toString();
    const old = await store.add({ domain: 'shop.example', selector: 'mail', privateKey: openDkim });
    expect([old.algorithm, old.bits]).toEqual(['rsa', 1024]);
    expect(added.record.zoneLine).toMatch(
      /^imported\._domainkey\.shop\.example\. 3600 IN TXT \( "v=DKIM1; k=rsa; p=.{237}" ".+" \)$/,
    );
  });

  it('keeps an IDN domain in A-labels for DNS and gives its U-labels for showing', async () => {
    const added = await store.add({
      domain: 'Bücher.Example',
      selector: 's1',
      algorithm: 'ed25519',
    });
    expect(added).toMatchObject({
      domain: 'xn--bcher-kva.example',
      domainUnicode: 'bücher.example',
      // what DNS providers take
      record: { name: 's1._domainkey.xn--bcher-kva.example' },
    });
    // the window's note names the domain as people write it
    expect((await store.list())[0]?.ed25519Only).toMatch(/^bücher\.example has no RSA key/);
    await store.add({ domain: 'shop.example', selector: 's1', algorithm: 'ed25519' });
    expect((await store.list()).map((k) => [k.domain, k.domainUnicode])).toEqual([
      ['shop.example', 'shop.example'],
      ['xn--bcher-kva.example', 'bücher.example'],
    ]);
  });

  it('says why IDN mail goes unsigned with the domain as people write it, the names in ASCII', async () => {
    await store.add({ domain: 'bücher.example', selector: 's1', algorithm: 'ed25519' });
    // what the Delivery tab shows for mail from it while the key waits for DNS
    expect(store.whyUnsigned(() => 'xn--bcher-kva.example')).toBe(
      'the key of bücher.example waits for DNS: publish its TXT record at s1._domainkey.xn--bcher-kva.example, then Check DNS (or say it is published)',
    );
    expect(store.whyUnsigned(() => 'größe.example')).toBe(
      'no DKIM key signs mail from größe.example: the keys are for bücher.example; add a key for größe.example in Settings → Signing (or relaydesk dkim keygen xn--gre-6ka8i.example SELECTOR)',
    );
  });

  it('refuses keys that cannot sign DKIM, saying why', async () => {
    await expect(
      store.add({ domain: 'shop.example', selector: 'weak', privateKey: pem('rsa', 512) }),
    ).rejects.toThrow(
      'privateKey: an RSA key of 512 bits is too short for DKIM (RFC 8301); generate one of 2048 bits',
    );
    await expect(
      store.add({ domain: 'shop.example', selector: 'ec', privateKey: pem('ec') }),
    ).rejects.toThrow('privateKey: an EC key cannot sign DKIM; use RSA (2048 bits) or Ed25519');
    await expect(store.add({ domain: 'localhost', selector: 's' })).rejects.toThrow(
      'domain: "localhost" is not a domain name; give the domain of the From address, e.g. example.com',
    );
  });

  it('says what to do with an encrypted key or a public key, not what OpenSSL says', async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const encrypted = pair.privateKey
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-128-cbc', passphrase: 'x' })
      .toString();
    const legacyEncrypted = pair.privateKey
      .export({ format: 'pem', type: 'pkcs1', cipher: 'aes-128-cbc', passphrase: 'x' })
      .toString();
    for (const privateKey of [encrypted, legacyEncrypted]) {
      await expect(
        store.add({ domain: 'shop.example', selector: 'enc', privateKey }),
      ).rejects.toThrow(
        'privateKey: the key is encrypted with a passphrase; import it unencrypted (openssl pkey -in KEY.pem -out PLAIN.pem asks for the passphrase once)',
      );
    }
    for (const type of ['spki', 'pkcs1'] as const) {
      const publicKey = pair.publicKey.export({ format: 'pem', type }).toString();
      await expect(
        store.add({ domain: 'shop.example', selector: 'pub', privateKey: publicKey }),
      ).rejects.toThrow('privateKey: this is a public key; give the private key');
    }
  });

  it('refuses the record name given as the selector or the domain, naming the part to give', async () => {
    // OpenDKIM's KeyTable and DNS providers show s1._domainkey.example.com; stored as a selector
    // its record would be s1._domainkey.example.com._domainkey.example.com, never published
    await expect(
      store.add({ domain: 'example.com', selector: 's1._domainkey.example.com' }),
    ).rejects.toThrow(
      'selector: "s1._domainkey.example.com" is the name of the DKIM record, not the selector; give only the part before ._domainkey: s1 (and the domain example.com)',
    );
    await expect(
      store.add({ domain: 's1._domainkey.example.com.', selector: 's1' }),
    ).rejects.toThrow(
      'domain: "s1._domainkey.example.com." is the name of the DKIM record, not the domain; give the domain of the From address: example.com (and the selector s1)',
    );
    // the short forms: no placeholder for the part the value does not hold
    await expect(
      store.add({ domain: 'example.com', selector: 'mail2026._domainkey' }),
    ).rejects.toThrow(
      /^selector: "mail2026\._domainkey" is the name of the DKIM record, not the selector; give only the part before \._domainkey: mail2026$/,
    );
    await expect(store.add({ domain: '_domainkey.example.com', selector: 's1' })).rejects.toThrow(
      /^domain: "_domainkey\.example\.com" is the name of the DKIM record, not the domain; give the domain of the From address: example\.com$/,
    );
    expect(await store.list()).toEqual([]);
  });

  it('accepts underscores in a selector, and its message states the rule it applies', async () => {
    // DNS allows _ in a TXT record's name; OpenDKIM signs with such selectors
    for (const selector of ['s_1', 'mail_2026', 'eu.s_1', '_s']) {
      expect(
        (await store.add({ domain: 'shop.example', selector, algorithm: 'ed25519' })).selector,
      ).toBe(selector);
    }
    const rule =
      'is not a valid selector: use only letters, digits, hyphens and underscores, in labels of 1 to 63 characters joined by dots, none starting or ending with a hyphen; e.g. mail2026';
    for (const selector of ['bad key', '-s1', 's1-', 'a..b', 'x'.repeat(64), 'ß@1']) {
      await expect(
        store.add({ domain: 'shop.example', selector, algorithm: 'ed25519' }),
      ).rejects.toThrow(`selector: ${JSON.stringify(selector)} ${rule}`);
    }
  });

  it('names the selectors a domain has when asked for one it has not', async () => {
    await store.add({ domain: 'shop.example', selector: 's1', algorithm: 'ed25519' });
    await store.add({ domain: 'shop.example', selector: 's2', algorithm: 'ed25519' });
    await expect(store.get('shop.example', 'nope')).rejects.toThrow(
      'no DKIM key for selector nope of shop.example; shop.example has selectors s1, s2',
    );
    await expect(store.setActive('other.example', 's1', false)).rejects.toThrow(
      'no DKIM key for selector s1 of other.example; other.example has no key: make one in Settings → Signing or with relaydesk dkim keygen other.example s1',
    );
  });

  it('keeps the header list of a key, which must name From', async () => {
    await expect(
      store.add({
        domain: 'shop.example',
        selector: 'h',
        algorithm: 'ed25519',
        headers: ['Subject'],
      }),
    ).rejects.toThrow('headers: must include From (RFC 6376 §5.4); add "From" to the list');
    await expect(
      store.add({
        domain: 'shop.example',
        selector: 'h',
        algorithm: 'ed25519',
        headers: ['From', 'Bad:Name'],
      }),
    ).rejects.toThrow('headers: "Bad:Name" is not a header field name');
    const key = await store.add({
      domain: 'shop.example',
      selector: 'h',
      algorithm: 'ed25519',
      headers: ['From', 'Subject', 'X-Campaign'],
    });
    await store.markPublished('shop.example', 'h');
    expect(key.headers).toEqual(['From', 'Subject', 'X-Campaign']);
    expect((await store.signingKeys('shop.example'))[0]?.headerFields).toEqual([
      'From',
      'Subject',
      'X-Campaign',
    ]);
    const plain = await store.add({ domain: 'shop.example', selector: 'd', algorithm: 'ed25519' });
    expect(plain.headers).toEqual(
      expect.arrayContaining(['From', 'List-Unsubscribe-Post', 'Feedback-ID']),
    );
  });

  it('signs with active keys of the From domain or its closest parent; retired and removed keys do not sign', async () => {
    await addSigning(store, { domain: 'shop.example', selector: 'a', algorithm: 'ed25519' });
    await addSigning(store, { domain: 'shop.example', selector: 'b', algorithm: 'ed25519' });
    await addSigning(store, { domain: 'news.shop.example', selector: 'n', algorithm: 'ed25519' });
    const selectors = async (domain: string) =>
      (await store.signingKeys(domain)).map((k) => `${k.domain}/${k.selector}`);
    expect(await selectors('shop.example')).toEqual(['shop.example/a', 'shop.example/b']);
    expect(await selectors('mail.shop.example')).toEqual(['shop.example/a', 'shop.example/b']);
    expect(await selectors('news.shop.example')).toEqual(['news.shop.example/n']);
    expect(await selectors('other.example')).toEqual([]);
    await store.setActive('shop.example', 'a', false);
    expect(await selectors('shop.example')).toEqual(['shop.example/b']);
    await store.remove('shop.example', 'b');
    expect(await selectors('shop.example')).toEqual([]);
    expect((await readdir(join(dir, 'dkim', 'private'))).sort()).toEqual([
      'news.shop.example_n.pem',
      'shop.example_a.pem',
    ]);
    // another process (relaydesk dkim keygen) adds a key: this store sees it
    const other = new DkimKeyStore(
      join(dir, 'dkim'),
      new OwnerOnlyFileVault(join(dir, 'dkim', 'private')),
    );
    await addSigning(other, { domain: 'shop.example', selector: 'c', algorithm: 'ed25519' });
    expect(await selectors('shop.example')).toEqual(['shop.example/c']);
    // private keys are kept between messages, but never past a change of the list: a selector
    // removed and added again by the other process signs with its new key
    const first = (await store.signingKeys('shop.example'))[0]?.privateKey;
    await other.remove('shop.example', 'c');
    const replaced = pem('ed25519');
    await addSigning(other, { domain: 'shop.example', selector: 'c', privateKey: replaced });
    expect(replaced).not.toBe(first);
    expect((await store.signingKeys('shop.example'))[0]?.privateKey).toBe(replaced);
  });

  it('a new key waits for DNS: it signs once its record is found or the user says so', async () => {
    const added = await store.add({
      domain: 'shop.example',
      selector: 'new',
      algorithm: 'ed25519',
    });
    expect(added).toMatchObject({ active: false, waitingForDns: true });
    expect(await store.hasActiveKeys()).toBe(false);
    expect(await store.signingKeys('shop.example')).toEqual([]);
    expect(await store.markPublished('shop.example', 'new')).toMatchObject({
      active: true,
      waitingForDns: false,
    });
    expect((await store.signingKeys('shop.example')).map((k) => k.selector)).toEqual(['new']);
    // a retired selector whose record is still published is not started again by a check
    await store.setActive('shop.example', 'new', false);
    expect(await store.markPublished('shop.example', 'new')).toBeNull();
    expect(await store.signingKeys('shop.example')).toEqual([]);
    // the user's word: "it is published"
    await store.add({ domain: 'shop.example', selector: 'told', algorithm: 'ed25519' });
    expect(await store.setActive('shop.example', 'told', true)).toMatchObject({
      active: true,
      waitingForDns: false,
    });
    // a list written before keys waited for DNS: its active keys go on signing
    const file = join(dir, 'dkim', 'keys.json');
    const list = JSON.parse(await readFile(file, 'utf8')) as Array<Record<string, unknown>>;
    await writeFile(file, JSON.stringify(list.map(({ waitingForDns: _w, ...k }) => k)));
    const older = new DkimKeyStore(
      join(dir, 'dkim'),
      new OwnerOnlyFileVault(join(dir, 'dkim', 'private')),
    );
    expect((await older.list()).map((k) => [k.selector, k.active, k.waitingForDns])).toEqual([
      ['new', false, false],
      ['told', true, false],
    ]);
  });

  it('says so when an active key has lost its private key, and signs with the others', async () => {
    await addSigning(store, { domain: 'shop.example', selector: 'gone', algorithm: 'ed25519' });
    await addSigning(store, { domain: 'shop.example', selector: 'kept', algorithm: 'ed25519' });
    // the data folder copied without dkim/private, or the file deleted by hand
    await rm(join(dir, 'dkim', 'private', 'shop.example_gone.pem'));
    const fresh = new DkimKeyStore(
      join(dir, 'dkim'),
      new OwnerOnlyFileVault(join(dir, 'dkim', 'private')),
    );
    const problems: string[] = [];
    const keys = await fresh.signingKeys('shop.example', (problem) => problems.push(problem));
    expect(keys.map((k) => k.selector)).toEqual(['kept']);
    expect(problems).toEqual([
      'the private key of selector gone of shop.example is missing from the key store, so it does not sign; import the key again under a new selector, or remove this one',
    ]);
    // the list (API, CLI, Settings) says it cannot sign, not that it is signing
    expect((await fresh.list()).map((k) => [k.selector, k.active, k.cannotSign ?? null])).toEqual([
      ['gone', true, problems[0]],
      ['kept', true, null],
    ]);
  });

  it('a damaged or swapped key file stops only its own selector signing, and says which', async () => {
    await addSigning(store, { domain: 'shop.example', selector: 'bad', algorithm: 'ed25519' });
    await addSigning(store, { domain: 'shop.example', selector: 'swap', algorithm: 'ed25519' });
    await addSigning(store, { domain: 'shop.example', selector: 'good' });
    const folder = join(dir, 'dkim', 'private');
    // overwritten by hand, and another key's file copied over this one's
    await writeFile(join(folder, 'shop.example_bad.pem'), 'garbage\n');
    await writeFile(join(folder, 'shop.example_swap.pem'), pem('ed25519'));
    const fresh = new DkimKeyStore(join(dir, 'dkim'), new OwnerOnlyFileVault(folder));
    const logged: string[] = [];
    const signing = new DkimSigning(fresh, new DnsResolver({ servers: [] }), (line) =>
      logged.push(line),
    );
    const message = Buffer.from(
      'From: Shop <news@shop.example>\r\nTo: a@example.net\r\nSubject: s\r\n\r\nbody\r\n',
    );
    // one bad file made every message of the domain go out unsigned, with OpenSSL's words
    const signed = await signing.sign(message, new Date());
    expect(signed.signatures.map((sig) => sig.selector)).toEqual(['good']);
    expect(signed.raw.toString()).toMatch(/^DKIM-Signature: [^]*?\bs=good;/);
    const damaged =
      'the private key file of selector bad of shop.example is damaged (it no longer reads as a private key), so it does not sign; import the key again under a new selector, or remove this one';
    const swapped =
      'the private key file of selector swap of shop.example holds another key than the one its record publishes, so it does not sign; put the right file back, or remove this selector and make a new one';
    expect(logged).toEqual([`dkim: ${damaged}`, `dkim: ${swapped}`]);
    expect((await fresh.list()).map((k) => [k.selector, k.active, k.cannotSign ?? null])).toEqual([
      ['bad', true, damaged],
      ['good', true, null],
      ['swap', true, swapped],
    ]);
    // with no other key left, the mail goes unsigned and the delivery says why
    await fresh.setActive('shop.example', 'good', false);
    expect((await signing.sign(message, new Date())).unsigned).toBe(`${damaged}; ${swapped}`);
  });
});
