// A setting named inside a message (a refused certificate's fix, a paused upstream's advice, a
// refused save): the command line and the settings file call it one way (`--relay-ca FILE, or
// "caFile" in the settings`), the Settings screen another ("CA certificate file (PEM)"). The core
// writes the first, which `relaydesk serve`, its logs, `relaydesk queue` and the API show as they
// are; the window puts the second in its place (`onScreen`), so a fix shown there names the box
// to fill in, not a flag the window has no place for. Shared by the core and the renderer, so
// each phrase is written once and found again exactly. Pure.

interface SettingName {
  /** What the core writes: flags, variables and settings-file keys; `{value}` where a value goes. */
  text: string;
  /** What the window shows instead, with the value the text held. */
  screen(value: string): string;
  /** The setting whose box `screen` names (a flag or a variable may pin it: then it is read-only). */
  setting?: string;
  /**
   * What the window shows while that setting is pinned: the flag (or the variable, when only
   * variables pin it) to start Relaydesk with. Without it, the core's text, which names the flag.
   */
  pinned?(value: string, byVariables: boolean): string;
}

/** `start Relaydesk with --relay-ca FILE`, or its variable when variables set the upstream. */
function startWith(flag: string, env: string, value: string) {
  return (actual: string, byVariables: boolean): string => {
    const given = value.replace('{value}', actual);
    return byVariables
      ? `set ${env}=${given} where Relaydesk is started`
      : `start Relaydesk with ${flag} ${given}`;
  };
}

const upstream = 'under Settings → Upstream';
const filtering = 'under Settings → Filtering & senders';

/** The choices of “When clamd cannot be reached”, as the Settings screen labels them. */
const clamdUnavailableLabels: Record<string, string> = {
  defer: 'Defer (451 4.7.0, the client retries)',
  accept: 'Accept, tagged not-scanned',
};

/** The choices of “A message spamd scores as spam”, as the Settings screen labels them. */
const spamActionLabels: Record<string, string> = {
  off: 'Nothing (spamd only scores it in the Spam tab)',
  reject: 'Reject (554 at end of DATA)',
  quarantine: 'Quarantine (kept, never relayed)',
  tag: 'Tag (X-Spam-Flag: YES on the copy sent on)',
};

/** The Security box's choices, as the Settings screen labels them. */
export const securityLabels: Record<string, string> = {
  starttls: 'STARTTLS (port 587)',
  tls: 'Implicit TLS (port 465)',
  none: 'None (no encryption)',
};

const names = {
  caFile: {
    text: '--relay-ca FILE, or "caFile" in the settings',
    screen: () => `“CA certificate file (PEM)” ${upstream}`,
    setting: 'relay',
    pinned: startWith('--relay-ca', 'RELAYDESK_RELAY_CA', 'FILE'),
  },
  pinSha256: {
    text: '--relay-pin-sha256 {value}, or "pinSha256" in the settings',
    screen: (fingerprint: string) =>
      `“Trust exactly this certificate (SHA-256)” ${upstream}: ${fingerprint}`,
    setting: 'relay',
    pinned: startWith('--relay-pin-sha256', 'RELAYDESK_RELAY_PIN_SHA256', '{value}'),
  },
  pin: {
    text: '--relay-pin-sha256 FINGERPRINT, or "pinSha256" in the settings',
    screen: () => `“Trust exactly this certificate (SHA-256)” ${upstream}`,
    setting: 'relay',
    pinned: startWith('--relay-pin-sha256', 'RELAYDESK_RELAY_PIN_SHA256', 'FINGERPRINT'),
  },
  implicitTls: {
    text: 'set security to "tls" (implicit TLS)',
    screen: () => `choose “${securityLabels.tls}” as Security ${upstream}`,
    setting: 'relay',
    pinned: startWith('--relay-security', 'RELAYDESK_RELAY_SECURITY', 'tls'),
  },
  security: {
    text: 'set security to "{value}"',
    screen: (value: string) => `choose “${securityLabels[value] ?? value}” as Security ${upstream}`,
    setting: 'relay',
    pinned: startWith('--relay-security', 'RELAYDESK_RELAY_SECURITY', '{value}'),
  },
  allowInsecure: {
    text: 'set relay.allowInsecure to true',
    screen: () => `tick “Send without encryption to this host” ${upstream}`,
    setting: 'relay',
    pinned: startWith('--relay-allow-insecure', 'RELAYDESK_RELAY_ALLOW_INSECURE', 'true'),
  },
  heloName: {
    text: 'set heloName to',
    screen: () => `set “HELO name” ${upstream} to`,
    setting: 'relay',
    // no flag: a --config file's "relay" adds it to the upstream the flags give
    pinned: () => 'set "heloName" in the "relay" of a --config settings file to',
  },
  relayPassword: {
    text: 'give auth.password (or --relay-password-file FILE or RELAYDESK_RELAY_PASSWORD)',
    screen: () => 'type it in “Upstream password”',
    setting: 'relay',
    pinned: (_value, byVariables) =>
      byVariables
        ? 'set RELAYDESK_RELAY_PASSWORD_FILE (or RELAYDESK_RELAY_PASSWORD) where Relaydesk is started'
        : 'start Relaydesk with --relay-password-file FILE (or RELAYDESK_RELAY_PASSWORD)',
  },
  accessToken: {
    text: 'give auth.accessToken for XOAUTH2',
    screen: () => 'give an OAuth2 token as auth.accessToken in the settings file (XOAUTH2)',
  },
  relayUser: {
    text: 'leave auth.user out',
    screen: () => 'leave “Upstream user name” empty',
    setting: 'relay',
    pinned: (_value, byVariables) =>
      byVariables
        ? 'start Relaydesk without RELAYDESK_RELAY_USER'
        : 'start Relaydesk without --relay-user',
  },
  modeRelay: {
    text: '--mode relay needs an upstream',
    screen: () => 'the mode “Relay everything through the upstream” needs an upstream',
  },
  relayHost: {
    text: 'give --relay-host HOST:PORT, or "relay" in the settings file',
    screen: () => `tick “Relay through an upstream smart host” ${upstream} and fill in its host`,
  },
  pop3: {
    text: '--pop3 (flag, RELAYDESK_POP3 or settings file)',
    screen: () => '“POP3 listener” under Settings → Checks & POP3',
    setting: 'pop3',
  },
  pop3s: {
    text: '--pop3s (flag, RELAYDESK_POP3S or settings file)',
    screen: () => '“POP3S listener (implicit TLS)” under Settings → Checks & POP3',
    setting: 'pop3s',
  },
  clamd: {
    text: 'correct --clamd',
    screen: () => `correct “clamd address (HOST:PORT or Unix socket)” ${filtering}`,
    setting: 'clamd',
  },
  clamdUnavailable: {
    text: '--clamd-unavailable {value}',
    screen: (value: string) =>
      `“${clamdUnavailableLabels[value] ?? value}” as “When clamd cannot be reached” ${filtering}`,
    setting: 'clamdUnavailable',
  },
  spamAction: {
    text: '--spam-action {value}',
    screen: (value: string) =>
      `“${spamActionLabels[value] ?? value}” as “A message spamd scores as spam” ${filtering}`,
    setting: 'spamAction',
  },
  spamassassin: {
    text: 'give --spamassassin HOST:PORT',
    screen: () => 'fill in “SpamAssassin spamd” under Settings → Checks & POP3',
    setting: 'spamassassin',
  },
  allowInternalHttpRequests: {
    text: '--allow-internal-http-requests true allows it',
    screen: () =>
      'ticking “The link check and the HTML screenshot’s proxy may reach this machine and private networks” under Settings → Checks & POP3 allows it',
    setting: 'allowInternalHttpRequests',
  },
  // the password has no box (the window must not be able to turn off its own password)
  uiPasswordFile: {
    text: 'start with --ui-password-file FILE, or keep 127.0.0.1',
    screen: () =>
      'keep 127.0.0.1 in “Web UI and API address” under Settings → Listener; a UI password has no box here (the window must not be able to turn off its own), so whoever starts Relaydesk gives it one first (“UI and API password file”, holding a hash from relaydesk user hash)',
  },
} satisfies Record<string, SettingName>;

export type SettingNameKey = keyof typeof names;

export const settingNameKeys = Object.keys(names) as SettingNameKey[];

/** The setting as the command line and the settings file name it, for a message of the core. */
export function settingName(key: SettingNameKey, value = ''): string {
  return names[key].text.replace('{value}', value);
}

/**
 * The setting as a log line names it, by where its value came from this run, as the settings
 * errors do (aboutSetting): the flag or the variable that pins it, else the Settings screen's box
 * with the key the settings hold it under. The Logs view shows log lines as written, so a relay
 * set up in the window read "correct --clamd" there, a flag its user never typed.
 */
export function settingNamedFrom(
  key: SettingNameKey,
  value: string,
  /** What pins it for this run (`--clamd`, `RELAYDESK_CLAMD`), as the settings API gives it. */
  pinnedBy: string | undefined,
): string {
  const name: SettingName = names[key];
  if (pinnedBy === undefined)
    return `${name.screen(value)}${name.setting ? ` ("${name.setting}" in the settings)` : ''}`;
  if (pinnedBy.includes('--')) return settingName(key, value);
  // a variable: its name where the text names the flag, `NAME=value` where a value follows it
  return settingName(key, value).replace(/--[a-z0-9-]+( (?=\S))?/, (_flag, space?: string) =>
    space ? `${pinnedBy}=` : pinnedBy,
  );
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// the longer texts first, so a text that holds a shorter one is replaced whole
const patterns = (Object.values(names) as SettingName[])
  .sort((a, b) => b.text.length - a.text.length)
  .map((name) => ({
    pattern: new RegExp(escape(name.text).replace('\\{value\\}', '([^\\s,;)"]+)'), 'g'),
    name,
  }));

/**
 * A message of the core as the window shows it: each setting named as the Settings screen does,
 * except one a flag or a variable pins for this run (`pinned`, as the settings API gives it): its
 * box is read-only then, so the fix names the flag (or the variable) to start Relaydesk with.
 */
export function onScreen(text: string, pinned: Readonly<Record<string, string>> = {}): string {
  let shown = text;
  for (const { pattern, name } of patterns) {
    shown = shown.replace(pattern, (whole, value: string | undefined) => {
      const by = name.setting === undefined ? undefined : pinned[name.setting];
      if (by === undefined) return name.screen(value ?? '');
      return name.pinned ? name.pinned(value ?? '', !by.includes('--')) : whole;
    });
  }
  return shown;
}
