// A pause by hand before the ISP's maintenance window, and the office PC restarts during it: the
// pause lived in memory only, so the relay came back relaying to the smart host the admin had
// said to leave alone. Now it holds until resumed, across the restart, and says so at start.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageDelivery, QueueView } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { makeDataDir, startTestRelaydesk } from '../helpers/relaydesk.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

let upstream: RunningUpstream;

beforeAll(async () => {
  upstream = await startUpstreamServer({ tls: 'none' });
});
afterAll(() => upstream?.close());

const post = { method: 'POST', headers: { 'content-type': 'application/json' } };

it('keeps a pause by hand across a restart, until it is resumed', async () => {
  const dataDir = await makeDataDir();
  const settings = {
    mode: 'relay',
    relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
  };
  const first = await startTestRelaydesk(settings, dataDir);
  await first.api('/api/v1/relay/pause', {
    ...post,
    body: JSON.stringify({ reason: 'ISP maintenance tonight' }),
  });
  const since = (await first.api<QueueView>('/api/v1/queue')).upstream.paused?.since;
  await eventually(() =>
    access(join(dataDir, 'relay-paused.json')).then(
      () => true,
      () => false,
    ),
  ).toBe(true);
  await first.dispose();

  const lines: string[] = [];
  const second = await startTestRelaydesk(settings, dataDir, { log: (line) => lines.push(line) });
  try {
    const { paused } = (await second.api<QueueView>('/api/v1/queue')).upstream;
    expect(paused).toMatchObject({ reason: 'ISP maintenance tonight', since, byHand: true });
    expect(lines.join('\n')).toContain(
      `upstream paused by hand since ${since}, kept across the restart: ISP maintenance tonight (resume the upstream when it should be used again)`,
    );
    const info = await second
      .transport()
      .sendMail({ from: 'office@example.com', to: 'client@far.example', subject: 'Invoice 4' });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const delivery = () => second.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    // the arrival makes it due at once: still pending, untried, once the queue has looked at it
    await second.service.queueIdle();
    expect((await delivery()).recipients[0]).toMatchObject({ state: 'pending', attempts: [] });
    expect(upstream.messages).toHaveLength(0);

    await second.api('/api/v1/relay/resume', { ...post, body: '{}' });
    await eventually(async () => (await delivery()).status).toBe('delivered');
  } finally {
    await second.dispose();
  }

  // resumed, it stays resumed at the next start
  const third = await startTestRelaydesk(settings, dataDir);
  try {
    expect((await third.api<QueueView>('/api/v1/queue')).upstream.paused).toBeNull();
  } finally {
    await third.dispose();
  }
});
