// The DKIM keys of each sending domain: which selectors exist, which are active (signing), and
// the record each needs in DNS. Several active selectors of one domain all sign, so a rotation
// overlaps: add the new selector, publish it, let both sign, then retire the old one.
// The list (no secrets) is `dkim/keys.json`; private keys go to the vault.
import { NotFoundError } from '../caller-error.js';
import { createPublicKey } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { domainToASCII, domainToUnicode } from 'node:url';
import { makeFolder, writeFilesDurably } from '../spool/durable-file.js';
import {
  DkimKeyError,
  generateDkimKey,
  publicKeyValue,
  readPrivateKey,
  type DkimAlgorithm,
} from './dkim-key.js';
import { dkimRecord } from './dkim-record.js';
import { binaryKeyFileAdvice, isBinaryKeyFile } from './key-file-kind.js';
import type { DkimKeyInfo, DkimKeyInput, DkimKeyRemoval } from '../../../preload/auth-contract.js';
import { keyRemoval } from './key-removal.js';
import { noKeyForDomainWords } from '../../../preload/dkim-words.js';
import type { PrivateKeyVault } from './key-vault.js';
import { signedHeaderFields } from './dkim-signer.js';

export type { DkimKeyInfo } from '../../../preload/auth-contract.js';

export interface SigningKey {
  domain: string;
  selector: string;
  algorithm: DkimAlgorithm;
  privateKey: string;
  /** The header fields this key signs; the default set when absent. */
  headerFields?: readonly string[];
}

/** RFC 5322 §3.6.8 field names: printable ASCII without the colon. */
const fieldName = /^[!-9;-~]{1,76}$/;

/** The header list of a key, checked: field names, From among them (RFC 6376 §5.4 requires it). */
export function checkHeaderFields(fields: readonly string[] | undefined): string[] | undefined {
  if (fields === undefined) return undefined;
  // every problem of the list at once, one a line (the form shows them so): a bad name and a
  // missing From are two fixes, and the second should not wait for the next try
  const problems: string[] = [];
  // "From,Subject" given as one string (the API turns a string into a list of one): no real
  // field has a comma in its name, and "must include From" would not say what went wrong
  for (const commas of fields.filter((f) => f.includes(','))) {
    problems.push(
      `headers: ${JSON.stringify(commas)} is one name with commas in it; give each field as its own item, e.g. ["From", "Subject"]`,
    );
  }
  for (const bad of fields.filter((f) => !f.includes(',') && !fieldName.test(f))) {
    problems.push(
      `headers: ${JSON.stringify(bad)} is not a header field name; give names such as Subject or List-Unsubscribe`,
    );
  }
  const named = fields.some((f) => f.toLowerCase() === 'from');
  // a list of one name with commas most likely holds From: the comma is the fix, not From
  if (!named && !fields.some((f) => /(^|,)\s*from\s*(,|$)/i.test(f))) {
    problems.push('headers: must include From (RFC 6376 §5.4); add "From" to the list');
  }
  if (problems.length > 0) throw new DkimKeyError(problems.join('\n'));
  return [...new Set(fields)];
}

/** A key named in the settings: `--dkim-domain D --dkim-selector S --dkim-key FILE`. */
export interface DkimSettingsKey {
  domain: string;
  selector: string;
  keyFile: string;
}

type StoredKey = Omit<DkimKeyInfo, 'record' | 'waitingForDns' | 'domainUnicode'> & {
  publicKey: string;
  waitingForDns?: boolean;
};

const label = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** The domain in lower-case A-labels, or an error naming the value. */
export function signingDomain(domain: string): string {
  const ascii = domainToASCII(domain.trim().replace(/\.$/, '')).toLowerCase();
  if (!ascii || !ascii.includes('.') || !ascii.split('.').every((l) => label.test(l))) {
    throw new DkimKeyError(
      `domain: ${JSON.stringify(domain)} is not a domain name; give the domain of the From address, e.g. example.com`,
    );
  }
  return ascii;
}

/**
 * A domain or selector given as the record's name (`s1._domainkey.example.com`, as OpenDKIM's
 * KeyTable and the DNS provider's form show it) is refused: it is a valid DNS name, so it would
 * be stored, and the key's record would then be `s1._domainkey.example.com._domainkey.example.com`
 * (or the mail signed with an s= no receiver can look up), which nobody ever publishes.
 */
export function refuseRecordName(field: 'domain' | 'selector', value: string): void {
  const labels = value.trim().replace(/\.$/, '').toLowerCase().split('.');
  const at = labels.indexOf('_domainkey');
  if (at < 0) return;
  const selector = labels.slice(0, at).join('.');
  const domain = labels.slice(at + 1).join('.');
  // the other part is named only when the value holds it: "mail2026._domainkey" as the selector
  // read "(and the domain DOMAIN)" beside a domain field already filled in
  throw new DkimKeyError(
    field === 'selector'
      ? `selector: ${JSON.stringify(value)} is the name of the DKIM record, not the selector; give only the part before ._domainkey${selector ? `: ${selector}` : ''}${domain ? ` (and the domain ${domain})` : ''}`
      : `domain: ${JSON.stringify(value)} is the name of the DKIM record, not the domain; give the domain of the From address${domain ? `: ${domain}` : ', the part after ._domainkey'}${selector ? ` (and the selector ${selector})` : ''}`,
  );
}

/**
 * RFC 6376 §3.1: a selector is one or more dot-separated labels. Its grammar borrows RFC 5321's
 * host-name labels (letters, digits, hyphens), but the selector only ever names a TXT record,
 * and DNS allows an underscore there (RFC 2181 §11; the record's own _domainkey has one).
 * Selectors such as s_1 or mail_2026 are published in practice, OpenDKIM signs with them and
 * receivers look them up, and keys stored since the store began may have one: so an underscore
 * is allowed, and the message says so.
 */
const selectorLabel = label;

export function checkSelector(selector: string): string {
  const s = selector.trim();
  if (!s || !s.split('.').every((l) => selectorLabel.test(l))) {
    throw new DkimKeyError(
      `selector: ${JSON.stringify(selector)} is not a valid selector: use only letters, digits, hyphens and underscores, in labels of 1 to 63 characters joined by dots, none starting or ending with a hyphen; e.g. mail2026`,
    );
  }
  return s.toLowerCase();
}

/** The value `check` returns, or undefined with its DkimKeyError's lines added to `problems`. */
function collectProblem<T>(problems: string[], check: () => T): T | undefined {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof DkimKeyError)) throw err;
    problems.push(...err.message.split('\n'));
    return undefined;
  }
}

export class DkimKeyStore {
  private keys: StoredKey[] = [];
  private readonly fromSettings: Array<SigningKey & { createdAt: string; publicKey: string }> = [];
  private loaded = false;
  /** When keys.json last changed as we read it: `relaydesk dkim keygen` may add a key meanwhile. */
  private listChangedAt = 0;
  private readonly listFile: string;
  /** Private keys read from the vault, by vault name: read once, not for every message. */
  private readonly pems = new Map<string, string>();

  constructor(
    private readonly folder: string,
    private readonly vault: PrivateKeyVault,
  ) {
    this.listFile = join(folder, 'keys.json');
  }

  /** Reads the list, and the key files the settings name (an unreadable one stops the start). */
  async load(settingsKeys: readonly DkimSettingsKey[] = []): Promise<void> {
    await this.readList();
    for (const entry of settingsKeys) {
      let bytes: Buffer;
      try {
        bytes = await readFile(entry.keyFile);
      } catch (err) {
        throw new DkimKeyError(
          `--dkim-key: cannot read ${JSON.stringify(entry.keyFile)} (${(err as NodeJS.ErrnoException).code ?? 'error'}); give the PEM private key of selector ${entry.selector} of ${entry.domain}`,
        );
      }
      // a DER file read as text is mojibake: look at its bytes to name the command that converts it
      if (isBinaryKeyFile(bytes)) {
        throw new DkimKeyError(`--dkim-key ${entry.keyFile}: ${binaryKeyFileAdvice(bytes)}`);
      }
      const pem = bytes.toString('utf8');
      refuseRecordName('domain', entry.domain);
      refuseRecordName('selector', entry.selector);
      const { algorithm } = readPrivateKey(pem, `--dkim-key ${entry.keyFile}`);
      await refuseReadableByOthers(entry);
      this.fromSettings.push({
        domain: signingDomain(entry.domain),
        selector: checkSelector(entry.selector),
        algorithm,
        privateKey: pem,
        createdAt: new Date().toISOString(),
        publicKey: publicKeyValue(pem),
      });
    }
    this.loaded = true;
  }

  private async readList(): Promise<void> {
    try {
      // runs for every relayed message: a stat of one small file is cheaper done here than as
      // a trip through libuv's thread pool, which the spool's writes are waiting for; and most
      // relays have no list, where an ENOENT error with its stack cost more than the stat
      // (0: there is no list)
      const changedAt = statSync(this.listFile, { throwIfNoEntry: false })?.mtimeMs ?? 0;
      if (changedAt === this.listChangedAt) return;
      this.keys =
        changedAt === 0 ? [] : (JSON.parse(await readFile(this.listFile, 'utf8')) as StoredKey[]);
      this.listChangedAt = changedAt;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.keys = [];
    }
    // another process (`relaydesk dkim keygen`) changed the list: read keys again when used
    this.pems.clear();
  }

  /** Whether any key signs at all: most relays sign nothing, and then nothing is parsed. */
  async hasActiveKeys(): Promise<boolean> {
    await this.ensureLoaded();
    return this.fromSettings.length > 0 || this.keys.some((k) => k.active);
  }

  /**
   * Why mail from the From domain `readFromDomain` gives goes out unsigned although keys are set
   * up, in words, or null when no key is set up at all (then nothing is expected to sign). Read
   * from the list as `hasActiveKeys` or `signingKeys` just read it (no second stat of its file
   * per relayed message), and no key file: a key whose file is gone is said by `signingKeys`.
   */
  whyUnsigned(readFromDomain: () => string | null): string | null {
    const all = [
      ...this.fromSettings.map((k) => ({ ...k, active: true, waitingForDns: false })),
      ...this.keys,
    ];
    // most relays have no key: their messages' From is not even parsed
    if (all.length === 0) return null;
    const fromDomain = readFromDomain();
    if (!fromDomain) return 'the message has no From address whose domain a key could sign for';
    let domain: string;
    try {
      domain = signingDomain(fromDomain);
    } catch {
      return `the From domain ${fromDomain} is not a domain name a key can sign for`;
    }
    // domains in the words as people write them (the Delivery tab shows these), the record's
    // name and the command's argument in A-labels, as DNS and a shell take them
    // the domain itself, else its closest parent with keys, as signingKeys looks
    for (const candidate of domainAndParents(domain)) {
      const own = all.filter((k) => k.domain === candidate);
      if (own.length === 0) continue;
      const waiting = own.filter((k) => k.waitingForDns);
      if (waiting.length > 0) {
        const names = waiting.map((k) => `${k.selector}._domainkey.${k.domain}`).join(', ');
        return `the key of ${shownDomain(candidate)} waits for DNS: publish its TXT record at ${names}, then Check DNS (or say it is published)`;
      }
      return `the keys of ${shownDomain(candidate)} are turned off (selector ${own.map((k) => k.selector).join(', ')}); turn one on in Settings → Signing`;
    }
    const domains = [...new Set(all.map((k) => shownDomain(k.domain)))].sort().join(', ');
    const shown = shownDomain(domain);
    return noKeyForDomainWords(shown, domains, domain);
  }

  private async ensureLoaded(): Promise<void> {
    if (!this.loaded) await this.load();
    else await this.readList();
  }

  private async saveList(): Promise<void> {
    await makeFolder(this.folder);
    await writeFilesDurably([{ path: this.listFile, data: JSON.stringify(this.keys, null, 2) }]);
    this.listChangedAt = (await stat(this.listFile)).mtimeMs;
  }

  private info(key: StoredKey): DkimKeyInfo {
    const { publicKey, ...rest } = key;
    return {
      ...rest,
      // an A-label that does not decode (xn--zz) is shown as it is
      domainUnicode: shownDomain(key.domain),
      // keys listed before keys waited for DNS have no such field: they were signing already
      waitingForDns: key.waitingForDns === true,
      ...(key.algorithm === 'rsa' ? { bits: rsaBits(publicKey) } : {}),
      record: dkimRecord(key.domain, key.selector, key.algorithm, publicKey),
    };
  }

  async list(): Promise<DkimKeyInfo[]> {
    await this.ensureLoaded();
    const settings = this.fromSettings.map(({ privateKey: _secret, ...key }) =>
      // a key file named in the settings is the user's word that its record is published
      this.info({ ...key, active: true, source: 'settings', headers: [...signedHeaderFields] }),
    );
    const stored = await Promise.all(
      this.keys.map(async (k) => {
        // the log says it once when mail goes unsigned; the list, the CLI and Settings must not
        // go on calling such a key "signing"
        // read afresh, not from the cache: a file deleted since it was read is seen, and
        // dropped from the cache so signing agrees with what the list says
        const name = vaultName(k.domain, k.selector);
        const pem = await this.vault.read(name).catch((err: NodeJS.ErrnoException) => err);
        const cannotSign =
          pem === null
            ? missingPrivateKey(shownDomain(k.domain), k.selector)
            : typeof pem === 'string'
              ? damagedPrivateKey(k, pem)
              : `the private key of selector ${k.selector} of ${k.domain} cannot be read (${pem.code ?? pem.message}); give the file back to the user Relaydesk runs as (chmod 600), or remove this selector`;
        if (!cannotSign) return this.info(k);
        this.pems.delete(name);
        return { ...this.info(k), cannotSign };
      }),
    );
    const all = [...settings, ...stored];
    // an RSA key that signs or will once its record is found counts; a retired one does not
    const rsaDomains = new Set(
      all
        .filter((k) => k.algorithm === 'rsa' && !k.cannotSign && (k.active || k.waitingForDns))
        .map((k) => k.domain),
    );
    return all
      .map((k) =>
        k.algorithm === 'ed25519' && !rsaDomains.has(k.domain)
          ? { ...k, ed25519Only: ed25519OnlyNote(k.domainUnicode) }
          : k,
      )
      .sort((a, b) => a.domain.localeCompare(b.domain) || a.selector.localeCompare(b.selector));
  }

  async get(domain: string, selector: string): Promise<DkimKeyInfo> {
    const d = signingDomain(domain);
    const s = checkSelector(selector);
    const keys = await this.list();
    const found = keys.find((k) => k.domain === d && k.selector === s);
    if (!found) throw keyNotFound(d, s, keys);
    return found;
  }

  /**
   * Generates a key (or stores `privateKey`, an imported PEM) as a new selector that waits for
   * DNS: mail signed before its record is published fails DKIM at the receiver (a permerror
   * "no key", which DMARC counts as a failure), so it starts signing when Check DNS finds the
   * record (`markPublished`) or the user says it is published (`setActive`). `keyField` is what
   * the errors about the PEM name: the API's field, or the file the command line was given.
   */
  async add(input: DkimKeyInput, keyField = 'privateKey'): Promise<DkimKeyInfo> {
    await this.ensureLoaded();
    // every problem of the form at once, one a line, each starting with its field (the form
    // puts each beside its box): a bad domain should not hide that the selector is bad too
    const problems: string[] = [];
    const domain = collectProblem(problems, () => {
      refuseRecordName('domain', input.domain);
      return signingDomain(input.domain);
    });
    const selector = collectProblem(problems, () => {
      refuseRecordName('selector', input.selector);
      return checkSelector(input.selector);
    });
    const headers = collectProblem(problems, () => checkHeaderFields(input.headers));
    if (input.privateKey !== undefined) {
      const imported = input.privateKey;
      collectProblem(problems, () => readPrivateKey(imported, keyField));
    }
    if (
      domain !== undefined &&
      selector !== undefined &&
      (await this.list()).some((k) => k.domain === domain && k.selector === selector)
    ) {
      problems.push(
        `selector: ${selector} of ${domain} already has a key; choose a new selector for a new key (that is how rotation works)`,
      );
    }
    if (problems.length > 0 || domain === undefined || selector === undefined) {
      throw new DkimKeyError(problems.join('\n'));
    }
    const pem = input.privateKey ?? generateDkimKey(input.algorithm ?? 'rsa');
    const { algorithm } = readPrivateKey(pem, keyField);
    await this.vault.write(vaultName(domain, selector), pem);
    const key: StoredKey = {
      domain,
      selector,
      algorithm,
      active: false,
      waitingForDns: true,
      source: input.privateKey ? 'imported' : 'generated',
      createdAt: new Date().toISOString(),
      publicKey: publicKeyValue(pem),
      headers: headers ?? [...signedHeaderFields],
    };
    this.keys.push(key);
    await this.saveList();
    return this.info(key);
  }

  /** Turning a waiting key on is the user's word that its record is published. */
  async setActive(domain: string, selector: string, active: boolean): Promise<DkimKeyInfo> {
    const key = await this.stored(domain, selector);
    key.active = active;
    delete key.waitingForDns;
    await this.saveList();
    return this.info(key);
  }

  /**
   * Check DNS found the key's record: a key waiting for it starts signing. A key the user turned
   * off stays off (a retired selector's record is often left published for a while).
   */
  async markPublished(domain: string, selector: string): Promise<DkimKeyInfo | null> {
    await this.ensureLoaded();
    const d = signingDomain(domain);
    const s = checkSelector(selector);
    const key = this.keys.find((k) => k.domain === d && k.selector === s);
    if (!key?.waitingForDns) return null;
    return this.setActive(d, s, true);
  }

  /** Deletes the selector and its private key; says what signs the domain's mail now. */
  async remove(domain: string, selector: string): Promise<DkimKeyRemoval> {
    const key = await this.stored(domain, selector);
    const before = await this.get(key.domain, key.selector);
    this.keys = this.keys.filter((k) => k !== key);
    this.pems.delete(vaultName(key.domain, key.selector));
    await this.saveList();
    await this.vault.remove(vaultName(key.domain, key.selector));
    return keyRemoval(before, await this.signingKeys(key.domain));
  }

  private async stored(domain: string, selector: string): Promise<StoredKey> {
    await this.ensureLoaded();
    const d = signingDomain(domain);
    const s = checkSelector(selector);
    const key = this.keys.find((k) => k.domain === d && k.selector === s);
    if (key) return key;
    if (this.fromSettings.some((k) => k.domain === d && k.selector === s)) {
      throw new DkimKeyError(
        `selector ${s} of ${d} comes from the settings (--dkim-key); change it there`,
      );
    }
    throw keyNotFound(d, s, await this.list());
  }

  /** The key's PEM, or why it cannot sign (its file gone or damaged). */
  private async privateKey(key: StoredKey): Promise<{ pem: string } | { problem: string }> {
    const name = vaultName(key.domain, key.selector);
    const known = this.pems.get(name);
    if (known !== undefined) return { pem: known };
    const pem = await this.vault.read(name);
    if (!pem) return { problem: missingPrivateKey(key.domain, key.selector) };
    // a file that no longer reads as a key (cut short, overwritten, edited by hand) made the
    // whole message go unsigned, with OpenSSL's "DECODER routines::unsupported": the domain's
    // other selectors must still sign, and the words must name the selector
    const damaged = damagedPrivateKey(key, pem);
    if (damaged) return { problem: damaged };
    this.pems.set(name, pem);
    return { pem };
  }

  /**
   * The active keys that sign mail from `fromDomain`: those of the domain itself, else of its
   * closest parent (mail from news.example.com signed as example.com still aligns for DMARC).
   * An active key whose private key is gone (a data folder copied without `dkim/private`)
   * cannot sign: `onUnusable` hears why, so the mail does not go unsigned unnoticed.
   */
  async signingKeys(
    fromDomain: string,
    onUnusable: (problem: string) => void = () => {},
  ): Promise<SigningKey[]> {
    await this.ensureLoaded();
    let domain: string;
    try {
      domain = signingDomain(fromDomain);
    } catch {
      return [];
    }
    for (const candidate of domainAndParents(domain)) {
      const keys: SigningKey[] = this.fromSettings
        .filter((k) => k.domain === candidate)
        .map(({ domain: d, selector, algorithm, privateKey }) => ({
          domain: d,
          selector,
          algorithm,
          privateKey,
        }));
      for (const key of this.keys.filter((k) => k.domain === candidate && k.active)) {
        const found = await this.privateKey(key);
        if ('pem' in found)
          keys.push({
            domain: key.domain,
            selector: key.selector,
            algorithm: key.algorithm,
            privateKey: found.pem,
            headerFields: key.headers,
          });
        else onUnusable(found.problem);
      }
      if (keys.length > 0) return keys;
    }
    return [];
  }
}

export class DkimKeyNotFound extends NotFoundError {
  override name = 'DkimKeyNotFound';
}

/** Names the selectors the domain does have, or how to make a key when it has none. */
function keyNotFound(
  domain: string,
  selector: string,
  keys: readonly DkimKeyInfo[],
): DkimKeyNotFound {
  const selectors = keys.filter((k) => k.domain === domain).map((k) => k.selector);
  const fix =
    selectors.length > 0
      ? `${domain} has selector${selectors.length === 1 ? '' : 's'} ${selectors.join(', ')}`
      : `${domain} has no key: make one in Settings → Signing or with relaydesk dkim keygen ${domain} ${selector}`;
  return new DkimKeyNotFound(`no DKIM key for selector ${selector} of ${domain}; ${fix}`);
}

/** The modulus length of an RSA p= value (DER SubjectPublicKeyInfo in base64). */
function rsaBits(publicKey: string): number | undefined {
  try {
    return createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' })
      .asymmetricKeyDetails?.modulusLength;
  } catch {
    return undefined;
  }
}

/**
 * A key file other users can read lets any of them sign mail as the domain, which passes DKIM
 * and DMARC at every receiver. OpenDKIM refuses such a key ("key data is not secure") and ssh
 * such an identity, as Relaydesk refuses its own secrets file; a group may read it (root:relaydesk
 * 0640, as OpenDKIM's packages set their keys up), nobody else. Checked once the file is known to
 * be a private key: a certificate or a public key given by mistake is said as such first.
 */
async function refuseReadableByOthers(entry: DkimSettingsKey): Promise<void> {
  if (process.platform === 'win32') return;
  const mode = (await stat(entry.keyFile)).mode & 0o777;
  if ((mode & 0o027) === 0) return;
  const file = JSON.stringify(entry.keyFile);
  throw new DkimKeyError(
    `--dkim-key ${entry.keyFile}: other users of this machine can read${mode & 0o022 ? ' or change' : ''} this private key (mode ${mode.toString(8)}), and sign mail as ${entry.domain} with it; run chmod 600 ${file} (or chmod 640 with a group only Relaydesk's user is in)`,
  );
}

/** Why a stored key's PEM cannot sign (no longer a private key, or not the one listed); null when it can. */
function damagedPrivateKey(key: StoredKey, pem: string): string | null {
  let publicKey: string;
  try {
    publicKey = publicKeyValue(pem);
  } catch {
    return `the private key file of selector ${key.selector} of ${key.domain} is damaged (it no longer reads as a private key), so it does not sign; import the key again under a new selector, or remove this one`;
  }
  // another key's file put in its place signs with a key its published record does not match
  if (publicKey !== key.publicKey) {
    return `the private key file of selector ${key.selector} of ${key.domain} holds another key than the one its record publishes, so it does not sign; put the right file back, or remove this selector and make a new one`;
  }
  return null;
}

/**
 * RFC 8463 made Ed25519 a DKIM algorithm in 2018, but many receivers still verify only RSA (Gmail
 * and Microsoft 365 among them): a domain signed with Ed25519 alone reaches them with no DKIM pass,
 * so DMARC rests on SPF alone. Signing with both, as RFC 8463 expects during the transition, is
 * the fix; Relaydesk signs with every active key of the domain.
 */
/**
 * A stored domain (A-labels) as people write it: `bücher.example` for `xn--bcher-kva.example`.
 * An A-label that does not decode (`xn--zz`) is shown as it is.
 */
function shownDomain(domain: string): string {
  return domainToUnicode(domain) || domain;
}

function ed25519OnlyNote(domain: string): string {
  return `${domain} has no RSA key: many receivers (Gmail and Microsoft 365 among them) do not verify Ed25519 signatures, so its mail passes DKIM there only with an RSA signature beside this one; add an RSA key under another selector, and both sign`;
}

/** `news.shop.example`, then `shop.example`: a domain and its parents, the bare TLD left out. */
function domainAndParents(domain: string): string[] {
  const labels = domain.split('.');
  return labels.slice(0, -1).map((_label, i) => labels.slice(i).join('.'));
}

function missingPrivateKey(domain: string, selector: string): string {
  return `the private key of selector ${selector} of ${domain} is missing from the key store, so it does not sign; import the key again under a new selector, or remove this one`;
}

function vaultName(domain: string, selector: string): string {
  return `${domain}_${selector}`;
}
