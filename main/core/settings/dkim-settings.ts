// DKIM keys named in the settings: the "dkim" list of the settings file
// (`[{"domain": "example.com", "selector": "mail", "keyFile": "/etc/dkim/mail.pem"}]`), or the
// flags `--dkim-domain D --dkim-selector S --dkim-key FILE`, repeated once per key and paired in
// order (RELAYDESK_DKIM_DOMAIN/_SELECTOR/_KEY take comma-separated lists). The most specific
// source wins, as for every setting. Keys generated in the app are not here: they live in the
// data folder's key store.
import type { DkimSettingsKey } from '../signing/key-store.js';
import { SettingsError, splitCommaList } from './settings-schema.js';
import { unknownFieldProblem } from '../routing-rules/settings-errors.js';

export interface DkimFlag {
  flag: string;
  env: string;
  allowed: string;
}

export const dkimFlags: DkimFlag[] = [
  {
    flag: '--dkim-domain',
    env: 'RELAYDESK_DKIM_DOMAIN',
    allowed: 'the domain a --dkim-key signs for, e.g. example.com (repeat once per key)',
  },
  {
    flag: '--dkim-selector',
    env: 'RELAYDESK_DKIM_SELECTOR',
    allowed: 'the selector of that key, e.g. mail2026 (repeat once per key)',
  },
  {
    flag: '--dkim-key',
    env: 'RELAYDESK_DKIM_KEY',
    allowed: 'the PEM private key file of that selector (repeat once per key)',
  },
];

const dkimFileKeys = ['domain', 'selector', 'keyFile'];

function fromFile(raw: unknown): DkimSettingsKey[] {
  const problem =
    '"dkim" in the settings file must be a list such as [{"domain": "example.com", "selector": "mail", "keyFile": "/path/mail.pem"}]';
  if (!Array.isArray(raw)) throw new SettingsError(problem);
  return raw.map((entry: unknown, i) => {
    const e = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    // a misspelt key ("selectr") was ignored, and the message then said "selector is missing"
    const unknown = Object.keys(e).filter((key) => !dkimFileKeys.includes(key));
    if (unknown.length > 0) {
      throw new SettingsError(
        unknownFieldProblem(`dkim[${i}]`, unknown, dkimFileKeys, 'domain, selector and keyFile'),
      );
    }
    for (const key of ['domain', 'selector', 'keyFile']) {
      if (typeof e[key] !== 'string' || (e[key] as string).trim() === '') {
        throw new SettingsError(`"dkim[${i}].${key}" in the settings file is missing; ${problem}`);
      }
    }
    return {
      domain: e.domain as string,
      selector: e.selector as string,
      keyFile: e.keyFile as string,
    };
  });
}

export function resolveDkimSettings(input: {
  file: unknown;
  flags: Record<string, string>;
  env: NodeJS.ProcessEnv;
}): DkimSettingsKey[] {
  const [domainFlag, selectorFlag, keyFlag] = dkimFlags as [DkimFlag, DkimFlag, DkimFlag];
  for (const source of ['flags', 'env'] as const) {
    const get = (f: DkimFlag): string | undefined =>
      source === 'flags' ? input.flags[f.flag] : input.env[f.env] || undefined;
    const given = [domainFlag, selectorFlag, keyFlag].map(get);
    if (given.every((v) => v === undefined)) continue;
    const [domains, selectors, keys] = given.map((v) => splitCommaList(v ?? ''));
    const name = (f: DkimFlag): string => (source === 'flags' ? f.flag : f.env);
    if (domains?.length !== selectors?.length || domains?.length !== keys?.length) {
      throw new SettingsError(
        `${name(domainFlag)}, ${name(selectorFlag)} and ${name(keyFlag)} go together: give each once per key (got ${domains?.length ?? 0}, ${selectors?.length ?? 0} and ${keys?.length ?? 0})`,
      );
    }
    return (domains ?? []).map((domain, i) => ({
      domain,
      selector: selectors?.[i] as string,
      keyFile: keys?.[i] as string,
    }));
  }
  return input.file === undefined ? [] : fromFile(input.file);
}
