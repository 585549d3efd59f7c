// Each limit answers with its own code and a log line, and the relay keeps serving the others:
// sessions per IP and in total, messages per minute, size, recipients, the idle timeout, the
// command timeout and the session deadline that cuts off a client trickling one byte at a time.
import { describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { SmtpWire, plainToken } from '../helpers/smtp-wire.js';
import { waitFor } from '../helpers/eventually.js';

const fast = { greetingDelayMs: 0, reverseDnsTimeoutMs: 0 };

async function withRelay(
  settings: Record<string, unknown>,
  body: (relay: TestRelaydesk, logs: string[]) => Promise<void>,
  user = false,
): Promise<void> {
  const relay = await startTestRelaydesk({ ...fast, ...settings });
  const logs: string[] = [];
  relay.service.on('log', (line) => logs.push(line));
  try {
    if (user) {
      await relay.api('/api/v1/users', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'app', password: 'app-password-1' }),
      });
    }
    await body(relay, logs);
  } finally {
    await relay.dispose();
  }
}

async function send(port: number, subject: string): Promise<string> {
  const wire = await SmtpWire.connect(port);
  await wire.reply();
  await wire.command('EHLO other.example');
  await wire.command('MAIL FROM:<other@sender.example>');
  await wire.command('RCPT TO:<qa@team.example>');
  await wire.command('DATA');
  const reply = await wire.command(`Subject: ${subject}\r\n\r\nx\r\n.`);
  wire.close();
  return reply;
}

describe('connection limits', () => {
  it('per untrusted IP: 421 4.7.0, and a slot frees when a session ends', async () => {
    await withRelay(
      { trustLoopback: false, maxConnectionsPerIp: 2 },
      async (relay, logs) => {
        const a = await SmtpWire.connect(relay.smtp.port);
        const b = await SmtpWire.connect(relay.smtp.port);
        expect(await a.reply()).toMatch(/^220/);
        expect(await b.reply()).toMatch(/^220/);
        const c = await SmtpWire.connect(relay.smtp.port);
        expect(await c.reply()).toBe(
          '421 4.7.0 Too many connections from 127.0.0.1 (at most 2); try again later',
        );
        await c.waitClosed();
        a.close();
        await expect
          .poll(async () => {
            const d = await SmtpWire.connect(relay.smtp.port);
            const reply = await d.reply();
            d.close();
            return reply.slice(0, 3);
          })
          .toBe('220');
        b.close();
        expect(logs).toContainEqual(
          'smtp-audit event=connect result=rejected listener=smtp client=127.0.0.1 reply=421 reason="per-client connection limit"',
        );
      },
      true,
    );
  });

  it('in total, for trusted clients too: 421 4.3.2', async () => {
    await withRelay({ maxConnections: 2 }, async (relay, logs) => {
      const a = await SmtpWire.connect(relay.smtp.port);
      const b = await SmtpWire.connect(relay.smtp.port);
      await a.reply();
      await b.reply();
      const c = await SmtpWire.connect(relay.smtp.port);
      expect(await c.reply()).toBe(
        '421 4.3.2 Too many connections (at most 2); try again in a moment',
      );
      a.close();
      b.close();
      expect(logs.some((l) => l.includes('reason="connection limit"'))).toBe(true);
    });
  });
});

describe('message rate', () => {
  it('an untrusted user gets 450 4.7.1 past the messages-per-minute limit', async () => {
    await withRelay(
      { trustLoopback: false, maxMessagesPerMinute: 2 },
      async (relay, logs) => {
        const wire = await SmtpWire.connect(relay.smtp.port);
        await wire.reply();
        await wire.command('EHLO client.example');
        expect(await wire.command(`AUTH PLAIN ${plainToken('app', 'app-password-1')}`)).toMatch(
          /^235/,
        );
        for (let i = 0; i < 2; i++) {
          expect(await wire.command('MAIL FROM:<app@sender.example>')).toMatch(/^250/);
          expect(await wire.command('RSET')).toMatch(/^250/);
        }
        expect(await wire.command('MAIL FROM:<app@sender.example>')).toBe(
          '450 4.7.1 Too much mail from this user: at most 2 messages a minute; try again later',
        );
        wire.close();
        expect(logs).toContainEqual(
          expect.stringMatching(
            /event=mail result=rejected .*user=app .*reply=450 reason="message rate limit \(user app\)"/,
          ),
        );
      },
      true,
    );
  });
});

describe('size and recipients', () => {
  it('answer 552 5.3.4 and 452 4.5.3 with a log line', async () => {
    await withRelay({ maxSize: '1k', maxRecipients: 2 }, async (relay, logs) => {
      const wire = await SmtpWire.connect(relay.smtp.port);
      await wire.reply();
      await wire.command('EHLO client.example');
      expect(await wire.command('MAIL FROM:<app@sender.example> SIZE=5000')).toMatch(
        /^552 5\.3\.4/,
      );
      expect(await wire.command('MAIL FROM:<app@sender.example>')).toMatch(/^250/);
      await wire.command('RCPT TO:<a@team.example>');
      await wire.command('RCPT TO:<b@team.example>');
      expect(await wire.command('RCPT TO:<c@team.example>')).toBe(
        '452 4.5.3 Too many recipients (at most 2 per message)',
      );
      expect(await wire.command('DATA')).toMatch(/^354/);
      expect(await wire.command(`Subject: big\r\n\r\n${'x'.repeat(3000)}\r\n.`)).toMatch(
        /^552 5\.3\.4/,
      );
      wire.close();
      expect(logs).toContainEqual(
        expect.stringMatching(
          /event=rcpt result=rejected .*to=<c@team\.example> reply=452 reason="recipient limit"/,
        ),
      );
      await expect
        .poll(() =>
          logs.some((l) =>
            /event=message result=rejected .*reply=552 reason="larger than 1024 bytes"/.test(l),
          ),
        )
        .toBe(true);
    });
  });
});

describe('timeouts', () => {
  it('closes an idle session with 421 4.4.2', async () => {
    await withRelay({ idleTimeoutMs: 300 }, async (relay, logs) => {
      const wire = await SmtpWire.connect(relay.smtp.port);
      await wire.reply();
      expect(await wire.reply(5000)).toBe('421 4.4.2 Timeout - closing connection');
      await wire.waitClosed();
      expect(logs).toContainEqual(
        expect.stringMatching(
          /^smtp-audit event=close result=closed listener=smtp client=127\.0\.0\.1 reply=421 reason="Timeout - closing connection"$/,
        ),
      );
    });
  });

  it('cuts off a command trickled one byte at a time (command timeout)', async () => {
    await withRelay({ idleTimeoutMs: 5000, commandTimeoutMs: 500 }, async (relay) => {
      const wire = await SmtpWire.connect(relay.smtp.port);
      await wire.reply();
      const line = 'EHLO slow.example.com';
      let i = 0;
      const dribble = setInterval(() => {
        if (!wire.closed) wire.write(line[i++ % line.length] as string);
      }, 50);
      try {
        expect(await wire.reply(5000)).toBe(
          '421 4.4.2 Timeout waiting for a command, closing connection',
        );
        await wire.waitClosed();
      } finally {
        clearInterval(dribble);
      }
    });
  });

  it('ends a session trickling its message at the session deadline, while serving others', async () => {
    await withRelay(
      { idleTimeoutMs: 5000, commandTimeoutMs: 5000, sessionDeadlineMs: 1500 },
      async (relay, logs) => {
        const wire = await SmtpWire.connect(relay.smtp.port);
        await wire.reply();
        await wire.command('EHLO slow.example');
        await wire.command('MAIL FROM:<slow@sender.example>');
        await wire.command('RCPT TO:<qa@team.example>');
        expect(await wire.command('DATA')).toMatch(/^354/);
        // the client's pace is the behaviour under test: one byte every 50 ms
        let trickled = 0;
        const dribble = setInterval(() => {
          if (!wire.closed) wire.write('x');
          trickled++;
        }, 50);
        try {
          await waitFor('the slow client to be trickling', () => trickled >= 3);
          // another client is served while the slow one trickles
          expect(await send(relay.smtp.port, 'meanwhile')).toMatch(/^250 2\.6\.0/);
          expect(await wire.reply(5000)).toBe(
            '421 4.4.2 Session deadline reached, closing connection',
          );
          await wire.waitClosed();
        } finally {
          clearInterval(dribble);
        }
        const page = await relay.api<MessagesPage>('/api/v1/messages');
        expect(page.messages.map((m) => m.Subject)).toEqual(['meanwhile']);
        expect(logs).toContainEqual(
          expect.stringMatching(/event=close .*reason="4\.4\.2 Session deadline reached/),
        );
      },
    );
  });
});
