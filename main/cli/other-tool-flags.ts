// The flags of the tools people come from (Mailpit, MailHog, MailDev, smtp4dev), each with what
// does the same here: someone who types `--listen 127.0.0.1:8025` or `--web 1080` out of habit is
// told `--http …` in one line, instead of being handed the list of a hundred flags to search.
// Only flags that are not also ours are here (`--smtp`, `--hostname`, `--config`, and the
// Mailpit names we kept: `--api-cors`, `--pop3`, `--tags-*`, `--webhook-url`, …).

type OtherToolFlag = {
  tool: 'Mailpit' | 'MailHog' | 'MailDev' | 'smtp4dev';
  /** What the flag takes there, as its help writes it. */
  takes: string;
} & (
  | {
      /** The same thing here. */
      here: string;
    }
  | {
      /** Why nothing here does it, or what Relaydesk does instead without being told. */
      none: string;
    }
);

const relayRules = '--mode relay (relay everything), or routing rules in a --config file';

/** A file of upstream settings (Mailpit's --smtp-relay-config, MailHog's -outgoing-smtp). */
const relayConfigFile =
  '--relay-host HOST:PORT with --relay-security, --relay-user and --relay-password-file';
/** Their htpasswd password file, which --ui-password-file reads as it is. */
const htpasswdFile = '--ui-password-file FILE (the same htpasswd file: bcrypt or SHA-1 lines)';
const mailpitDatabase: OtherToolFlag = {
  tool: 'Mailpit',
  takes: 'FILE',
  here: '--data DIR (a folder: one .eml file per message, and the index)',
};
const mailpitTlsCert: OtherToolFlag = { tool: 'Mailpit', takes: 'FILE', here: '--tls-cert FILE' };
const mailpitTlsKey: OtherToolFlag = { tool: 'Mailpit', takes: 'FILE', here: '--tls-key FILE' };
const mailpitStartTls: OtherToolFlag = {
  tool: 'Mailpit',
  takes: '',
  here: '--require-tls true with --starttls true',
};
const mailpitHttp: OtherToolFlag = {
  tool: 'Mailpit',
  takes: 'HOST:PORT',
  here: '--http HOST:PORT (UI and API)',
};
const mailpitHttps: OtherToolFlag = {
  tool: 'Mailpit',
  takes: 'FILE',
  none: 'the UI and API are plain HTTP on --http (127.0.0.1 by default); for HTTPS put a reverse proxy such as Caddy or nginx in front of it',
};
const mailpitLogLevel: OtherToolFlag = {
  tool: 'Mailpit',
  takes: '',
  none: 'Relaydesk has no log levels: its lines go to standard output and to the logs in the --data folder, and the Logs view filters them by kind and text',
};
const mailpitMax: OtherToolFlag = { tool: 'Mailpit', takes: 'N', here: '--max-messages N' };
const mailhogHttp: OtherToolFlag = {
  tool: 'MailHog',
  takes: 'HOST:PORT',
  here: '--http HOST:PORT (UI and API on one port)',
};
const mailpitTag: OtherToolFlag = {
  tool: 'Mailpit',
  takes: 'TAG=SEARCH',
  here: '--mode rules with {"type": "capture", "tags": [TAG]} routing rules in a --config file (matching recipient, sender or SMTP user, not a search; plus addresses and X-Tags are tagged already)',
};

const otherToolFlags: Record<string, OtherToolFlag> = {
  // Mailpit (cmd/root.go; the short forms too)
  '--listen': mailpitHttp,
  '-l': mailpitHttp,
  '-s': { tool: 'Mailpit', takes: 'HOST:PORT', here: '--smtp HOST:PORT' },
  '--database': mailpitDatabase,
  '-d': mailpitDatabase,
  '--db-file': mailpitDatabase,
  '--tenant-id': {
    tool: 'Mailpit',
    takes: 'ID',
    here: '--data DIR, a folder of its own for each instance',
  },
  '--max': mailpitMax,
  '-m': mailpitMax,
  '--max-age': {
    tool: 'Mailpit',
    takes: 'AGE (3d, 12h)',
    here: '--max-age-days D (whole days)',
  },
  '--max-message-size': {
    tool: 'Mailpit',
    takes: 'MB',
    here: "--max-size SIZE (bytes, as MailDev's takes, or 30m for 30 MB)",
  },
  '--ui-auth-file': {
    tool: 'Mailpit',
    takes: 'FILE',
    here: htpasswdFile,
  },
  '--enable-spamassassin': {
    tool: 'Mailpit',
    takes: 'HOST:PORT',
    here: '--spamassassin HOST:PORT',
  },
  '--enable-prometheus': {
    tool: 'Mailpit',
    takes: 'true|HOST:PORT',
    here: 'GET /metrics on the --http port, always on',
  },
  '--smtp-auth-file': {
    tool: 'Mailpit',
    takes: 'FILE',
    here: '`relaydesk user add NAME` (the password on stdin) with --require-auth true',
  },
  '--smtp-auth-accept-any': {
    tool: 'Mailpit',
    takes: '',
    here: 'what loopback clients get until a user is added (--trust-loopback true, the default)',
  },
  '--smtp-auth-allow-insecure': {
    tool: 'Mailpit',
    takes: '',
    here: '--insecure-auth allow',
  },
  '--smtp-tls-cert': mailpitTlsCert,
  '--smtp-ssl-cert': mailpitTlsCert,
  '--smtp-tls-key': mailpitTlsKey,
  '--smtp-ssl-key': mailpitTlsKey,
  '--smtp-require-starttls': mailpitStartTls,
  '--smtp-tls-required': mailpitStartTls,
  '--smtp-require-tls': {
    tool: 'Mailpit',
    takes: '',
    here: '--smtps HOST:PORT (a listener with implicit TLS)',
  },
  '--smtp-max-recipients': { tool: 'Mailpit', takes: 'N', here: '--max-recipients N' },
  '--smtp-disable-rdns': { tool: 'Mailpit', takes: '', here: '--reverse-dns-timeout-ms 0' },
  '--smtp-relay-config': {
    tool: 'Mailpit',
    takes: 'FILE',
    here: relayConfigFile,
  },
  '--smtp-relay-all': { tool: 'Mailpit', takes: '', here: '--mode relay' },
  '--smtp-relay-matching': {
    tool: 'Mailpit',
    takes: 'REGEX',
    here: '--mode rules with {"type": "relay"} routing rules in a --config file',
  },
  '--smtp-forward-config': {
    tool: 'Mailpit',
    takes: 'FILE',
    here: '--mode rules with {"type": "redirect", "to": ADDRESS} routing rules in a --config file and an upstream (--relay-host; the message is kept and shown here too)',
  },
  '--smtp-allowed-recipients': {
    tool: 'Mailpit',
    takes: 'REGEX',
    here: '--mode rules with {"type": "reject"} routing rules in a --config file',
  },
  '--pop3-auth-file': {
    tool: 'Mailpit',
    takes: 'FILE',
    here: '`relaydesk user add NAME` (POP3 logs in with the SMTP users)',
  },
  '--pop3-tls-cert': {
    tool: 'Mailpit',
    takes: 'FILE',
    here: '--tls-cert FILE (one certificate for SMTP and POP3)',
  },
  '--pop3-tls-key': {
    tool: 'Mailpit',
    takes: 'FILE',
    here: '--tls-key FILE (one key for SMTP and POP3)',
  },
  // Mailpit's flags with nothing to set here: said why, so a command line or compose file
  // brought over is fixed in one go
  '--compression': {
    tool: 'Mailpit',
    takes: '0-3',
    none: 'each message is kept as the .eml file it came as, in the --data folder (put that folder on a compressed filesystem to compress it)',
  },
  '--disable-wal': {
    tool: 'Mailpit',
    takes: '',
    none: 'the index is SQLite on the --data folder, rebuilt from the .eml files when it is missing or damaged; keep that folder on a local disk, not NFS',
  },
  '--disable-auto-vacuum': {
    tool: 'Mailpit',
    takes: '',
    none: 'the index takes no vacuum setting (it can be deleted: it is rebuilt from the .eml files)',
  },
  '--disable-version-check': {
    tool: 'Mailpit',
    takes: '',
    none: 'Relaydesk never asks the network for a newer version',
  },
  '--disable-html-check': {
    tool: 'Mailpit',
    takes: '',
    none: 'the HTML check runs only for the message open in the GUI or asked for by the API',
  },
  '--disable-http-compression': {
    tool: 'Mailpit',
    takes: '',
    none: 'Relaydesk does not compress its HTTP answers',
  },
  '--disable-link-check-rate-limit': {
    tool: 'Mailpit',
    takes: '',
    none: 'the link check has no rate limit to lift (6 links at a time, 2 on one host)',
  },
  '--allow-untrusted-tls': {
    tool: 'Mailpit',
    takes: '',
    none: 'the link check and the screenshot always verify certificates; a link whose certificate is not trusted is listed with the certificate error',
  },
  '--block-remote-css-and-fonts': {
    tool: 'Mailpit',
    takes: '',
    none: 'the HTML view loads nothing remote (images, style sheets, fonts) until you press Load remote content',
  },
  '--smtp-strict-rfc-headers': {
    tool: 'Mailpit',
    takes: '',
    none: 'a message with bare CR or LF line ends is repaired and kept, and the message and its SMTP session say so',
  },
  '--smtp-ignore-rejected-recipients': {
    tool: 'Mailpit',
    takes: '',
    here: '--mode rules with {"type": "capture", "mailbox": NAME} routing rules in a --config file for the recipients to set aside (kept in a mailbox of their own, not dropped)',
  },
  '--ui-tls-cert': mailpitHttps,
  '--ui-ssl-cert': mailpitHttps,
  '--ui-tls-key': mailpitHttps,
  '--ui-ssl-key': mailpitHttps,
  '--webroot': {
    tool: 'Mailpit',
    takes: 'PATH',
    none: 'the UI and API are served at the root of --http; behind a reverse proxy, give Relaydesk a host name or port of its own',
  },
  '--log-file': {
    tool: 'Mailpit',
    takes: 'FILE',
    none: 'the logs are relay.log, audit.log and service.log in the --data folder (rotated by --log-max-size and --log-keep), and standard output',
  },
  '--quiet': mailpitLogLevel,
  '-q': mailpitLogLevel,
  '--verbose': mailpitLogLevel,
  '-v': mailpitLogLevel,
  '--webhook-limit': {
    tool: 'Mailpit',
    takes: 'N',
    none: 'each new message is posted at once, a few requests at a time (--webhook-timeout-ms, --webhook-retries)',
  },
  '--webhook-delay': {
    tool: 'Mailpit',
    takes: 'SECONDS',
    none: 'each new message is posted at once (--webhook-retries and --webhook-retry-delay-ms set the retries)',
  },
  '--tag': mailpitTag,
  '-t': mailpitTag,
  '--tags-config': { ...mailpitTag, takes: 'FILE' },
  // MailHog (Go flags: one dash or two)
  '--smtp-bind-addr': { tool: 'MailHog', takes: 'HOST:PORT', here: '--smtp HOST:PORT' },
  '--ui-bind-addr': mailhogHttp,
  '--api-bind-addr': mailhogHttp,
  '--storage': {
    tool: 'MailHog',
    takes: 'memory|maildir|mongodb',
    here: '--data DIR (always kept on disk)',
  },
  '--maildir-path': { tool: 'MailHog', takes: 'PATH', here: '--data DIR' },
  '--auth-file': {
    tool: 'MailHog',
    takes: 'FILE',
    here: htpasswdFile,
  },
  '--cors-origin': { tool: 'MailHog', takes: 'ORIGIN', here: '--api-cors ORIGINS' },
  '--invite-jim': {
    tool: 'MailHog',
    takes: '',
    here: "--enable-chaos true with --chaos-triggers (Mailpit's chaos)",
  },
  '--outgoing-smtp': {
    tool: 'MailHog',
    takes: 'FILE',
    here: relayConfigFile,
  },
  // MailDev (v2 and v3: packages/cli/src/options.ts)
  '--web': { tool: 'MailDev', takes: 'PORT', here: '--http 127.0.0.1:PORT (UI and API)' },
  '--ip': { tool: 'MailDev', takes: 'ADDRESS', here: '--smtp ADDRESS:PORT' },
  '--web-ip': { tool: 'MailDev', takes: 'ADDRESS', here: '--http ADDRESS:PORT' },
  '--mail-directory': { tool: 'MailDev', takes: 'PATH', here: '--data DIR' },
  '--max-emails': { tool: 'MailDev', takes: 'COUNT', here: '--max-messages N' },
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

/**
 * `--web: …` in words when the flag is another tool's, else null; `typed` is the flag as given
 * (MailHog's `-smtp-bind-addr` for `--smtp-bind-addr`).
 */
export function otherToolFlagHint(flag: string, typed = flag): string | null {
  const known = Object.hasOwn(otherToolFlags, flag) ? otherToolFlags[flag] : undefined;
  if (!known) return null;
  const theirs = known.takes ? `${typed} ${known.takes}` : typed;
  return `${typed}: not a Relaydesk flag; ${known.tool}'s ${theirs} ${counterpartOf(known)} (\`relaydesk serve --help\` lists the flags)`;
}

/** "is --http HOST:PORT here", or why nothing is needed here. */
function counterpartOf(known: OtherToolFlag): string {
  return 'here' in known ? `is ${known.here} here` : `has nothing to set here: ${known.none}`;
}

/** The flags this file knows, for the tests that check every hint names real flags. */
export const otherToolFlagNames = Object.keys(otherToolFlags);

/** Mailpit's variables whose flag has another name (MP_UI_BIND_ADDR is --listen). */
const mailpitVariableFlags: Record<string, string> = {
  MP_UI_BIND_ADDR: '--listen',
  MP_SMTP_BIND_ADDR: '--smtp',
  MP_POP3_BIND_ADDR: '--pop3',
  MP_DATA_FILE: '--database',
  MP_UI_AUTH: '--ui-auth-file',
  MP_SMTP_AUTH: '--smtp-auth-file',
  MP_POP3_AUTH: '--pop3-auth-file',
  MP_SEND_API_AUTH: '--send-api-auth-file',
  MP_SMTP_RELAY_HOST: '--relay-host',
  MP_SMTP_RELAY_PORT: '--relay-host',
  MP_SMTP_RELAY_USERNAME: '--relay-user',
  MP_SMTP_RELAY_STARTTLS: '--relay-security',
  MP_SMTP_RELAY_TLS: '--relay-security',
  MP_SMTP_FORWARD_TO: '--smtp-forward-config',
  MP_SMTP_FORWARD_HOST: '--smtp-forward-config',
};

/**
 * A line for each of Mailpit's variables (MP_MAX_MESSAGES) in the environment: a compose file
 * or CI job written for Mailpit sets them, and they would be ignored without a word, the relay
 * running with its defaults. Each says what to set here instead.
 */
export function mailpitVariables(
  env: NodeJS.ProcessEnv,
  ours: ReadonlyArray<{ flag: string; env: string }>,
): string[] {
  const lines: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith('MP_')) continue;
    const flag =
      mailpitVariableFlags[name] ?? `--${name.slice(3).toLowerCase().replaceAll('_', '-')}`;
    const same = ours.find((f) => f.flag === flag);
    const known = Object.hasOwn(otherToolFlags, flag) ? otherToolFlags[flag] : undefined;
    const instead = same
      ? `Relaydesk's is ${same.env} (${same.flag})`
      : known
        ? `Mailpit's ${flag} ${counterpartOf(known)} (each flag --x-y is RELAYDESK_X_Y)`
        : '`relaydesk serve --help` lists the settings (each flag --x-y is RELAYDESK_X_Y)';
    lines.push(`environment: ${name} is Mailpit's and is ignored; ${instead}`);
  }
  return lines;
}
