// A stop while a message is on the wire: its attempt is cancelled, recorded for each recipient,
// and the message is sent again at the next start (at-least-once). A message of more than 50
// recipients is two transactions at once, and the stop cancelled only one of them (the queue
// kept one per message): the other's recipients stayed `sending`, their attempt never recorded,
// and the stop waited out its time limit for them. Real parts: the relay, a real SMTP client, an
// upstream that keeps each attempt open until the test lets it answer.
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { makeDataDir, startTestRelaydesk } from '../helpers/relaydesk.js';
import { stallingUpstream } from '../helpers/stalling-upstream.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a stop while a message of two transactions is on the wire', () => {
  it('cancels and records both, and the next start sends every recipient again', async () => {
    const upstream = await stallingUpstream('accept');
    cleanups.push(() => upstream.close());
    const dataDir = await makeDataDir();
    const settings = {
      mode: 'relay',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
    };
    const relay = await startTestRelaydesk(settings, dataDir);
    cleanups.push(() => relay.dispose());
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));
    const transport = relay.transport();
    const to = Array.from({ length: 51 }, (_, i) => `staff${i}@example.net`);
    const info = await transport.sendMail({
      from: 'office@example.test',
      to,
      subject: 'closed on Friday',
      text: 'x',
    });
    transport.close();
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    // 50 and 1, each on a connection of its own
    await eventually(() => upstream.connections).toBe(2);
    const delivery = () => relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect((await delivery()).recipients.every((r) => r.state === 'sending')).toBe(true);

    await relay.close();
    const cancelled = log.filter(
      (line) =>
        line.startsWith(`${id}: to=<staff`) &&
        line.endsWith('status=deferred (the attempt was cancelled)'),
    );
    expect(cancelled).toHaveLength(51);
    // one line says why, before the attempts' own lines
    const why = log.indexOf(
      'stopping: the attempt of 1 message on the wire to the upstream is cancelled; it is sent again at the next start',
    );
    expect(why).toBeGreaterThanOrEqual(0);
    expect(why).toBeLessThan(log.indexOf(cancelled[0] as string));

    const again = await startTestRelaydesk(settings, dataDir);
    cleanups.push(() => again.dispose());
    upstream.answer();
    const recipients = async () =>
      (await again.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).recipients;
    await eventually(async () => (await recipients()).map((r) => r.state)).toEqual(
      to.map(() => 'relayed'),
    );
    for (const r of await recipients()) {
      expect(r.attempts.map((a) => a.reply.text)).toEqual([
        'the attempt was cancelled',
        expect.stringMatching(/^Ok: queued as UP\d+$/),
      ]);
      expect(r.history.map((h) => h.reason)).toContain(
        'Relaydesk stopped during the attempt; sent again at the next start',
      );
    }
  }, 90_000);
});
