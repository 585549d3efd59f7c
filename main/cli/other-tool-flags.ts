// The flags of the tools people come from (MailDev, smtp4dev), each with what does the same
// here: someone who types `--web 1080` out of habit is told `--http 127.0.0.1:1080` in one line,
// instead of being handed the list of a hundred flags to search. Only flags that are not also
// ours are here (`--smtp`, `--hostname` and `--config` are).

interface OtherToolFlag {
  tool: 'MailDev' | 'smtp4dev';
  /** What the flag takes there, as its help writes it. */
  takes: string;
  /** The same thing here. */
  here: string;
}

const relayRules = '--mode relay (relay everything), or routing rules in a --config file';

const otherToolFlags: Record<string, OtherToolFlag> = {
  // MailDev (v2 and v3: packages/cli/src/options.ts)
  '--web': { tool: 'MailDev', takes: 'PORT', here: '--http 127.0.0.1:PORT (UI and API)' },
  '--ip': { tool: 'MailDev', takes: 'ADDRESS', here: '--smtp ADDRESS:PORT' },
  '--web-ip': { tool: 'MailDev', takes: 'ADDRESS', here: '--http ADDRESS:PORT' },
  '--mail-directory': { tool: 'MailDev', takes: 'PATH', here: '--data DIR' },
  '--max-emails': { tool: 'MailDev', takes: 'COUNT', here: '--max-messages N' },
  '--max-message-size': { tool: 'MailDev', takes: 'BYTES', here: '--max-size SIZE' },
  '--outgoing-host': {
    tool: 'MailDev',
    takes: 'HOST',
    here: '--relay-host HOST:PORT with --relay-security starttls|tls|none',
  },
  '--outgoing-port': { tool: 'MailDev', takes: 'PORT', here: 'the port of --relay-host HOST:PORT' },
  '--outgoing-user': { tool: 'MailDev', takes: 'USER', here: '--relay-user USER' },
  '--outgoing-pass': {
    tool: 'MailDev',
    takes: 'PASSWORD',
    here: '--relay-password-file FILE (or RELAYDESK_RELAY_PASSWORD)',
  },
  '--outgoing-secure': { tool: 'MailDev', takes: '', here: '--relay-security tls' },
  '--auto-relay': { tool: 'MailDev', takes: '[EMAIL]', here: relayRules },
  '--auto-relay-rules': { tool: 'MailDev', takes: 'FILE', here: relayRules },
  '--incoming-user': {
    tool: 'MailDev',
    takes: 'USER',
    here: '`relaydesk user add USER` with --require-auth',
  },
  '--incoming-pass': {
    tool: 'MailDev',
    takes: 'PASSWORD',
    here: '`relaydesk user add USER` (the password on stdin)',
  },
  '--incoming-secure': { tool: 'MailDev', takes: '', here: '--smtps HOST:PORT' },
  '--incoming-cert': { tool: 'MailDev', takes: 'PATH', here: '--tls-cert FILE' },
  '--incoming-key': { tool: 'MailDev', takes: 'PATH', here: '--tls-key FILE' },
  '--web-user': {
    tool: 'MailDev',
    takes: 'USER',
    here: '--ui-password-file FILE (a hash from `relaydesk user hash`)',
  },
  '--web-pass': {
    tool: 'MailDev',
    takes: 'PASSWORD',
    here: '--ui-password-file FILE (a hash from `relaydesk user hash`)',
  },
  // smtp4dev (Rnwood.Smtp4dev/CommandLineParser.cs; ASP.NET's --urls)
  '--smtpport': { tool: 'smtp4dev', takes: 'PORT', here: '--smtp 127.0.0.1:PORT' },
  '--urls': { tool: 'smtp4dev', takes: 'http://HOST:PORT', here: '--http HOST:PORT' },
  '--bindaddress': { tool: 'smtp4dev', takes: 'ADDRESS', here: '--smtp ADDRESS:PORT' },
  '--db': { tool: 'smtp4dev', takes: 'PATH', here: '--data DIR' },
  '--baseappdatapath': { tool: 'smtp4dev', takes: 'PATH', here: '--data DIR' },
  '--messagestokeep': {
    tool: 'smtp4dev',
    takes: 'N (per mailbox)',
    here: '--max-messages N (over all mailboxes)',
  },
  '--maxmessagesize': { tool: 'smtp4dev', takes: 'BYTES', here: '--max-size SIZE' },
  '--tlsmode': {
    tool: 'smtp4dev',
    takes: 'None|StartTls|ImplicitTls',
    here: '--starttls true, or --smtps HOST:PORT for implicit TLS',
  },
  '--tlscertificate': { tool: 'smtp4dev', takes: 'FILE', here: '--tls-cert FILE' },
  '--tlscertificateprivatekey': { tool: 'smtp4dev', takes: 'FILE', here: '--tls-key FILE' },
  '--relaysmtpserver': { tool: 'smtp4dev', takes: 'HOST', here: '--relay-host HOST:PORT' },
  '--relaysmtpport': {
    tool: 'smtp4dev',
    takes: 'PORT',
    here: 'the port of --relay-host HOST:PORT',
  },
  '--relayusername': { tool: 'smtp4dev', takes: 'USER', here: '--relay-user USER' },
  '--relaypassword': {
    tool: 'smtp4dev',
    takes: 'PASSWORD',
    here: '--relay-password-file FILE (or RELAYDESK_RELAY_PASSWORD)',
  },
  '--relaytlsmode': {
    tool: 'smtp4dev',
    takes: 'MODE',
    here: '--relay-security starttls|tls|none',
  },
  '--relayautomaticallyemails': {
    tool: 'smtp4dev',
    takes: 'ADDRESSES',
    here: 'routing rules with {"type": "relay"} in a --config file',
  },
  '--mailbox': {
    tool: 'smtp4dev',
    takes: 'NAME=RECIPIENTS',
    here: 'routing rules with {"type": "capture", "mailbox": NAME} in a --config file',
  },
  '--pop3port': { tool: 'smtp4dev', takes: 'PORT', here: '--pop3 127.0.0.1:PORT' },
  '--imapport': {
    tool: 'smtp4dev',
    takes: 'PORT',
    here: 'no IMAP; --pop3 127.0.0.1:PORT serves the mail to mail clients',
  },
  '--user': {
    tool: 'smtp4dev',
    takes: 'NAME=PASSWORD',
    here: '`relaydesk user add NAME` (the password on stdin)',
  },
};

/** `--web: …` in words when the flag is another tool's, else null. */
export function otherToolFlagHint(flag: string): string | null {
  const known = Object.hasOwn(otherToolFlags, flag) ? otherToolFlags[flag] : undefined;
  if (!known) return null;
  const theirs = known.takes ? `${flag} ${known.takes}` : flag;
  return `${flag}: not a Relaydesk flag; ${known.tool}'s ${theirs} is ${known.here} here (\`relaydesk serve --help\` lists the flags)`;
}

/** The flags this file knows, for the tests that check every hint names real flags. */
export const otherToolFlagNames = Object.keys(otherToolFlags);
