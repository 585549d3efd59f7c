// Who may send and who may use the API: trusted clients, the allowlist, SMTP AUTH and its
// lockout, the API's browser origins and password. The Settings screen's Access section.
import {
  fromParser,
  listOf,
  oneOf,
  onOff,
  optionalPath,
  splitCommaList,
  wholeNumber,
} from '../setting-kinds.js';
import { setting } from '../setting-declaration.js';
import { isCidr } from '../../net/ip-address.js';

const section = 'access';

/** Exact origins (scheme://host[:port]); "*" is refused: any page could then read all mail. */
function parseOriginList(raw: unknown): string[] | undefined {
  const list = typeof raw === 'string' ? splitCommaList(raw) : raw;
  if (!Array.isArray(list)) return undefined;
  const origins: string[] = [];
  for (const item of list) {
    if (typeof item !== 'string') return undefined;
    try {
      const url = new URL(item);
      if (
        (url.protocol !== 'http:' && url.protocol !== 'https:') ||
        url.origin !== item.replace(/\/$/, '')
      ) {
        return undefined;
      }
      origins.push(url.origin);
    } catch {
      return undefined;
    }
  }
  return origins;
}

export const accessFields = [
  setting({
    key: 'trustLoopback',
    flag: '--trust-loopback',
    env: 'RELAYDESK_TRUST_LOOPBACK',
    value: 'true|false',
    ...onOff('loopback clients may send and relay without AUTH'),
    default: true,
    label: 'This machine may send without logging in',
    section,
    applies: 'now',
  }),
  setting({
    key: 'requireAuth',
    flag: '--require-auth',
    env: 'RELAYDESK_REQUIRE_AUTH',
    value: 'true|false',
    ...onOff('every client must authenticate'),
    default: false,
    label: 'Every client must log in (SMTP AUTH)',
    section,
    applies: 'now',
  }),
  setting({
    key: 'allowIp',
    flag: '--allow-ip',
    env: 'RELAYDESK_ALLOW_IP',
    value: 'CIDR',
    ...listOf((cidr) => (isCidr(cidr) ? cidr : undefined), {
      max: 1000,
      allowed:
        'CIDRs or addresses, comma-separated (repeat the flag or use an array in the settings file), e.g. 192.168.1.0/24,2001:db8::/32',
    }),
    input: { kind: 'custom' },
    default: [],
    defaultText: 'none (loopback only)',
    label: 'Allowed client addresses (CIDR, one per line)',
    section,
    applies: 'now',
  }),
  setting({
    key: 'authMaxFailures',
    flag: '--auth-max-failures',
    env: 'RELAYDESK_AUTH_MAX_FAILURES',
    value: 'N',
    ...wholeNumber(1, 1000, { unit: 'failed AUTH attempts' }),
    default: 10,
    defaultText: '`10` failed AUTH per (address, user) before a lockout',
    label: 'Failed logins before a lockout',
    section,
    applies: 'restart',
  }),
  setting({
    key: 'authFailureDelayMs',
    flag: '--auth-failure-delay-ms',
    env: 'RELAYDESK_AUTH_FAILURE_DELAY_MS',
    value: 'MS',
    ...wholeNumber(0, 60_000, { unit: 'milliseconds' }),
    default: 500,
    defaultText: '`500` (doubles per failure from the address)',
    label: 'Delay after a failed login (ms, doubles each time)',
    section,
    applies: 'restart',
  }),
  setting({
    key: 'authLockoutMs',
    flag: '--auth-lockout-ms',
    env: 'RELAYDESK_AUTH_LOCKOUT_MS',
    value: 'MS',
    ...wholeNumber(100, 86_400_000, { unit: 'milliseconds' }),
    default: 15 * 60_000,
    defaultText: '`900000` (15 minutes)',
    label: 'Lockout lasts (ms)',
    section,
    applies: 'restart',
  }),
  setting({
    key: 'apiCors',
    flag: '--api-cors',
    env: 'RELAYDESK_API_CORS',
    value: 'ORIGINS',
    type: fromParser(parseOriginList),
    allowed:
      'a comma-separated list of exact origins such as http://localhost:3000 ("*" is not allowed: any web page could then read your mail)',
    input: { kind: 'lines', placeholder: 'http://localhost:3000' },
    default: [],
    defaultText: 'none: CORS off',
    label: 'Web pages that may use the API (origins, one per line)',
    section,
    applies: 'restart',
  }),
  setting({
    key: 'apiCompat',
    flag: '--api-compat',
    env: 'RELAYDESK_API_COMPAT',
    value: 'mailpit|mailhog',
    ...oneOf({ mailpit: 'Mailpit', mailhog: 'MailHog' }, '"mailpit" or "mailhog"'),
    default: 'mailpit',
    label: 'GET/DELETE /api/v1/messages answer as',
    section,
    applies: 'now',
  }),
  setting({
    key: 'uiPasswordFile',
    flag: '--ui-password-file',
    env: 'RELAYDESK_UI_PASSWORD_FILE',
    value: 'FILE',
    ...optionalPath(
      'the path of a file holding the UI/API password or its hash (relaydesk user hash)',
    ),
    default: null,
    defaultText: 'none (required when the UI listens beyond this machine)',
    label: 'UI and API password file',
    section,
    applies: 'restart',
    notEditable: 'the API must not be able to turn off its own password',
  }),
];
