// Each way `relaydesk serve` can refuse to start gives exactly one line on stderr, starting with
// `relaydesk: `, naming the flag, variable or settings key and what is allowed, with no stack
// trace, and a non-zero exit code; it never prints the ready line.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { otherToolFlagHint, otherToolFlagNames } from '../../main/cli/other-tool-flags.js';
import { serveFlags } from '../../main/cli/serve-flags.js';
import {
  cleanupCliProcesses,
  freePort,
  makeTempDir,
  runCli,
  type RunResult,
} from '../helpers/cli-process.js';

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  await cleanupCliProcesses();
});

async function occupiedPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

/** Asserts the one-line refusal and returns that line (without `relaydesk: ` and the newline). */
function expectOneLine(result: RunResult): string {
  const all = result.stdout + result.stderr;
  expect(result.code, all).not.toBe(0);
  expect(result.code, `killed by ${result.signal}: it hung\n${all}`).not.toBeNull();
  expect(result.stderr, all).toMatch(/^relaydesk: [^\n]+\n$/);
  expect(all).not.toMatch(/^\s+at /m);
  expect(all).not.toMatch(/Relaydesk is ready/);
  // the one line is the only word about the failure (no second, raw report on stdout)
  expect(result.stdout).not.toMatch(/EADDRINUSE|EACCES|Error:/);
  return result.stderr.slice('relaydesk: '.length, -1);
}

async function serve(args: string[], env: Record<string, string> = {}): Promise<string> {
  const dataDir = args.includes('--data') ? [] : ['--data', await makeTempDir()];
  const ports = [
    ...(args.includes('--smtp') ? [] : ['--smtp', '127.0.0.1:0']),
    ...(args.includes('--http') ? [] : ['--http', '127.0.0.1:0']),
  ];
  return expectOneLine(
    await runCli(['serve', ...ports, ...dataDir, ...args], { env, timeoutMs: 10_000 }),
  );
}

describe('a port in use', () => {
  it('--smtp names the flag and the address', async () => {
    const port = await occupiedPort();
    expect(await serve(['--smtp', `127.0.0.1:${port}`])).toBe(
      `--smtp: 127.0.0.1:${port} is already in use; stop the other program or choose another port`,
    );
  });

  it('--http names the flag and the address', async () => {
    const port = await occupiedPort();
    expect(await serve(['--http', `127.0.0.1:${port}`])).toBe(
      `--http: 127.0.0.1:${port} is already in use; stop the other program or choose another port`,
    );
  });
});

describe('two listeners on one port', () => {
  it('names both before anything listens, not "the other program" (the loopback twin counts)', async () => {
    const port = await freePort();
    expect(await serve(['--smtp', `127.0.0.1:${port}`, '--pop3', `127.0.0.1:${port}`])).toBe(
      `--pop3: 127.0.0.1:${port} is the SMTP listener's address as well (one port, one listener); give POP3 a port of its own`,
    );
    // a listener on 127.0.0.1 takes ::1 at its port too (preload/loopback-twin.ts)
    expect(await serve(['--smtp', `127.0.0.1:${port}`, '--pop3', `[::1]:${port}`])).toBe(
      `--pop3: [::1]:${port} is the SMTP listener's address as well (one port, one listener); give POP3 a port of its own`,
    );
  });
});

describe('a data folder it cannot write', () => {
  // the tests run as root, whom chmod does not stop: use paths no one can create folders in
  it('under a regular file', async () => {
    const file = join(await makeTempDir(), 'a-file');
    await writeFile(file, 'not a folder');
    const data = join(file, 'sub');
    expect(await serve(['--data', data])).toBe(
      `--data: cannot write to ${JSON.stringify(data)} (ENOTDIR); choose a folder you can write to`,
    );
  });

  it('that is a regular file', async () => {
    const file = join(await makeTempDir(), 'a-file');
    await writeFile(file, 'not a folder');
    expect(await serve(['--data', file])).toMatch(
      /^--data: cannot write to ".*a-file" \(ENOTDIR\); choose a folder/,
    );
  });

  it('under /proc (where a recursive mkdir used to hang for ever)', async () => {
    expect(await serve(['--data', '/proc/relaydesk-test/data'])).toBe(
      '--data: cannot write to "/proc/relaydesk-test/data" (ENOENT); choose a folder you can write to',
    );
  });
});

describe('flags', () => {
  it('an unknown flag, listing the known ones', async () => {
    const line = await serve(['--smtp-port', '25']);
    expect(line).toMatch(
      /^--smtp-port: unknown flag; the flags are --config, --smtp, --http, --data, --max-messages, /,
    );
  });

  it('a misspelt flag, with the one meant instead of the list', async () => {
    expect(await serve(['--clamd-unavalable', 'accept'])).toBe(
      '--clamd-unavalable: unknown flag; did you mean --clamd-unavailable? (`relaydesk serve --help` says what each flag takes)',
    );
    expect(await serve(['--virus-acton=tag'])).toBe(
      '--virus-acton: unknown flag; did you mean --virus-action? (`relaydesk serve --help` says what each flag takes)',
    );
  });

  it('a MailDev or smtp4dev flag, with what does the same here instead of the list', async () => {
    expect(await serve(['--web', '1080'])).toBe(
      "--web: not a Relaydesk flag; MailDev's --web PORT is --http 127.0.0.1:PORT (UI and API) here (`relaydesk serve --help` lists the flags)",
    );
    expect(await serve(['--outgoing-host', 'smtp.example.com'])).toBe(
      "--outgoing-host: not a Relaydesk flag; MailDev's --outgoing-host HOST is --relay-host HOST:PORT with --relay-security starttls|tls|none here (`relaydesk serve --help` lists the flags)",
    );
    // smtp4dev writes its options with `=`
    expect(await serve(['--smtpport=2525'])).toBe(
      "--smtpport: not a Relaydesk flag; smtp4dev's --smtpport PORT is --smtp 127.0.0.1:PORT here (`relaydesk serve --help` lists the flags)",
    );
  });

  it('a Mailpit or MailHog flag, with what does the same here instead of the list', async () => {
    expect(await serve(['--listen', '0.0.0.0:8025'])).toBe(
      "--listen: not a Relaydesk flag; Mailpit's --listen HOST:PORT is --http HOST:PORT (UI and API) here (`relaydesk serve --help` lists the flags)",
    );
    // Mailpit's short forms
    expect(await serve(['-m', '500'])).toBe(
      "-m: not a Relaydesk flag; Mailpit's -m N is --max-messages N here (`relaydesk serve --help` lists the flags)",
    );
    // MailHog's Go flags take one dash: parseArgs alone named only `-s`, then the whole list
    expect(await serve(['-smtp-bind-addr', '0.0.0.0:1025'])).toBe(
      "-smtp-bind-addr: not a Relaydesk flag; MailHog's -smtp-bind-addr HOST:PORT is --smtp HOST:PORT here (`relaydesk serve --help` lists the flags)",
    );
    expect(await serve(['-hostname', 'mail.example'])).toBe(
      '-hostname: flags take two dashes here: --hostname',
    );
  });

  it('a Mailpit flag with nothing to set here, saying why', async () => {
    expect(await serve(['--compression', '3'])).toBe(
      "--compression: not a Relaydesk flag; Mailpit's --compression 0-3 has nothing to set here: each message is kept as the .eml file it came as, in the --data folder (put that folder on a compressed filesystem to compress it) (`relaydesk serve --help` lists the flags)",
    );
    expect(await serve(['--ui-tls-cert', 'cert.pem'])).toMatch(
      /^--ui-tls-cert: not a Relaydesk flag; Mailpit's --ui-tls-cert FILE has nothing to set here: .* for HTTPS put a reverse proxy/,
    );
  });

  it("knows every flag of Mailpit's (1.2x cmd/root.go): ours, or what does it here, or why none is needed", () => {
    const mailpit = [
      ...'allow-internal-http-requests allow-untrusted-tls api-cors block-remote-css-and-fonts chaos-triggers compression database db-file',
      ...' disable-auto-vacuum disable-html-check disable-http-compression disable-link-check-rate-limit disable-version-check disable-wal',
      ...' enable-chaos enable-prometheus enable-spamassassin hide-delete-all-button ignore-duplicate-ids label listen log-file max max-age',
      ...' max-message-size pop3 pop3-auth-file pop3-tls-cert pop3-tls-key quiet send-api-auth-accept-any send-api-auth-file smtp',
      ...' smtp-allowed-recipients smtp-auth-accept-any smtp-auth-allow-insecure smtp-auth-file smtp-disable-rdns smtp-forward-config',
      ...' smtp-ignore-rejected-recipients smtp-max-recipients smtp-relay-all smtp-relay-config smtp-relay-matching smtp-require-starttls',
      ...' smtp-require-tls smtp-ssl-cert smtp-ssl-key smtp-strict-rfc-headers smtp-tls-cert smtp-tls-key smtp-tls-required tag tags-config',
      ...' tags-disable tags-title-case tags-username tenant-id ui-auth-file ui-ssl-cert ui-ssl-key ui-tls-cert ui-tls-key use-message-dates',
      ...' verbose webhook-delay webhook-limit webhook-url webroot',
    ]
      .join('')
      .split(' ')
      .map((name) => `--${name}`);
    const ours = new Set(serveFlags.map((f) => f.flag));
    const unknown = mailpit.filter((flag) => !ours.has(flag) && !otherToolFlagNames.includes(flag));
    expect(unknown).toEqual([]);
  });

  it("every flag another tool's hint names is a flag of serve", () => {
    const ours = new Set(['--config', '--help', ...serveFlags.map((f) => f.flag)]);
    for (const flag of otherToolFlagNames) {
      expect(ours.has(flag), `${flag} is ours too`).toBe(false);
      const named = (otherToolFlagHint(flag) ?? '')
        .split(/ is | has nothing to set here: /)[1]
        ?.match(/--[a-z][a-z0-9-]*/g);
      for (const name of named ?? []) expect(ours, `${flag} names ${name}`).toContain(name);
    }
  });

  it('a positional argument', async () => {
    expect(await serve(['extra'])).toBe(
      'extra: unexpected argument; flags look like --smtp 127.0.0.1:1025',
    );
  });

  it('a flag without its value', async () => {
    expect(await serve(['--max-messages'])).toBe(
      '--max-messages: needs a value: a whole number from 0 (keep all) to 10000000',
    );
  });

  it('an unknown command', async () => {
    expect(expectOneLine(await runCli(['server']))).toBe(
      'server: unknown command; use "serve", "sendmail", "user", "lockout", "queue", "dump", "ingest", "dkim", "validate", "suspend", "unsuspend", "suspensions" or "version"',
    );
  });
});

describe('bad values', () => {
  it('--smtp nonsense', async () => {
    expect(await serve(['--smtp', 'nonsense'])).toBe(
      '--smtp: "nonsense" is not valid; use HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:1025',
    );
  });

  it('--http with a port over 65535', async () => {
    expect(await serve(['--http', '127.0.0.1:70000'])).toMatch(
      /^--http: "127.0.0.1:70000" is not valid; use HOST:PORT/,
    );
  });

  it('--max-messages -1 (a value that starts with a dash)', async () => {
    expect(await serve(['--max-messages', '-1'])).toBe(
      '--max-messages: "-1" is not valid; use a whole number from 0 (keep all) to 10000000',
    );
  });

  it('RELAYDESK_MAX_MESSAGES=abc', async () => {
    expect(await serve([], { RELAYDESK_MAX_MESSAGES: 'abc' })).toBe(
      'RELAYDESK_MAX_MESSAGES: "abc" is not valid; use a whole number from 0 (keep all) to 10000000',
    );
  });

  // a content rule (header_checks) with a pattern that does not compile never starts a relay
  // that would let the mail it was meant to stop through
  it('--content-rules with a bad regular expression names the entry, the field and the fix', async () => {
    const rules = [
      { where: 'header', match: '^Subject: ok', action: 'warn' },
      { where: 'header', match: '^Subject: (free', action: 'reject', text: 'no' },
    ];
    expect(await serve(['--content-rules', JSON.stringify(rules)])).toBe(
      '--content-rules: contentRules[1].match: "^Subject: (free" is not a valid regular expression (Unterminated group); fix it, or write a character such as "(" or "[" as "\\\\(" to match it as it is',
    );
  });

  it('--spam-action without a spamd to ask names both settings and the fix (it passed all mail unscored)', async () => {
    expect(await serve(['--spam-action', 'quarantine'])).toBe(
      '--spam-action quarantine acts on what a SpamAssassin spamd scores, and none is set: give --spamassassin HOST:PORT, or choose --spam-action off',
    );
  });

  it('content rules in RELAYDESK_CONTENT_RULES with an unknown action and a reject without its text', async () => {
    const result = await runCli(
      [
        'serve',
        ...['--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data', await makeTempDir()],
      ],
      {
        env: {
          RELAYDESK_CONTENT_RULES: JSON.stringify([
            { where: 'body', match: 'x', action: 'bounce' },
            { where: 'header', match: '^Subject: y', action: 'reject' },
          ]),
        },
        timeoutMs: 10_000,
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toEqual([
      'relaydesk: RELAYDESK_CONTENT_RULES: contentRules[0].action: "bounce" is not valid; use "reject", "discard", "hold", "warn", "ignore", "replace", "prepend"',
      'relaydesk: RELAYDESK_CONTENT_RULES: contentRules[1].text is missing; "reject" needs it: give the reply the client gets after "550 5.7.1", such as "no lotteries here"',
      '',
    ]);
  });

  it('RELAYDESK_SMTP with no port', async () => {
    expect(await serve([], { RELAYDESK_SMTP: 'localhost' })).toMatch(
      /^RELAYDESK_SMTP: "localhost" is not valid; use HOST:PORT/,
    );
  });
});

describe('the --config file', () => {
  async function configFile(text: string): Promise<string> {
    const path = join(await makeTempDir(), 'relaydesk.json');
    await writeFile(path, text);
    return path;
  }

  it('an unknown key, listing the known ones', async () => {
    const path = await configFile('{"maximumMessages": 10}');
    expect(await serve(['--config', path])).toMatch(
      new RegExp(
        `^settings file ${JSON.stringify(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: maximumMessages: unknown setting; known settings are smtp, http, dataDir, maxMessages, `,
      ),
    );
  });

  it('a misspelt key, with the one meant (quota for quotas)', async () => {
    const path = await configFile('{"quota": [{"user": "*", "perMinute": 3}]}');
    expect(await serve(['--config', path])).toBe(
      `settings file ${JSON.stringify(path)}: quota: unknown setting; did you mean "quotas"?`,
    );
  });

  // a slip inside an object or a list item gets the key meant, with its full path, as a slip at
  // the top does; before, each was refused with a list of fields (or, for dkim, read as missing).
  // And the file, in the one form a top-level problem takes too: `settings file "…": place: …`
  const nestedSlips: Array<[string, Record<string, unknown>, string]> = [
    [
      'a quota',
      { quotas: [{ user: '*', perHuor: 100 }] },
      'quotas[0].perHuor: unknown field "perHuor"; did you mean "perHour"?',
    ],
    [
      "a routing rule's filter",
      {
        rules: [
          { match: { recipient: '*@a.example' }, action: { type: 'capture' } },
          { action: { type: 'capture' }, filter: { virusActon: 'quarantine' } },
        ],
      },
      'rules[1].filter.virusActon: unknown field "virusActon"; did you mean "virusAction"?',
    ],
    [
      'a routing rule',
      {
        rules: [
          { action: { type: 'capture' } },
          { mach: { recipient: '*@b.example' }, action: { type: 'capture' } },
        ],
      },
      'rules[1].mach: unknown field "mach"; did you mean "match"?',
    ],
    [
      "a routing rule's match",
      { rules: [{ match: { recipent: '*' }, action: { type: 'capture' } }] },
      'rules[0].match.recipent: unknown field "recipent"; did you mean "recipient"?',
    ],
    [
      'the upstream',
      { relay: { host: 'smtp.example.com', port: 587, secuirty: 'starttls' } },
      'relay.secuirty: unknown field "secuirty"; did you mean "security"?',
    ],
    [
      "the upstream's auth",
      { relay: { host: 'smtp.example.com', port: 587, auth: { usr: 'a', password: 'b' } } },
      'relay.auth.usr: unknown field "usr"; did you mean "user"?',
    ],
    [
      'the rate limit',
      { rateLimit: { perMinut: 60 } },
      'rateLimit.perMinut: unknown field "perMinut"; did you mean "perMinute"?',
    ],
    [
      'a DKIM key',
      { dkim: [{ domain: 'a.example', selectr: 's1', keyFile: '/k.pem' }] },
      'dkim[0].selectr: unknown field "selectr"; did you mean "selector"?',
    ],
    [
      'a sender rewrite',
      { senderRewrite: [{ match: '*@printer.local', to: 'o@example.com', form: 'always' }] },
      'senderRewrite[0].form: unknown field "form"; did you mean "from"?',
    ],
    [
      'a warm-up schedule',
      { warmup: [{ upstream: 'smtp.example.com', start: '2026-12-01', prest: 'dedicated-ip' }] },
      'warmup[0].prest: unknown field "prest"; did you mean "preset"?',
    ],
    [
      'the attachment policy',
      { attachments: { types: ['executable'], acton: 'reject' } },
      'attachments.acton: unknown field "acton"; did you mean "action"?',
    ],
  ];
  for (const [where, settings, message] of nestedSlips) {
    it(`a misspelt key inside ${where}, with its path and the key meant`, async () => {
      const path = await configFile(JSON.stringify(settings, null, 2));
      expect(await serve(['--config', path])).toBe(
        `settings file ${JSON.stringify(path)}: ${message}`,
      );
    });
  }

  // the file's upstream with a flag's bad part: the flag is what to fix, not the file
  it("a bad --relay-security over the file's upstream names the flag, not the file", async () => {
    const path = await configFile('{"relay": {"host": "smtp.example.com", "port": 587}}');
    expect(await serve(['--config', path, '--relay-security', 'bogus'])).toMatch(
      /^--relay-security: "bogus" /,
    );
  });

  it('a sender rewrite without its pattern says which field is missing', async () => {
    const path = await configFile('{"senderRewrite": [{"to": "o@example.com"}]}');
    expect(await serve(['--config', path])).toBe(
      `settings file ${JSON.stringify(path)}: senderRewrite[0].match is missing; give the senders to rewrite as a glob such as "*@printer.local"`,
    );
  });

  // every problem of every entry, one line each: the audit's admin fixed -1, then found the CIDR
  it("every entry's problems at once, one line each, naming the entry and the field", async () => {
    const path = await configFile(
      JSON.stringify({
        quotas: [
          { ip: '10.0.0.0/33', perHour: -1 },
          { user: '@example.com', perDay: 10 },
        ],
      }),
    );
    const result = await runCli(
      [
        'serve',
        ...['--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data', await makeTempDir()],
        ...['--config', path],
      ],
      { timeoutMs: 10_000 },
    );
    const file = `relaydesk: settings file ${JSON.stringify(path)}`;
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toEqual([
      `${file}: quotas[0].ip: "10.0.0.0/33" is not a CIDR; use e.g. 192.168.1.0/24, or 0.0.0.0/0 and ::/0 for every client`,
      `${file}: quotas[0].perHour: -1 is not valid; use a whole number from 0 (no limit) to 10000000`,
      `${file}: quotas[1].user: "@example.com" has nothing before the "@", so it matches no user name; give "*@example.com" for every user of that domain`,
      '',
    ]);
  });

  // the dkim list stopped at its first problem: fixing the domain then revealed the selector
  it("every DKIM key's problems at once, one line each, naming the entry and the field", async () => {
    const path = await configFile(
      JSON.stringify({
        dkim: [
          { domain: 'shop', selector: 'mail 2026', keyFile: '/etc/dkim/shop.pem' },
          { domain: 'news.example', selectr: 'n1', keyFile: 42 },
          'news.example',
        ],
      }),
    );
    const result = await runCli(
      [
        'serve',
        ...['--smtp', '127.0.0.1:0', '--http', '127.0.0.1:0', '--data', await makeTempDir()],
        ...['--config', path],
      ],
      { timeoutMs: 10_000 },
    );
    const file = `relaydesk: settings file ${JSON.stringify(path)}`;
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toEqual([
      `${file}: dkim[0].domain: "shop" is not a domain name; give the domain of the From address, e.g. example.com`,
      `${file}: dkim[0].selector: "mail 2026" is not a valid selector: use only letters, digits, hyphens and underscores, in labels of 1 to 63 characters joined by dots, none starting or ending with a hyphen; e.g. mail2026`,
      `${file}: dkim[1].selectr: unknown field "selectr"; did you mean "selector"?`,
      `${file}: dkim[1].keyFile: 42 is not a file path; give the path of its PEM private key, e.g. "/etc/dkim/mail.pem"`,
      `${file}: dkim[2]: "news.example" is not an object; give {"domain": "example.com", "selector": "mail", "keyFile": "/path/mail.pem"}`,
      '',
    ]);
  });

  it('a key like no known one still gets the list of fields', async () => {
    const path = await configFile('{"quotas": [{"user": "*", "limit": 5}]}');
    expect(await serve(['--config', path])).toBe(
      `settings file ${JSON.stringify(path)}: quotas[0]: unknown field "limit"; use name, user or ip, perMinute, perHour, perDay and recipientsPerDay`,
    );
  });

  it('a bad value, naming the file and the key', async () => {
    const path = await configFile('{"maxMessages": -5}');
    expect(await serve(['--config', path])).toBe(
      `settings file ${JSON.stringify(path)}: maxMessages: -5 is not valid; use a whole number from 0 (keep all) to 10000000`,
    );
  });

  // the place and the fix, not V8's "at position 26": an admin opens the file at that line
  it('invalid JSON: a trailing comma, with its line, column and fix', async () => {
    const path = await configFile('{\n  "maxMessages": 10,\n}\n');
    expect(await serve(['--config', path])).toBe(
      `--config: ${JSON.stringify(path)} is not valid JSON at line 2, column 20: found "," before "}"; remove the trailing comma`,
    );
  });

  it('invalid JSON: a string never closed', async () => {
    const path = await configFile('{\n  "hostname": "relay.example.com,\n  "maxMessages": 10\n}\n');
    expect(await serve(['--config', path])).toBe(
      `--config: ${JSON.stringify(path)} is not valid JSON at line 2, column 15: found a string that is never closed (the end of the line comes first); add the missing double quote (") at its end`,
    );
  });

  it('invalid JSON: a comment', async () => {
    const path = await configFile('{\n  "maxMessages": 10\n  # keep a few\n}\n');
    expect(await serve(['--config', path])).toBe(
      `--config: ${JSON.stringify(path)} is not valid JSON at line 3, column 3: found a comment ("#"); remove the comment: JSON has none`,
    );
  });

  it('JSON that is not an object', async () => {
    const path = await configFile('[1, 2]');
    expect(await serve(['--config', path])).toMatch(
      /^--config: ".*" must hold a JSON object such as \{"maxMessages": 500\}$/,
    );
  });

  it('a file that does not exist', async () => {
    const path = join(await makeTempDir(), 'missing.json');
    expect(await serve(['--config', path])).toBe(
      `--config: cannot read ${JSON.stringify(path)} (ENOENT); give the path of a JSON settings file`,
    );
  });
});

describe('a damaged settings.json in the data folder', () => {
  // what the GUI saved (the upstream, its password, the rules) is in that file: a start with the
  // defaults would overwrite it at the next save, so serve refuses, says where, and keeps it
  it('names the line, column and fix, says the file is kept, and leaves it byte for byte', async () => {
    const data = await makeTempDir();
    const path = join(data, 'settings.json');
    const damaged =
      '{\n  "relay": {"host": "smtp.example.com", "port": 587},\n  "maxMessages": 500,\n}\n';
    await writeFile(path, damaged);
    expect(await serve(['--data', data])).toBe(
      `saved settings: ${JSON.stringify(path)} is not valid JSON at line 3, column 21: found "," before "}"; remove the trailing comma. Nothing was started or overwritten: the file is left as it is, with your saved settings in it; fix it, or move it away to start with the default settings`,
    );
    expect(await readFile(path, 'utf8')).toBe(damaged);
  });
});

describe('a damaged suspensions.json in the data folder', () => {
  // the suspended senders are in that file (README: edited by hand too): a start without them
  // would let them send, so serve refuses, naming the file, the entry and the fix; it said only
  // "Expected double-quoted property name in JSON at position 33", or "Value: … is not an IP
  // address" with no word of where
  const saved = (entry: Record<string, unknown>) =>
    JSON.stringify({
      version: 1,
      suspensions: [
        {
          ID: 'a1b2c3',
          Kind: 'ip',
          Value: '192.0.2.7',
          Reason: 'hacked',
          Created: '2026-12-05T10:00:00.000Z',
          Auto: false,
          ...entry,
        },
      ],
    });

  async function refusal(text: string): Promise<{ line: string; path: string }> {
    const data = await makeTempDir();
    const path = join(data, 'suspensions.json');
    await writeFile(path, text);
    return { line: await serve(['--data', data]), path };
  }

  it('invalid JSON: where, and the fix', async () => {
    const { line, path } = await refusal('{"suspensions": [ {"Kind": "ip", }\n');
    expect(line).toBe(
      `suspensions: ${JSON.stringify(path)} is not valid JSON at line 1, column 32: found "," before "}"; remove the trailing comma (or remove the file to start with no sender suspended)`,
    );
  });

  it('an entry whose value does not fit its kind, or whose kind is unknown, by its index', async () => {
    const value = await refusal(saved({ Value: '300.1.1.1' }));
    expect(value.line).toBe(
      `suspensions: ${JSON.stringify(value.path)}: suspensions[0].Value: "300.1.1.1" is not an IP address; give one such as 192.0.2.7 or 2001:db8::7 (or use Kind "cidr" for a range); fix or remove that entry`,
    );
    const kind = await refusal(saved({ Kind: 'domain' }));
    expect(kind.line).toBe(
      `suspensions: ${JSON.stringify(kind.path)}: suspensions[0].Kind: "domain" is not valid; use "ip", "cidr", "user" or "sender"; fix or remove that entry`,
    );
  });

  it('a folder in the place of a data file: which file, and the fix', async () => {
    // a read's own error named no file: "EISDIR: illegal operation on a directory, read"
    const files = {
      'suspensions.json': 'suspensions',
      'users.json': 'users',
      [join('arrivals', 'journal.log')]: 'arrivals journal',
      // rebuilt from the sidecars when damaged, but a folder is not the index's to remove
      'index.sqlite': 'index',
    };
    for (const [file, what] of Object.entries(files)) {
      const data = await makeTempDir();
      await mkdir(join(data, file), { recursive: true });
      expect(await serve(['--data', data])).toBe(
        `${what}: ${JSON.stringify(join(data, file))} cannot be read (EISDIR); something other than a file is in its place: move it away`,
      );
    }
  });
});
