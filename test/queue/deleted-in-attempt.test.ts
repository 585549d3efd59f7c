// A message deleted (the list's Delete, DELETE /api/v1/messages, retention) while its attempt is on
// the wire: the upstream may still take it. Nothing of the message is kept, and nothing is tried
// again, but the attempt's log line is written as for any attempt: without it a message the
// upstream took left no trace at all, in the list or in the log. Real parts: the relay, a real
// SMTP client, an upstream that keeps the attempt open until the test lets it answer.
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { messageInAttempt } from '../helpers/message-in-attempt.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { stallingUpstream } from '../helpers/stalling-upstream.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The list's Delete, through the API. */
const deleteMessage = (relay: TestRelaydesk, id: string) =>
  relay.fetch('/api/v1/messages', {
    method: 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ IDs: [id] }),
  });

describe('a message deleted while its attempt is on the wire', () => {
  it.each([
    ['takes', 'accept', 'sent (250 2.0.0 Ok: queued as UP1)'],
    ['defers', 'defer', 'deferred (451 4.7.1 Try again later)'],
  ] as const)(
    'when the upstream then %s it: the attempt is logged, the message stays deleted, nothing is retried',
    async (_, reply, status) => {
      const upstream = await stallingUpstream(reply);
      cleanups.push(() => upstream.close());
      const { relay, log, id, dataDir, settings } = await messageInAttempt(upstream, cleanups);

      expect(await deleteMessage(relay, id)).toMatchObject({ status: 200 });
      upstream.answer();

      const deleted = `${id}: deleted while this attempt was on the wire: its outcome is logged above and not kept (nothing is tried again)`;
      await eventually(() => log).toContain(deleted);
      const attemptLine = log.find((line) => line.startsWith(`${id}: to=<boss@example.net>`));
      expect(attemptLine).toMatch(new RegExp(`, status=${status.replace(/[()]/g, '\\$&')}$`));
      expect(log.indexOf(attemptLine as string)).toBeLessThan(log.indexOf(deleted));
      expect(upstream.taken).toBe(reply === 'accept' ? 1 : 0);

      // gone, and gone for good: not listed, not queued, not back after a restart
      expect((await relay.fetch(`/api/v1/message/${id}/delivery`)).status).toBe(404);
      expect((await relay.api<QueueView>('/api/v1/queue')).messages).toEqual([]);
      await relay.close();
      const again = await startTestRelaydesk(settings, dataDir);
      cleanups.push(() => again.dispose());
      expect((await again.api<{ total: number }>('/api/v1/messages')).total).toBe(0);
      expect((await again.api<QueueView>('/api/v1/queue')).messages).toEqual([]);
      expect(upstream.connections).toBe(1);
    },
    60_000,
  );

  it('with more recipients than one transaction takes: each is logged, the deletion once', async () => {
    const upstream = await stallingUpstream('accept');
    cleanups.push(() => upstream.close());
    const relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
    });
    cleanups.push(() => relay.dispose());
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));
    const transport = relay.transport();
    cleanups.push(async () => transport.close());
    const to = Array.from({ length: 51 }, (_, i) => `staff${i}@example.net`);
    const info = await transport.sendMail({ from: 'office@example.test', to, text: 'x' });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    // 50 and 1, each on a connection of its own
    await eventually(() => upstream.connections).toBe(2);

    expect(await deleteMessage(relay, id)).toMatchObject({ status: 200 });
    upstream.answer();

    const sent = (line: string) =>
      line.startsWith(`${id}: to=<staff`) && line.includes('status=sent');
    await eventually(() => log.filter(sent).length).toBe(51);
    await eventually(() => upstream.taken).toBe(2);
    await relay.close();
    const deletion = (line: string) => line.startsWith(`${id}: deleted while this attempt`);
    // once, after every recipient's line (it was written by each transaction)
    expect(log.filter(deletion)).toHaveLength(1);
    expect(log.findIndex(deletion)).toBeGreaterThan(log.findLastIndex(sent));
  }, 60_000);
});
