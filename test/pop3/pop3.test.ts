// POP3 with real clients: Python's poplib (STLS, STAT, LIST, UIDL, RETR, TOP, DELE, RSET, QUIT)
// and curl (pop3://, and pop3s:// with the self-signed certificate), against mail sent over SMTP.
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const run = promisify(execFile);
const python = requireTool(tools.python3);
const curl = requireTool(tools.curl);

/** Runs a poplib script; `pop` is a POP3 connection to the port, after `setup`. */
async function poplib(port: number, body: string): Promise<string> {
  const script = [
    'import poplib, ssl, sys, json',
    `pop = poplib.POP3('127.0.0.1', ${port}, timeout=20)`,
    'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
    'out = {}',
    body,
    'print(json.dumps(out))',
  ].join('\n');
  const { stdout } = await run(python as string, ['-c', script]);
  return stdout;
}

async function send(
  relay: TestRelaydesk,
  to: string,
  subject: string,
  text: string,
): Promise<string> {
  const info = await relay.transport().sendMail({ from: 'app@sender.example', to, subject, text });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

function pop3Port(relay: TestRelaydesk, which: 'pop3' | 'pop3s' = 'pop3'): number {
  return (relay.service.pop3Addresses()[which] as { port: number }).port;
}

describe.skipIf(!python || !curl)('POP3 with no users (a loopback client may log in)', () => {
  let relay: TestRelaydesk;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    relay = await startTestRelaydesk({
      pop3: '127.0.0.1:0',
      pop3s: '127.0.0.1:0',
      mode: 'rules',
      rules: [
        {
          name: 'project b',
          match: { recipient: '*@b.example' },
          action: { type: 'capture', mailbox: 'project-b' },
        },
      ],
    });
    ids.first = await send(
      relay,
      'bob@a.example',
      'First',
      'Hello\n.a line with a leading dot\nBye',
    );
    ids.second = await send(relay, 'carol@b.example', 'Second', 'For project B');
  });
  afterAll(async () => relay?.dispose());

  it('serves every message, oldest first, byte for byte as the API has it (poplib, STLS)', async () => {
    const out = JSON.parse(
      await poplib(
        pop3Port(relay),
        [
          "out['capa'] = sorted(pop.capa().keys())",
          'pop.stls(ctx)',
          "pop.user('ada'); out['pass'] = pop.pass_('anything').decode()",
          "out['stat'] = list(pop.stat())",
          "out['uidl'] = [l.decode() for l in pop.uidl()[1]]",
          "out['list'] = [l.decode() for l in pop.list()[1]]",
          "out['retr'] = b'\\r\\n'.join(pop.retr(1)[1]).decode()",
          "out['top'] = [l.decode() for l in pop.top(1, 1)[1]]",
          'pop.quit()',
        ].join('\n'),
      ),
    ) as Record<string, unknown>;
    expect(out.capa).toEqual(expect.arrayContaining(['STLS', 'USER', 'TOP', 'UIDL']));
    const info = await relay.api<{ Listeners: Record<string, string> }>('/api/v1/info');
    expect(info.Listeners.pop3).toBe(`127.0.0.1:${pop3Port(relay)}`);
    expect(info.Listeners.pop3s).toBe(`127.0.0.1:${pop3Port(relay, 'pop3s')}`);
    expect(out.pass).toMatch(/^\+OK all mail: 2 messages/);
    const raw1 = await (await relay.fetch(`/api/v1/message/${ids.first}/raw`)).text();
    const raw2 = await (await relay.fetch(`/api/v1/message/${ids.second}/raw`)).text();
    expect(out.stat).toEqual([2, Buffer.byteLength(raw1) + Buffer.byteLength(raw2)]);
    expect(out.uidl).toEqual([`1 ${ids.first}`, `2 ${ids.second}`]);
    expect(out.list).toEqual([`1 ${Buffer.byteLength(raw1)}`, `2 ${Buffer.byteLength(raw2)}`]);
    // poplib undoes the dot-stuffing: the line with a leading dot arrives as sent
    expect(`${out.retr as string}\r\n`).toBe(raw1);
    const top = out.top as string[];
    expect(top).toContain('Subject: First');
    expect(top.at(-1)).toBe('Hello');
    // reading a message marks it read, as opening it in the web UI does
    const page = await relay.api<MessagesPage>('/api/v1/messages');
    expect(page.messages.find((m) => m.ID === ids.first)?.Read).toBe(true);
    expect(page.messages.find((m) => m.ID === ids.second)?.Read).toBe(false);
  });

  it('serves one mailbox for NAME/MAILBOX (curl pop3:// and pop3s:// with -k)', async () => {
    const list = await run(curl as string, [
      '-s',
      '-u',
      'ada/project-b:x',
      `pop3://127.0.0.1:${pop3Port(relay)}/`,
    ]);
    expect(list.stdout.trim().split(/\r?\n/)).toHaveLength(1);
    const message = await run(curl as string, [
      '-s',
      '-k',
      '-u',
      'ada/project-b:x',
      `pop3s://127.0.0.1:${pop3Port(relay, 'pop3s')}/1`,
    ]);
    expect(message.stdout).toContain('Subject: Second');
    // user and mailbox names ignore case, as Dovecot and Mailpit: `Ada/Project-B` is project-b
    const cased = JSON.parse(
      await poplib(
        pop3Port(relay),
        [
          "pop.user('Ada/Project-B'); out['pass'] = pop.pass_('x').decode()",
          "out['top'] = [l.decode() for l in pop.top(1, 0)[1] if l.startswith(b'Subject:')]",
          'pop.quit()',
        ].join('\n'),
      ),
    ) as { pass: string; top: string[] };
    expect(cased.pass).toMatch(/^\+OK mailbox project-b: 1 message \(\d+ octets\)$/);
    expect(cased.top).toEqual(['Subject: Second']);
    // a mailbox no mail went to, as mistyped: said, with the names
    const none = JSON.parse(
      await poplib(
        pop3Port(relay),
        "pop.user('ada/staging'); out['pass'] = pop.pass_('x').decode(); pop.quit()",
      ),
    ) as { pass: string };
    expect(none.pass).toBe(
      '+OK mailbox staging: 0 messages (0 octets); no mail went to "staging" (mailboxes: inbox, project-b)',
    );
    // without -k, curl refuses the self-signed certificate: it really is TLS
    const strict = await run(curl as string, [
      '-s',
      '-u',
      'ada:x',
      `pop3s://127.0.0.1:${pop3Port(relay, 'pop3s')}/`,
    ]).catch((err: { code: number }) => err);
    expect((strict as { code: number }).code).toBe(60);
  });

  it('deletes at QUIT, not before, and RSET takes deletions back', async () => {
    const doomed = await send(relay, 'dan@a.example', 'Doomed', 'bye');
    const count = async (): Promise<number> =>
      (await relay.api<MessagesPage>('/api/v1/messages')).total;
    const before = await count();
    // DELE, then the connection drops without QUIT: nothing is deleted
    const socket: Socket = connect(pop3Port(relay), '127.0.0.1');
    const transcript = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (/deleted\r\n$/.test(text)) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.write('USER ada\r\nPASS x\r\nDELE 1\r\n');
    });
    expect(transcript).toContain('+OK message 1 deleted');
    expect(await count()).toBe(before);

    const out = JSON.parse(
      await poplib(
        pop3Port(relay),
        [
          "pop.user('ada'); pop.pass_('x')",
          'n = pop.stat()[0]',
          'pop.dele(n); pop.rset()',
          "out['afterRset'] = pop.stat()[0]",
          'pop.dele(n)',
          "out['quit'] = pop.quit().decode()",
        ].join('\n'),
      ),
    ) as { afterRset: number; quit: string };
    expect(out.afterRset).toBe(before);
    expect(out.quit).toMatch(/\(1 deleted\)/);
    expect(await count()).toBe(before - 1);
    expect((await relay.fetch(`/api/v1/message/${doomed}`)).status).toBe(404);
  });

  it('a message deleted through the API meanwhile is not counted at QUIT', async () => {
    const id = await send(relay, 'erin@a.example', 'Deleted twice', 'gone');
    // a second POP3 session cannot log in meanwhile (pop3-lock.test.ts); the API can delete
    const url = `http://127.0.0.1:${relay.http.port}/api/v1/messages`;
    const out = JSON.parse(
      await poplib(
        pop3Port(relay),
        [
          'import urllib.request',
          "pop.user('ada'); pop.pass_('x')",
          'n = pop.stat()[0]',
          'pop.dele(n)',
          `req = urllib.request.Request(${JSON.stringify(url)}, data=json.dumps({'IDs': [${JSON.stringify(id)}]}).encode(), method='DELETE', headers={'Content-Type': 'application/json'})`,
          'urllib.request.urlopen(req).read()',
          "out['quit'] = pop.quit().decode()",
        ].join('\n'),
      ),
    ) as { quit: string };
    expect(out.quit).toMatch(/\(0 deleted\)$/);
  });

  it('drops commands pipelined after STLS instead of running them encrypted', async () => {
    const plain = connect(pop3Port(relay), '127.0.0.1');
    await new Promise<void>((resolve) => plain.once('data', () => resolve()));
    // "USER mallory" rides in the same packet as STLS: it must not count as sent over TLS
    plain.write('STLS\r\nUSER mallory\r\n');
    await new Promise<void>((resolve) => plain.once('data', () => resolve()));
    const secure = tlsConnect({ socket: plain, rejectUnauthorized: false });
    await once(secure, 'secureConnect');
    secure.write('PASS x\r\n');
    const [reply] = (await once(secure, 'data')) as [Buffer];
    expect(reply.toString()).toBe('-ERR send USER first\r\n');
    secure.destroy();
  });

  it('answers errors with -ERR and a reason', async () => {
    const socket = connect(pop3Port(relay), '127.0.0.1');
    const text = await new Promise<string>((resolve) => {
      let all = '';
      socket.on('data', (chunk: Buffer) => (all += chunk.toString()));
      socket.on('end', () => resolve(all));
      socket.write(
        'STAT\r\nUSER ada\r\nPASS x\r\nRETR 99\r\nTOP 1\r\nFOO\r\nSTLS\r\nUSER bob\r\nQUIT\r\n',
      );
    });
    const replies = text.split('\r\n');
    expect(replies).toContain('-ERR STAT is not valid before login');
    expect(replies).toContain('-ERR no message 99');
    expect(replies).toContain('-ERR TOP takes a message number and a line count, e.g. TOP 1 10');
    expect(replies).toContain('-ERR unknown command FOO');
    // a login command after the login is valid POP3, not an unknown command
    expect(replies).toContain(
      '-ERR STLS is valid only before login; this session is logged in already (QUIT and connect again, then STLS first)',
    );
    expect(replies).toContain(
      '-ERR USER is valid only before login; this session is logged in already (QUIT and connect again)',
    );
  });

  it('answers multi-line commands at once, not a delayed ACK later (poplib, POP3 and POP3S)', async () => {
    // written line by line, a LIST, TOP or RETR waited on Nagle for the client's delayed ACK,
    // some 40 ms each: a mail client took 45 s to download a mailbox of 1,000 messages
    const script = [
      'import poplib, ssl, statistics, sys, time, json',
      'ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE',
      'out = {}',
      `for name, pop in (('pop3', poplib.POP3('127.0.0.1', ${pop3Port(relay)}, timeout=20)), ('pop3s', poplib.POP3_SSL('127.0.0.1', ${pop3Port(relay, 'pop3s')}, context=ctx, timeout=20))):`,
      "    pop.user('ada'); pop.pass_('x')",
      '    times = []',
      '    for i in range(20):',
      '        for command in (pop.capa, pop.list, pop.uidl, lambda: pop.top(1, 0), lambda: pop.retr(2)):',
      '            start = time.perf_counter(); command(); times.append(time.perf_counter() - start)',
      '    pop.quit()',
      '    out[name] = statistics.median(times) * 1000',
      'print(json.dumps(out))',
    ].join('\n');
    const { stdout } = await run(python as string, ['-c', script]);
    const median = JSON.parse(stdout) as { pop3: number; pop3s: number };
    // a few ms on a loaded machine; the stall was 40 ms and more
    expect(median.pop3).toBeLessThan(20);
    expect(median.pop3s).toBeLessThan(20);
  });
});

describe.skipIf(!python)('POP3 and a message that came without a final newline', () => {
  it('counts in LIST the octets RETR sends, for an imported file without one', async () => {
    const relay = await startTestRelaydesk({ pop3: '127.0.0.1:0' });
    try {
      // a file saved by an editor without a last newline, imported as Mailpit's clients do
      const ingest = await relay.fetch('/api/v1/ingest', {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822' },
        body: 'From: a@sender.example\nTo: b@x.example\nSubject: no newline\n\nthe last line',
      });
      expect(ingest.status).toBe(200);
      const out = JSON.parse(
        await poplib(
          pop3Port(relay),
          [
            "pop.user('ada'); pop.pass_('x')",
            "out['list'] = [int(l.split()[1]) for l in pop.list()[1]]",
            "resp, lines, octets = pop.retr(1); out['retr'] = octets",
            "out['last'] = lines[-1].decode()",
            'pop.quit()',
          ].join('\n'),
        ),
      ) as { list: number[]; retr: number; last: string };
      expect(out.last).toBe('the last line');
      // before: LIST said 2 fewer, and a client that checks the size took it as cut short
      expect(out.list).toEqual([out.retr]);
      const page = await relay.api<MessagesPage>('/api/v1/messages');
      const raw = await (await relay.fetch(`/api/v1/message/${page.messages[0]?.ID}/raw`)).text();
      expect(raw.endsWith('the last line\r\n')).toBe(true);
    } finally {
      await relay.dispose();
    }
  });
});

describe.skipIf(!python)('POP3 and a client that shuts its sending side', () => {
  it('answers a whole piped session, QUIT and its deletions included (printf … | nc -N)', async () => {
    const relay = await startTestRelaydesk({ pop3: '127.0.0.1:0' });
    try {
      await send(relay, 'bob@a.example', 'Piped', 'read by a script');
      const script = [
        'import socket, json',
        `s = socket.create_connection(('127.0.0.1', ${pop3Port(relay)}), timeout=20)`,
        's.recv(1000)',
        "s.sendall(b'USER ada\\r\\nPASS x\\r\\nLIST\\r\\nRETR 1\\r\\nDELE 1\\r\\nQUIT\\r\\n')",
        's.shutdown(socket.SHUT_WR)',
        "out = b''",
        'while True:',
        '    d = s.recv(65536)',
        '    if not d: break',
        '    out += d',
        'print(json.dumps(out.decode()))',
      ].join('\n');
      const { stdout } = await run(python as string, ['-c', script]);
      const transcript = JSON.parse(stdout) as string;
      // before: the replies stopped wherever the client's FIN found them (often after PASS),
      // while the deletion went ahead unconfirmed
      expect(transcript).toContain('Subject: Piped');
      expect(transcript).toMatch(
        /\+OK message 1 deleted\r\n\+OK Relaydesk POP3 server signing off \(1 deleted\)\r\n$/,
      );
      expect((await relay.api<MessagesPage>('/api/v1/messages')).total).toBe(0);
    } finally {
      await relay.dispose();
    }
  });
});

describe.skipIf(!python || !curl)('POP3 with SMTP users', () => {
  let relay: TestRelaydesk;

  beforeAll(async () => {
    relay = await startTestRelaydesk({ pop3: '127.0.0.1:0', authFailureDelayMs: 0 });
    // two spaces and a non-ASCII letter: the password is the rest of the line, in UTF-8
    await relay.service.addUser('ada', 'correct  hörse');
    await send(relay, 'bob@a.example', 'For Ada', 'hello');
  });
  afterAll(async () => relay?.dispose());

  it('takes the SMTP users’ passwords and refuses wrong ones', async () => {
    const url = `pop3://127.0.0.1:${pop3Port(relay)}/`;
    const ok = await run(curl as string, ['-s', '-u', 'ada:correct  hörse', url]);
    expect(ok.stdout.trim()).toMatch(/^1 \d+$/);
    const wrong = await run(curl as string, ['-s', '-u', 'ada:wrong', url]).catch(
      (err: { code: number }) => err,
    );
    expect((wrong as { code: number }).code).toBe(67); // curl: login denied
    const unknown = await run(curl as string, ['-s', '-u', 'mallory:correct  hörse', url]).catch(
      (err: { code: number }) => err,
    );
    expect((unknown as { code: number }).code).toBe(67);
  });

  it('matches the user name ignoring case, as Dovecot and Mailpit do (curl, poplib)', async () => {
    const url = `pop3://127.0.0.1:${pop3Port(relay)}/`;
    for (const name of ['Ada', 'ADA']) {
      const listed = await run(curl as string, ['-s', '-u', `${name}:correct  hörse`, url]);
      expect(listed.stdout.trim(), name).toMatch(/^1 \d+$/);
    }
    const out = JSON.parse(
      await poplib(
        pop3Port(relay),
        "pop.user('aDa'); out['pass'] = pop.pass_('correct  hörse').decode(); pop.quit()",
      ),
    ) as { pass: string };
    expect(out.pass).toMatch(/^\+OK all mail: 1 message/);
    // the password is still exact
    const wrong = await run(curl as string, ['-s', '-u', 'Ada:Correct  hörse', url]).catch(
      (err: { code: number }) => err,
    );
    expect((wrong as { code: number }).code).toBe(67);
  });
});

describe.skipIf(!python)('POP3 login failures', () => {
  it('lock out one user from one address, listed and released with the SMTP lockouts', async () => {
    const relay = await startTestRelaydesk({
      pop3: '127.0.0.1:0',
      authFailureDelayMs: 0,
      authMaxFailures: 3,
    });
    try {
      await relay.service.addUser('ada', 'ada-pass-123');
      await relay.service.addUser('bob', 'bob-pass-123');
      const login = async (user: string, password: string): Promise<string> =>
        JSON.parse(
          await poplib(
            pop3Port(relay),
            [
              `pop.user(${JSON.stringify(user)})`,
              `try:\n  out['reply'] = pop.pass_(${JSON.stringify(password)}).decode()`,
              "except poplib.error_proto as e:\n  out['reply'] = e.args[0].decode()",
            ].join('\n'),
          ),
        ).reply as string;
      // one user however the client spells it: three failures lock out ada, not three names
      for (const [name, guess] of [
        ['ada', 'a'],
        ['Ada', 'b'],
        ['ADA', 'c'],
      ] as const) {
        expect(await login(name, `wrong-${guess}`)).toBe(
          '-ERR [AUTH] invalid user name or password',
        );
      }
      expect(await login('ada', 'ada-pass-123')).toMatch(
        /^-ERR \[LOGIN-DELAY\] too many failed logins as ada from this address; try again in \d+ min, or release it: relaydesk lockout release 127\.0\.0\.1 ada$/,
      );
      // an office behind one address: the others still get in
      expect(await login('bob', 'bob-pass-123')).toMatch(/^\+OK /);
      const { lockouts } = await relay.api<{ lockouts: Array<{ Address: string; User: string }> }>(
        '/api/v1/auth/lockouts',
      );
      expect(lockouts.map((l) => [l.Address, l.User])).toEqual([['127.0.0.1', 'ada']]);
      await relay.api('/api/v1/auth/lockouts/release', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Address: '127.0.0.1', User: 'ada' }),
      });
      expect(await login('ada', 'ada-pass-123')).toMatch(/^\+OK /);
    } finally {
      await relay.dispose();
    }
    // seven Python clients and two password hashes: 11 s quiet, past 30 s on a loaded 2-core machine
  }, 60_000);
});

describe.skipIf(!python)('POP3 beyond loopback', () => {
  it('refuses to start without users to log in as', async () => {
    await expect(startTestRelaydesk({ pop3: '0.0.0.0:0' })).rejects.toThrow(
      /--pop3 0\.0\.0\.0:0 listens beyond this machine, but there are no users/,
    );
  });

  it('takes passwords only after STLS', async () => {
    const dataDir = await makeDataDir();
    const relay = await startTestRelaydesk({ pop3: '127.0.0.1:0' }, dataDir);
    await relay.service.addUser('ada', 'correct horse');
    await relay.dispose();
    // the same data folder, now with a user, listening on every address
    const exposed = await startTestRelaydesk({ pop3: '0.0.0.0:0' }, dataDir);
    try {
      const out = JSON.parse(
        await poplib(
          pop3Port(exposed),
          [
            "out['capa'] = sorted(pop.capa().keys())",
            'try:\n    pop.user("ada")\nexcept poplib.error_proto as e:\n    out["plain"] = str(e)',
            'pop.stls(ctx)',
            "out['capaTls'] = sorted(pop.capa().keys())",
            "pop.user('ada'); out['pass'] = pop.pass_('correct horse').decode()",
            'pop.quit()',
          ].join('\n'),
        ),
      ) as { capa: string[]; plain: string; capaTls: string[]; pass: string };
      expect(out.capa).not.toContain('USER');
      expect(out.plain).toMatch(/-ERR \[AUTH\] log in only over TLS: use STLS first/);
      expect(out.capaTls).toContain('USER');
      expect(out.pass).toMatch(/^\+OK all mail/);
    } finally {
      await exposed.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
