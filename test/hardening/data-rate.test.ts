// The minimum data rate during DATA (Postfix's smtpd_min_data_rate), scaled down by settings so
// it runs in seconds: with 1000 bytes/s over an idle timeout of 1.5 s, a client trickling one
// byte every 100 ms (which keeps resetting the idle timer, and is far inside the session
// deadline) is cut off with 421 4.4.2 and a log line, while an honest slow link at ten times the
// rate delivers its whole message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession } from '../helpers/smtp-wire.js';
import { letTimePass } from '../helpers/eventually.js';

let relay: TestRelaydesk;
const logs: string[] = [];

beforeAll(async () => {
  relay = await startTestRelaydesk({
    greetingDelayMs: 0,
    reverseDnsTimeoutMs: 0,
    minDataRate: 1000,
    idleTimeoutMs: 1500,
  });
  relay.service.on('log', (line) => logs.push(line));
});
afterAll(async () => relay?.dispose());

async function inData(subject: string) {
  const wire = await greetedSession(relay.smtp.port);
  expect(await wire.command('MAIL FROM:<app@sender.example>')).toMatch(/^250/);
  expect(await wire.command('RCPT TO:<qa@team.example>')).toMatch(/^250/);
  expect(await wire.command('DATA')).toMatch(/^354/);
  wire.write(`Subject: ${subject}\r\n\r\n`);
  return wire;
}

describe('minimum data rate', () => {
  it('cuts off a client trickling one byte at a time with 421 4.4.2 and a log line', async () => {
    const wire = await inData('trickle');
    let sent = 0;
    while (!wire.closed && sent < 200) {
      wire.write('x');
      sent++;
      // the pace is the behaviour under test: real time between bytes, as a slow client sends
      await letTimePass(100);
    }
    expect(await wire.reply(1000)).toBe(
      '421 4.4.2 Data rate too low (under 1000 bytes a second), closing connection',
    );
    expect(wire.closed).toBe(true);
    // cut off after about one idle timeout, long before 200 bytes (20 s) were trickled
    expect(sent).toBeLessThan(60);
    expect(logs).toContainEqual(
      'smtp-audit event=close result=closed listener=smtp client=127.0.0.1 reply=421 reason="4.4.2 Data rate too low (under 1000 bytes a second), closing connection"',
    );
    const found = await relay.api<{ messages_count: number }>(
      '/api/v1/search?query=subject:trickle',
    );
    expect(found.messages_count).toBe(0);
  });

  it('lets an honest slow link (10 times the minimum) deliver its whole message', async () => {
    const wire = await inData('slow but honest');
    const line = `${'y'.repeat(98)}\r\n`;
    // 30 KB in 100-byte lines, 1 KB every 100 ms: about 3 s, twice the idle timeout
    for (let chunk = 0; chunk < 30; chunk++) {
      wire.write(line.repeat(10));
      // the pace is the behaviour under test: 1 KB every 100 ms of real time
      await letTimePass(100);
    }
    expect(await wire.command('.')).toMatch(/^250 /);
    wire.close();
    const found = await relay.api<{ messages: Array<{ Size: number }> }>(
      '/api/v1/search?query=subject:"slow but honest"',
    );
    expect(found.messages[0]?.Size).toBeGreaterThan(30_000);
  });
});
