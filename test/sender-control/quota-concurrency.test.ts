// Quotas against concurrent sessions, over real SMTP sockets: six sessions all pass MAIL while
// nothing is counted yet (the quota is checked at MAIL and counted once a message is stored), so
// the end of DATA must check again, counting the messages other sessions are still storing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession, type SmtpWire } from '../helpers/smtp-wire.js';

let relay: TestRelaydesk;

beforeAll(async () => {
  relay = await startTestRelaydesk({
    quotas: [{ ip: '127.0.0.0/8', perMinute: 3 }],
  });
});
afterAll(async () => relay?.dispose());

/** Opens `count` sessions and takes each to DATA's 354, so all passed MAIL before any is sent. */
async function sessionsAtData(count: number, rcpts: string[]): Promise<SmtpWire[]> {
  const wires: SmtpWire[] = [];
  for (let i = 0; i < count; i++) {
    const wire = await greetedSession(relay.smtp.port);
    wires.push(wire);
    expect(await wire.command('MAIL FROM:<app@sender.example>')).toMatch(/^250/);
    for (const rcpt of rcpts) expect(await wire.command(`RCPT TO:<${rcpt}>`)).toMatch(/^250/);
    expect(await wire.command('DATA')).toMatch(/^354/);
  }
  return wires;
}

/** Sends every session's message at once and collects the replies to the final dot. */
async function sendAll(wires: SmtpWire[]): Promise<string[]> {
  for (const [i, wire] of wires.entries()) {
    wire.write(`Subject: concurrent ${i}\r\n\r\n${'x'.repeat(20_000)}\r\n.\r\n`);
  }
  const replies = await Promise.all(wires.map((wire) => wire.reply()));
  for (const wire of wires) wire.close();
  return replies;
}

describe('quotas and concurrent sessions', () => {
  it('accepts no more messages a minute than the quota, however many sessions passed MAIL', async () => {
    const replies = await sendAll(await sessionsAtData(6, ['bob@example.com']));
    expect(replies.filter((r) => r.startsWith('250'))).toHaveLength(3);
    const refused = replies.filter((r) => !r.startsWith('250'));
    expect(refused).toHaveLength(3);
    for (const reply of refused) {
      expect(reply).toMatch(
        /^451 4\.7\.1 Quota exceeded for ip 127\.0\.0\.1: at most 3 messages a minute; try again after /,
      );
    }
    const usage = await relay.api<{ usage: Array<{ key: string; lastMinute: number }> }>(
      '/api/v1/quotas',
    );
    expect(usage.usage).toContainEqual(
      expect.objectContaining({ key: 'ip 127.0.0.1', lastMinute: 3 }),
    );
  });
});
