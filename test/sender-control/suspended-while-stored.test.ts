// A suspension (an anomaly pause set off by a parallel session, or the admin's) made while a
// message of that sender is past its end-of-DATA check but not yet stored: the suspension's scan
// of the queue did not find it (it was not listed yet), and it was relayed once stored. Now it is
// held when it joins the queue. The race is forced with real parts: a real clamd, stopped
// (SIGSTOP) while it holds the message's scan, so the suspension is made in that window; a real
// SMTP client, a real test upstream, the API.
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { SuspensionEntry } from '../../preload/api-contract.js';
import { clamdTool, startClamd, type TestClamd } from '../helpers/clamd.js';
import { settled } from '../helpers/delivery.js';
import { waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool } from '../helpers/system-tools.js';
import { upstreamsPerTest } from '../helpers/upstream-server.js';

const clamdPath = requireTool(clamdTool);
const { upstream } = upstreamsPerTest();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * The most bytes waiting unread in one connection at clamd's port: a stopped clamd leaves what
 * the relay sent in the kernel's queue. The message's scan sends the whole message (hundreds of
 * bytes); the start-up check's PING (6 bytes), which may still be open when clamd is stopped, is
 * not taken for it (counting connections did: the suspension then came before MAIL).
 */
function bytesWaitingAtClamd(port: number): number {
  const out = spawnSync('ss', ['-Htn', 'state', 'established', `( sport = :${port} )`], {
    encoding: 'utf8',
  }).stdout;
  return Math.max(0, ...out.split('\n').map((line) => Number(line.trim().split(/\s+/)[0]) || 0));
}

describe.skipIf(!clamdPath)('a sender suspended while its message is being stored', () => {
  it('holds the message when it joins the queue, instead of relaying it', async () => {
    const clamd: TestClamd = await startClamd(clamdPath as string, Buffer.from('unused'));
    cleanups.push(() => clamd.stop());
    const server = await upstream({ tls: 'none' });
    const relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
      clamd: clamd.address,
      clamdUnavailable: 'defer',
    });
    cleanups.push(() => relay.dispose());
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));

    // clamd takes the connection (the kernel does) but answers nothing until SIGCONT
    process.kill(clamd.pid, 'SIGSTOP');
    let resumed = false;
    cleanups.push(async () => {
      if (!resumed) process.kill(clamd.pid, 'SIGCONT');
    });
    const transport = relay.transport();
    cleanups.push(async () => transport.close());
    const sent = transport.sendMail({
      from: 'printer@office.example',
      to: 'someone@partner.example',
      subject: 'Invoice 4711',
      text: 'sent in the same second as the burst',
    });
    // past end of DATA (the suspension check) and in the scan, before the store
    await waitFor(
      'the relay to be scanning the message',
      () => bytesWaitingAtClamd(clamd.port) > 64,
    );

    const made = await relay.fetch('/api/v1/suspensions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Kind: 'sender',
        Value: 'printer@office.example',
        Reason: 'sending volume jumped',
      }),
    });
    const suspension = (await made.json()) as SuspensionEntry & { Held: string[] };
    // not listed yet: the suspension's scan of the queue cannot hold it
    expect(suspension.Held).toEqual([]);

    process.kill(clamd.pid, 'SIGCONT');
    resumed = true;
    const info = await sent;
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const heldBy = `held: sender printer@office.example suspended (${suspension.ID}): sending volume jumped`;
    const delivery = await settled(relay, id, (d) => d.recipients[0]?.state !== 'pending');
    expect(delivery.recipients[0]?.state).toBe('held');
    expect(delivery.recipients[0]?.history.at(-1)?.reason).toBe(heldBy);
    await relay.service.queueIdle();
    expect(server.messages).toHaveLength(0);
    expect(log.join('\n')).toMatch(
      new RegExp(`event=suspend-hold id=${id} suspension=${suspension.ID} kind=sender`),
    );

    // and lifting the pause with release sends it, as the rest of what it held
    const lifted = await relay.fetch(`/api/v1/suspensions/${suspension.ID}?release=true`, {
      method: 'DELETE',
    });
    expect(lifted.status, await lifted.clone().text()).toBe(200);
    await settled(relay, id, (d) => d.recipients[0]?.state === 'relayed');
    expect(server.messages).toHaveLength(1);
  }, 120_000);
});
