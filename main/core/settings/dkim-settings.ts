// DKIM keys named in the settings: the "dkim" list of the settings file
// (`[{"domain": "example.com", "selector": "mail", "keyFile": "/etc/dkim/mail.pem"}]`), or the
// flags `--dkim-domain D --dkim-selector S --dkim-key FILE`, repeated once per key and paired in
// order (RELAYDESK_DKIM_DOMAIN/_SELECTOR/_KEY take comma-separated lists). The most specific
// source wins, as for every setting. Keys generated in the app are not here: they live in the
// data folder's key store.
import type { DkimSettingsKey } from '../signing/key-store.js';
import { SettingsError, splitCommaList } from './settings-schema.js';
import { show, unknownFieldProblem } from '../routing-rules/settings-errors.js';
import { nearestName } from '../text/nearest-name.js';
import { DkimKeyError } from '../signing/dkim-key.js';
import { checkSelector, refuseRecordName, signingDomain } from '../signing/key-store.js';

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

/** What each field of an entry holds, for the message that says it is missing or wrong. */
const dkimFileFields: Record<string, { what: string; fix: string }> = {
  domain: { what: 'a domain', fix: 'give the domain of the From address, e.g. "example.com"' },
  selector: { what: 'a selector', fix: 'give the selector of the key, e.g. "mail2026"' },
  keyFile: {
    what: 'a file path',
    fix: 'give the path of its PEM private key, e.g. "/etc/dkim/mail.pem"',
  },
};

/**
 * The problems of one entry of the list, each a line starting with its place (`dkim[1].selector:
 * …`): a misspelt key, a field missing or of the wrong type, a domain or selector that is none.
 */
function entryProblems(entry: unknown, i: number): string[] {
  const place = `dkim[${i}]`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return [
      `${place}: ${show(entry)} is not an object; give {"domain": "example.com", "selector": "mail", "keyFile": "/path/mail.pem"}`,
    ];
  }
  const e = entry as Record<string, unknown>;
  const problems: string[] = [];
  // a misspelt key ("selectr") was ignored, and the message then said "selector is missing"
  const unknown = Object.keys(e).filter((key) => !dkimFileKeys.includes(key));
  for (const key of unknown) {
    problems.push(unknownFieldProblem(place, [key], dkimFileKeys, 'domain, selector and keyFile'));
  }
  for (const key of dkimFileKeys) {
    const value = e[key];
    const { what, fix } = dkimFileFields[key] as { what: string; fix: string };
    if (value === undefined) {
      // the slip named above is why it is missing: one line for one mistake
      if (!unknown.some((slip) => nearestName(slip, [key]))) {
        problems.push(`${place}.${key} is missing; ${fix}`);
      }
    } else if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${place}.${key}: ${show(value)} is not ${what}; ${fix}`);
    } else if (key !== 'keyFile') {
      // the same checks the key store makes at start, said here with every other problem
      try {
        refuseRecordName(key as 'domain' | 'selector', value);
        if (key === 'domain') signingDomain(value);
        else checkSelector(value);
      } catch (err) {
        if (!(err instanceof DkimKeyError)) throw err;
        problems.push(`${place}.${err.message}`);
      }
    }
  }
  return problems;
}

function fromFile(raw: unknown): DkimSettingsKey[] {
  if (!Array.isArray(raw)) {
    throw new SettingsError(
      '"dkim" in the settings file must be a list such as [{"domain": "example.com", "selector": "mail", "keyFile": "/path/mail.pem"}]',
    );
  }
  // every entry's every problem, one a line, as the quotas and the routing rules say theirs
  const problems = raw.flatMap((entry: unknown, i) => entryProblems(entry, i));
  if (problems.length > 0) throw new SettingsError(problems.join('\n'));
  return raw.map((entry) => {
    const e = entry as Record<string, string>;
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
