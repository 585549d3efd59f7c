// `relaydesk dkim keygen|import|list|check|confirm|remove`: DKIM keys in the data folder, from the command line (the
// running relay sees a new key at once: it re-reads the list when it changes).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { DnsResolver } from '../core/dns/dns-resolver.js';
import { DkimKeyError } from '../core/signing/dkim-key.js';
import { DkimSigning } from '../core/signing/dkim-signing.js';
import { binaryKeyFileAdvice, isBinaryKeyFile } from '../core/signing/key-file-kind.js';
import { DkimKeyNotFound, DkimKeyStore } from '../core/signing/key-store.js';
import type { DkimKeyInfo, DkimKeyRemoval } from '../../preload/auth-contract.js';
import { domainWithDnsForm, selectorWord } from '../../preload/dkim-words.js';
import { OwnerOnlyFileVault } from '../core/signing/key-vault.js';
import { defaultDataDir, resolveSettings } from '../core/settings/settings-sources.js';
import { SettingsError } from '../core/settings/settings-schema.js';

const usage = `Usage: relaydesk dkim <keygen|import|list|check|confirm|remove> [DOMAIN SELECTOR [FILE]] [flags]

  keygen DOMAIN SELECTOR   generate a key for a new selector, store it, print the TXT record;
                           it signs nothing until the record is published (check or confirm)
                           (--algorithm rsa|ed25519, default rsa: RSA-2048)
  import DOMAIN SELECTOR FILE
                           store an existing private key (PEM: OpenDKIM's KeyTable file such
                           as /etc/opendkim/keys/example.com/mail.private, or PKCS#8; RSA of
                           1024+ bits or Ed25519) as a new selector, print the TXT record; it
                           signs once the record is found published (check) or confirmed
  list                     the keys, signing or not or waiting for DNS, with the record each needs
  check DOMAIN SELECTOR    look the record up in DNS and say whether it matches the key; a key
                           waiting for DNS starts signing when it does
                           (--dns-servers LIST, default the system resolvers)
  confirm DOMAIN SELECTOR  say the record is published: the key signs from now on, unchecked
  remove DOMAIN SELECTOR   delete the selector and its private key file, without asking (the
                           key cannot be recovered); says whether the domain's mail still signs

  --data DIR     the data folder (default: RELAYDESK_DATA, else ${defaultDataDir()})
`;

export function keyStoreIn(dataDir: string): DkimKeyStore {
  return new DkimKeyStore(
    join(dataDir, 'dkim'),
    new OwnerOnlyFileVault(join(dataDir, 'dkim', 'private')),
  );
}

export async function runDkimCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        data: { type: 'string' },
        algorithm: { type: 'string' },
        'dns-servers': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`relaydesk dkim: ${(err as Error).message.split('\n')[0]}\n${usage}`);
    return 2;
  }
  const [action, domain, selector, ...rest] = parsed.positionals;
  // import alone takes a third argument, the key file
  const keyFile = action === 'import' ? rest[0] : undefined;
  const extra = action === 'import' ? rest.slice(1) : rest;
  if (parsed.values.help || action === undefined) {
    process.stdout.write(usage);
    return parsed.values.help ? 0 : 2;
  }
  const needsSelector = ['keygen', 'import', 'check', 'confirm', 'remove'].includes(action);
  if (
    !['keygen', 'import', 'list', 'check', 'confirm', 'remove'].includes(action) ||
    (needsSelector && (!domain || !selector)) ||
    (action === 'import' && !keyFile) ||
    extra.length > 0
  ) {
    const needs = action === 'import' ? 'DOMAIN, SELECTOR and FILE' : 'DOMAIN and SELECTOR';
    process.stderr.write(
      `relaydesk dkim: ${needsSelector ? `${action} needs ${needs}` : `${action}: unknown action`}\n${usage}`,
    );
    return 2;
  }
  const algorithm = parsed.values.algorithm ?? 'rsa';
  if (algorithm !== 'rsa' && algorithm !== 'ed25519') {
    process.stderr.write(
      `relaydesk dkim: --algorithm: ${JSON.stringify(algorithm)} is not valid; use rsa (RSA-2048) or ed25519\n`,
    );
    return 2;
  }
  const dataDir = resolve(parsed.values.data ?? (process.env.RELAYDESK_DATA || defaultDataDir()));
  const store = keyStoreIn(dataDir);
  try {
    if (action === 'keygen') {
      const key = await store.add({
        domain: domain as string,
        selector: selector as string,
        algorithm,
      });
      process.stdout.write(
        `stored the ${key.algorithm === 'rsa' ? 'RSA-2048' : 'Ed25519'} key of selector ${key.selector} for ${domainWithDnsForm(key)} in ${join(dataDir, 'dkim', 'private')}\n` +
          recordToPublish(key),
      );
      await noteEd25519Only(store, key);
    } else if (action === 'import') {
      const pem = await readKeyFile(keyFile as string);
      // the API's checks and words (an encrypted, short or non-DKIM key, a certificate, the DNS
      // record given for the key…), naming the file where the API names its privateKey field
      const key = await store.add(
        { domain: domain as string, selector: selector as string, privateKey: pem },
        keyFile,
      );
      const kind = key.algorithm === 'rsa' ? `RSA-${key.bits ?? '?'}` : 'Ed25519';
      process.stdout.write(
        `imported the ${kind} key of ${keyFile} as selector ${key.selector} for ${domainWithDnsForm(key)} into ${join(dataDir, 'dkim', 'private')} (the file itself is left as it was)\n` +
          recordToPublish(key),
      );
      await noteEd25519Only(store, key);
    } else if (action === 'list') {
      const keys = await store.list();
      // an empty list is most often the wrong data folder (--data forgotten): say which one
      if (keys.length === 0) process.stderr.write(`relaydesk dkim: ${noKeysIn(dataDir)}\n`);
      for (const key of keys) {
        const state = key.cannotSign
          ? 'cannot sign'
          : key.waitingForDns
            ? 'waiting for DNS'
            : key.active
              ? 'active'
              : 'inactive';
        if (key.cannotSign) process.stderr.write(`relaydesk dkim: ${key.cannotSign}\n`);
        if (key.ed25519Only) process.stderr.write(`relaydesk dkim: ${key.ed25519Only}\n`);
        // an IDN domain as Settings shows it, its A-labels beside it: `xn--bcher-kva.example`
        // alone did not say which domain it was; the commands accept either form
        process.stdout.write(
          `${domainWithDnsForm(key)}\t${key.selector}\t${key.algorithm}\t${state}\t${key.record.name}\t${key.record.value}\n`,
        );
      }
    } else if (action === 'remove') {
      // scripts run this: it does not ask, but says what is gone and what it means for the mail
      const key = await store.get(domain as string, selector as string);
      const removal = await store.remove(key.domain, key.selector);
      process.stdout.write(
        `removed selector ${key.selector} of ${key.domain} and deleted its private key file (it cannot be recovered); its TXT record at ${key.record.name} can go from DNS once the mail it signed has been delivered\n` +
          signingAfterRemoval(removal),
      );
    } else if (action === 'confirm') {
      const key = await store.setActive(domain as string, selector as string, true);
      process.stdout.write(
        `selector ${key.selector} of ${key.domain} signs from now on; check its record with: relaydesk dkim check ${key.domain} ${key.selector}\n`,
      );
    } else {
      const settings = resolveSettings({
        env: process.env,
        flags:
          parsed.values['dns-servers'] !== undefined
            ? { '--dns-servers': parsed.values['dns-servers'] }
            : {},
      });
      const signing = new DkimSigning(
        store,
        new DnsResolver({ servers: settings.dnsServers }),
        () => undefined,
      );
      const check = await signing.checkDns(domain as string, selector as string);
      process.stdout.write(`${check.name}\t${check.status}\t${check.reason}\n`);
      if (check.activated) {
        process.stdout.write(
          `selector ${selector} of ${domain} was waiting for DNS: it signs from now on\n`,
        );
      } else if (check.status !== 'match') {
        const key = await store.get(domain as string, selector as string);
        if (key.waitingForDns) {
          process.stdout.write(
            `not signing yet, waiting for DNS: publish this TXT record at ${key.record.name}, then check again\n`,
          );
        }
      }
      return check.status === 'match' ? 0 : 1;
    }
    return 0;
  } catch (err) {
    if (
      err instanceof SettingsError ||
      err instanceof DkimKeyError ||
      err instanceof DkimKeyNotFound
    ) {
      const where = err instanceof DkimKeyNotFound ? ` (${keysOf(dataDir)})` : '';
      process.stderr.write(`relaydesk dkim: ${err.message}${where}\n`);
      return err instanceof SettingsError ? 2 : 1;
    }
    throw err;
  }
}

/**
 * What signs the domain's mail once the key is gone: the last signing key of a domain leaves
 * its mail unsigned, which a DMARC policy at the receiver may then reject or junk.
 */
function signingAfterRemoval(removal: DkimKeyRemoval): string {
  const { domain } = removal.removed;
  const selectors = removal.signingKeys.map((k) => k.selector).join(', ');
  switch (removal.signing) {
    case 'unchanged':
      return '';
    case 'unsigned':
      return `mail from ${domain} now goes out unsigned (DMARC may fail at receivers): it was the domain's only signing key; make a new one with relaydesk dkim keygen ${domain} SELECTOR\n`;
    case 'still-signed':
      return `mail from ${domain} is still signed, with ${selectorWord(removal)} ${selectors}\n`;
    case 'parent-signs':
      return `mail from ${domain} is now signed with the key of ${removal.signingKeys[0]?.domain ?? ''} (${selectorWord(removal)} ${selectors})\n`;
  }
}

/** After keygen or import: an Ed25519 key alone does not pass DKIM at many receivers. */
async function noteEd25519Only(store: DkimKeyStore, added: DkimKeyInfo): Promise<void> {
  const key = await store.get(added.domain, added.selector);
  if (key.ed25519Only) process.stdout.write(`\nnote: ${key.ed25519Only}\n`);
}

/**
 * A new key waits for its record: mail signed before the record can be looked up fails DKIM at
 * the receiver. So the first thing said is that it does not sign yet, and what ends the wait.
 */
function recordToPublish(key: DkimKeyInfo): string {
  return (
    `not signing yet, waiting for DNS: publish this TXT record at ${key.record.name}, then run: relaydesk dkim check ${key.domain} ${key.selector}\n` +
    `(it signs once the check finds the record; if it is published already and DNS here cannot see it: relaydesk dkim confirm ${key.domain} ${key.selector})\n\n` +
    `name:  ${key.record.name}\nvalue: ${key.record.value}\n\nzone file:\n${key.record.zoneLine}\n`
  );
}

/** The most a key file may hold: the API's limit on privateKey (an RSA-4096 PEM is ~3.3 kB). */
const maxKeyFileBytes = 20_000;

/** The file's text, or an error naming the file, what is wrong and the fix. */
async function readKeyFile(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new DkimKeyError(
      `${file}: cannot read it (${code}); give the PEM private key file, e.g. OpenDKIM's /etc/opendkim/keys/example.com/mail.private`,
    );
  }
  if (bytes.length > maxKeyFileBytes) {
    throw new DkimKeyError(
      `${file}: ${bytes.length} bytes is too big for a private key (at most ${maxKeyFileBytes}); give the PEM private key file itself`,
    );
  }
  // a DER file read as text is mojibake: look at its bytes to name the command that converts it
  if (isBinaryKeyFile(bytes)) throw new DkimKeyError(`${file}: ${binaryKeyFileAdvice(bytes)}`);
  return bytes.toString('utf8');
}

/** The folder the keys were read from, and how to read another: the relay's own is --data DIR. */
function keysOf(dataDir: string): string {
  return `the keys of the data folder ${dataDir}; give --data DIR (or RELAYDESK_DATA) for the folder relaydesk serve uses`;
}

function noKeysIn(dataDir: string): string {
  return `no DKIM keys in the data folder ${dataDir}; give --data DIR (or RELAYDESK_DATA) for the folder relaydesk serve uses, or make one with relaydesk dkim keygen DOMAIN SELECTOR`;
}
