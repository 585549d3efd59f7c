// `relaydesk dkim keygen|list|check|confirm|remove`: DKIM keys in the data folder, from the command line (the
// running relay sees a new key at once: it re-reads the list when it changes).
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { DnsResolver } from '../core/dns/dns-resolver.js';
import { DkimKeyError } from '../core/signing/dkim-key.js';
import { DkimSigning } from '../core/signing/dkim-signing.js';
import { DkimKeyNotFound, DkimKeyStore, type DkimKeyInfo } from '../core/signing/key-store.js';
import { OwnerOnlyFileVault } from '../core/signing/key-vault.js';
import { defaultDataDir, resolveSettings } from '../core/settings/settings-sources.js';
import { SettingsError } from '../core/settings/settings-schema.js';

const usage = `Usage: relaydesk dkim <keygen|list|check|confirm|remove> [DOMAIN SELECTOR] [flags]

  keygen DOMAIN SELECTOR   generate a key for a new selector, store it, print the TXT record;
                           it signs nothing until the record is published (check or confirm)
                           (--algorithm rsa|ed25519, default rsa: RSA-2048)
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
  const [action, domain, selector, ...extra] = parsed.positionals;
  if (parsed.values.help || action === undefined) {
    process.stdout.write(usage);
    return parsed.values.help ? 0 : 2;
  }
  const needsSelector = ['keygen', 'check', 'confirm', 'remove'].includes(action);
  if (
    !['keygen', 'list', 'check', 'confirm', 'remove'].includes(action) ||
    (needsSelector && (!domain || !selector)) ||
    extra.length > 0
  ) {
    process.stderr.write(
      `relaydesk dkim: ${needsSelector ? `${action} needs DOMAIN and SELECTOR` : `${action}: unknown action`}\n${usage}`,
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
      // mail signed before the record can be looked up fails DKIM at the receiver, so the key
      // waits; the first thing said is that it does not sign yet, and what ends the wait
      process.stdout.write(
        `stored the ${key.algorithm === 'rsa' ? 'RSA-2048' : 'Ed25519'} key of selector ${key.selector} for ${key.domain} in ${join(dataDir, 'dkim', 'private')}\n` +
          `not signing yet, waiting for DNS: publish this TXT record at ${key.record.name}, then run: relaydesk dkim check ${key.domain} ${key.selector}\n` +
          `(it signs once the check finds the record; if it is published already and DNS here cannot see it: relaydesk dkim confirm ${key.domain} ${key.selector})\n\n` +
          `name:  ${key.record.name}\nvalue: ${key.record.value}\n\nzone file:\n${key.record.zoneLine}\n`,
      );
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
        process.stdout.write(
          `${key.domain}\t${key.selector}\t${key.algorithm}\t${state}\t${key.record.name}\t${key.record.value}\n`,
        );
      }
    } else if (action === 'remove') {
      // scripts run this: it does not ask, but says what is gone and what it means for the mail
      const key = await store.get(domain as string, selector as string);
      await store.remove(key.domain, key.selector);
      process.stdout.write(
        `removed selector ${key.selector} of ${key.domain} and deleted its private key file (it cannot be recovered); its TXT record at ${key.record.name} can go from DNS once the mail it signed has been delivered\n` +
          (await signingAfterRemoval(store, key)),
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
 * What signs the domain's mail once `removed` is gone: the last signing key of a domain leaves
 * its mail unsigned, which a DMARC policy at the receiver may then reject or junk.
 */
async function signingAfterRemoval(store: DkimKeyStore, removed: DkimKeyInfo): Promise<string> {
  if (!removed.active || removed.cannotSign) return '';
  const left = await store.signingKeys(removed.domain);
  if (left.length === 0) {
    return `mail from ${removed.domain} now goes out unsigned (DMARC may fail at receivers): it was the domain's only signing key; make a new one with relaydesk dkim keygen ${removed.domain} SELECTOR\n`;
  }
  const selectors = left.map((k) => k.selector).join(', ');
  const domain = left[0]?.domain ?? removed.domain;
  return domain === removed.domain
    ? `mail from ${removed.domain} is still signed, with selector ${selectors}\n`
    : `mail from ${removed.domain} is now signed with the key of ${domain} (selector ${selectors})\n`;
}

/** The folder the keys were read from, and how to read another: the relay's own is --data DIR. */
function keysOf(dataDir: string): string {
  return `the keys of the data folder ${dataDir}; give --data DIR (or RELAYDESK_DATA) for the folder relaydesk serve uses`;
}

function noKeysIn(dataDir: string): string {
  return `no DKIM keys in the data folder ${dataDir}; give --data DIR (or RELAYDESK_DATA) for the folder relaydesk serve uses, or make one with relaydesk dkim keygen DOMAIN SELECTOR`;
}
