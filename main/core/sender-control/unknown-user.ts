// A quota, a routing rule or a suspension naming an SMTP user that no login has. It is valid (a
// user may be added later), so it is saved, but it limits, matches or stops nobody, while the
// settings and the list of suspended senders said otherwise: the admin who set a quota on
// `alice@office.example` for the stolen login `alice` saw it accepted and the login send on.
// Said as a warning beside the field, with the login that was probably meant.
import type { SettingsFieldWarning } from '../../../preload/settings-contract.js';
import { matchesPattern, type AddressPattern } from '../routing-rules/index.js';
import type { Settings } from '../settings/settings-schema.js';
import { nearestName } from '../text/nearest-name.js';

/**
 * The login a name that matches none probably means: one a keyboard slip away (`alicee`), or the
 * one that is the local part of the address written (`alice@office.example` for `alice`: logins
 * are what the client gives to AUTH, which is often not the mail address).
 */
export function meantLogin(written: string, names: readonly string[]): string | null {
  const near = nearestName(written, names);
  if (near !== null) return near;
  const local = /^([^@*?/]+)@[^@]+$/.exec(written)?.[1]?.toLowerCase();
  const same = local === undefined ? [] : names.filter((n) => n.toLowerCase() === local);
  return same.length === 1 ? (same[0] ?? null) : null;
}

/**
 * What follows "no login has that name": the login meant (then `fix`, what to do with it), the
 * logins there are, or that there are none.
 */
export function loginsHint(written: string, names: readonly string[], fix = ''): string {
  const meant = meantLogin(written, names);
  if (meant !== null) return `; did you mean ${JSON.stringify(meant)}?${fix ? ` ${fix}` : ''}`;
  if (names.length === 0) return '; there are no SMTP users (relaydesk user add NAME)';
  return `; the SMTP users are ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`;
}

/** Whether a user pattern matches none of the logins; `*` means every user, those to come too. */
function matchesNoLogin(pattern: AddressPattern, names: readonly string[]): boolean {
  if (pattern.source === '*') return false;
  return !names.some((name) => matchesPattern(pattern, name));
}

function warning(
  field: string,
  pattern: AddressPattern,
  what: string,
  names: readonly string[],
): SettingsFieldWarning {
  const named = pattern.kind === 'glob' && !/[*?]/.test(pattern.source);
  return {
    field,
    value: pattern.source,
    message:
      `${field}: ${named ? 'no login has the name' : 'no login matches'} ${JSON.stringify(pattern.source)}, so ${what}` +
      loginsHint(pattern.source, names),
  };
}

/**
 * The settings' users that no login has, each a warning naming the field: saved all the same,
 * but said beside the field and in the settings API's answer.
 */
export function unknownUserWarnings(
  settings: Pick<Settings, 'quotas' | 'rules'>,
  names: readonly string[],
): SettingsFieldWarning[] {
  const warnings: SettingsFieldWarning[] = [];
  settings.quotas.forEach((quota, index) => {
    if (quota.user && matchesNoLogin(quota.user, names))
      warnings.push(
        warning(`quotas[${index}].user`, quota.user, 'this quota limits nobody', names),
      );
  });
  settings.rules.forEach((rule, index) => {
    const user = rule.match.user;
    if (user && matchesNoLogin(user, names))
      warnings.push(
        warning(`rules[${index}].match.user`, user, 'this rule matches no message', names),
      );
  });
  return warnings;
}
