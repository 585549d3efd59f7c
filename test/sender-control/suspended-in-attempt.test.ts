// A suspension holds what the sender has waiting; a message that is on the wire at that moment
// is not waiting, and when its attempt was deferred it waited for its retry like any other and
// was sent then, with the sender still suspended (CI caught the race in suspension-restart). It
// is now held in the same change that records the deferral. Real parts: the relay, a real SMTP
// client, and an upstream that keeps the attempt open until the test lets it answer.
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery, SuspensionEntry } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { startTestRelaydesk } from '../helpers/relaydesk.js';
import { stallingUpstream } from '../helpers/stalling-upstream.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a sender suspended while its message is in an attempt', () => {
  it('holds the message once the attempt defers it, instead of retrying it; a release by hand stands', async () => {
    const upstream = await stallingUpstream();
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
    const info = await transport.sendMail({
      from: 'app@example.test',
      to: 'boss@example.net',
      subject: 'weekly report',
      text: 'numbers',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const delivery = () => relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    await eventually(async () => (await delivery()).recipients[0]?.state).toBe('sending');

    const suspension = await relay.api<SuspensionEntry & { Held: string[] }>(
      '/api/v1/suspensions',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Kind: 'sender', Value: 'app@example.test', Reason: 'hacked' }),
      },
    );
    // on the wire, not waiting: the suspension's own sweep cannot hold it
    expect(suspension.Held).toEqual([]);

    upstream.answer();
    await eventually(async () => (await delivery()).recipients[0]?.state).toBe('held');
    const held = (await delivery()).recipients[0];
    expect(held?.history.at(-1)?.reason).toBe(
      `held: sender app@example.test suspended (${suspension.ID}): hacked`,
    );
    // the attempt's answer is kept in its record, before the hold
    expect(held?.attempts.at(-1)?.reply).toMatchObject({ code: 451, enhanced: '4.7.1' });
    expect(log.join('\n')).toMatch(
      new RegExp(`event=suspend-hold id=${id} suspension=${suspension.ID} kind=sender`),
    );
    const queue = await relay.api<{ messages: Array<{ ID: string; status: string }> }>(
      '/api/v1/queue',
    );
    expect(queue.messages.find((m) => m.ID === id)?.status).toBe('held');

    // the admin read it and let it go, the sender still suspended: deferred again, it stays
    // released (waits for its retry), as mail released during a suspension does at a restart
    await relay.api('/api/v1/queue/release', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    await eventually(async () => (await delivery()).recipients[0]?.attempts.length).toBe(2);
    await eventually(async () => (await delivery()).recipients[0]?.state).toBe('deferred');
    expect(upstream.connections).toBe(2);
  }, 60_000);
});
