// RFC 1939 §8: a POP3 session in TRANSACTION holds an exclusive lock on its maildrop; another
// login to it is refused with `-ERR [IN-USE]` (RFC 2449 §8.1.2, RFC 3206) until the first ends
// with QUIT, disconnects or times out. A maildrop is what the login selects: `NAME/MAILBOX` one
// mailbox, `NAME` all mail (which overlaps every mailbox). Spoken over raw sockets, as a mail
// client would, so two sessions can be held open at once.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { waitFor } from '../helpers/eventually.js';

interface Session {
  socket: Socket;
  /** Sends one command and resolves with the first line of its reply. */
  say(line: string): Promise<string>;
}

async function session(relay: TestRelaydesk): Promise<Session> {
  const port = (relay.service.pop3Addresses().pop3 as { port: number }).port;
  const socket = connect(port, '127.0.0.1');
  let buffer = '';
  const waiting: Array<(line: string) => void> = [];
  const lines: string[] = [];
  socket.on('data', (chunk) => {
    buffer += String(chunk);
    let end: number;
    while ((end = buffer.indexOf('\r\n')) !== -1) {
      lines.push(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
    while (lines.length > 0 && waiting.length > 0)
      (waiting.shift() as (l: string) => void)(lines.shift() as string);
  });
  const next = (): Promise<string> =>
    lines.length > 0
      ? Promise.resolve(lines.shift() as string)
      : new Promise((resolve) => waiting.push(resolve));
  expect(await next()).toMatch(/^\+OK /);
  return {
    socket,
    async say(line: string) {
      socket.write(`${line}\r\n`);
      return next();
    },
  };
}

async function login(s: Session, name: string, password: string): Promise<string> {
  expect(await s.say(`USER ${name}`)).toMatch(/^\+OK/);
  return s.say(`PASS ${password}`);
}

async function quit(s: Session): Promise<void> {
  expect(await s.say('QUIT')).toMatch(/^\+OK/);
  if (!s.socket.destroyed) await once(s.socket, 'close');
}

describe('one POP3 session per maildrop (no users: a loopback client logs in with any password)', () => {
  let relay: TestRelaydesk;

  beforeAll(async () => {
    relay = await startTestRelaydesk({
      pop3: '127.0.0.1:0',
      greetingDelayMs: 0,
      mode: 'rules',
      rules: [
        {
          name: 'a',
          match: { recipient: '*@a.example' },
          action: { type: 'capture', mailbox: 'box-a' },
        },
        {
          name: 'b',
          match: { recipient: '*@b.example' },
          action: { type: 'capture', mailbox: 'box-b' },
        },
      ],
    });
    for (const to of ['x@a.example', 'y@b.example']) {
      await relay.transport().sendMail({ from: 'app@sender.example', to, subject: to, text: to });
    }
  });
  afterAll(async () => relay?.dispose());

  it('refuses a second login with [IN-USE] until the first QUITs', async () => {
    const first = await session(relay);
    expect(await login(first, 'ada', 'x')).toMatch(/^\+OK all mail: 2 messages/);
    const second = await session(relay);
    // another user name reads the same mail: the lock is on the maildrop, not the user
    expect(await login(second, 'bob', 'x')).toBe(
      '-ERR [IN-USE] all mail is open in another POP3 session (one at a time, RFC 1939); try again after it ends with QUIT',
    );
    // one mailbox is part of all mail
    expect(await login(second, 'bob/box-a', 'x')).toMatch(/^-ERR \[IN-USE\] mailbox box-a is open/);
    // mailbox names ignore case: BOX-A is box-a, and its lock
    expect(await login(second, 'Bob/BOX-A', 'x')).toMatch(/^-ERR \[IN-USE\] mailbox box-a is open/);
    expect(await first.say('DELE 1')).toMatch(/^\+OK/);
    expect(await second.say('STAT')).toMatch(/^-ERR/); // still not logged in
    await quit(first);
    expect(await login(second, 'bob', 'x')).toMatch(/^\+OK all mail: 1 message \(/);
    await quit(second);
  });

  it('frees the maildrop when a client disconnects without QUIT (and deletes nothing)', async () => {
    const first = await session(relay);
    expect(await login(first, 'ada/box-b', 'x')).toMatch(/^\+OK mailbox box-b: 1 message/);
    expect(await first.say('DELE 1')).toMatch(/^\+OK/);
    const second = await session(relay);
    expect(await login(second, 'ada/box-b', 'x')).toMatch(/^-ERR \[IN-USE\] mailbox box-b/);
    first.socket.destroy();
    const reply = await waitFor('the lock freed', async () => {
      const answer = await login(second, 'ada/box-b', 'x');
      return answer.startsWith('+OK') ? answer : null;
    });
    expect(reply).toMatch(/^\+OK mailbox box-b: 1 message/);
    await quit(second);
  });

  it('lets different mailboxes be open at once, but not all mail beside them', async () => {
    await relay
      .transport()
      .sendMail({ from: 'app@sender.example', to: 'z@a.example', subject: 'a2', text: 'a2' });
    const a = await session(relay);
    const b = await session(relay);
    const all = await session(relay);
    expect(await login(a, 'ada/box-a', 'x')).toMatch(/^\+OK mailbox box-a/);
    expect(await login(b, 'ada/box-b', 'x')).toMatch(/^\+OK mailbox box-b/);
    expect(await login(all, 'ada', 'x')).toMatch(/^-ERR \[IN-USE\] all mail/);
    await quit(a);
    expect(await login(all, 'ada', 'x')).toMatch(/^-ERR \[IN-USE\] all mail/);
    await quit(b);
    expect(await login(all, 'ada', 'x')).toMatch(/^\+OK all mail/);
    await quit(all);
  });
});

describe('the maildrop lock with SMTP users', () => {
  let relay: TestRelaydesk;

  beforeAll(async () => {
    relay = await startTestRelaydesk({
      pop3: '127.0.0.1:0',
      greetingDelayMs: 0,
      authFailureDelayMs: 0,
      authMaxFailures: 3,
    });
    await relay.service.addUser('ada', 'ada-pass-123');
    await relay.service.addUser('bob', 'bob-pass-123');
  });
  afterAll(async () => relay?.dispose());

  it('is not taken by a failed login, and a lockout still locks out', async () => {
    const wrong = await session(relay);
    expect(await login(wrong, 'ada', 'wrong')).toBe('-ERR [AUTH] invalid user name or password');
    const right = await session(relay);
    expect(await login(right, 'bob', 'bob-pass-123')).toMatch(/^\+OK all mail/);
    // the right password while the maildrop is in use is no failure towards a lockout
    for (let i = 0; i < 3; i++) {
      expect(await login(wrong, 'ada', 'ada-pass-123')).toMatch(/^-ERR \[IN-USE\]/);
    }
    await quit(right);
    expect(await login(wrong, 'ada', 'wrong')).toBe('-ERR [AUTH] invalid user name or password');
    expect(await login(wrong, 'ada', 'wrong')).toBe('-ERR [AUTH] invalid user name or password');
    // three failures: locked out, the right password included
    expect(await login(wrong, 'ada', 'ada-pass-123')).toMatch(
      /^-ERR \[LOGIN-DELAY\] too many failed logins as ada/,
    );
    expect(await login(wrong, 'bob', 'bob-pass-123')).toMatch(/^\+OK all mail/);
    await quit(wrong);
  });
});
