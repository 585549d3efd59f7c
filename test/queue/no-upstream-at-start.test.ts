// A relay started without an upstream over a data folder whose queue holds mail (the run that
// queued it had --relay-host; this one not): the queue does not run, and the log said nothing of
// the mail left waiting. Now one warning says how many wait and how to set an upstream.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageDelivery } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { makeDataDir, startTestRelaydesk } from '../helpers/relaydesk.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

let upstream: RunningUpstream;

beforeAll(async () => {
  upstream = await startUpstreamServer({
    tls: 'none',
    failures: { rcpt: { 'client@far.example': { code: 451, text: '4.3.0 Busy, try later' } } },
  });
});
afterAll(() => upstream?.close());

it('says at start how many messages wait to be relayed when no upstream is set up', async () => {
  const dataDir = await makeDataDir();
  const first = await startTestRelaydesk(
    { mode: 'relay', relay: { host: '127.0.0.1', port: upstream.port, security: 'none' } },
    dataDir,
  );
  const info = await first
    .transport()
    .sendMail({ from: 'office@example.com', to: 'client@far.example', subject: 'Invoice 3' });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  await eventually(
    async () =>
      (await first.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).recipients[0]?.state,
  ).toBe('deferred');
  await first.dispose();

  const lines: string[] = [];
  const second = await startTestRelaydesk({}, dataDir, { log: (line) => lines.push(line) });
  try {
    const said = lines.filter((line) => line.includes('no upstream is set up'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      /queue: 1 message waits to be relayed, but no upstream is set up: none is sent, nor given up on, until one is \(Settings → Upstream, or --mode relay --relay-host HOST:PORT\)$/,
    );
  } finally {
    await second.dispose();
  }
});

it('says nothing of it when the queue is empty', async () => {
  const lines: string[] = [];
  const relay = await startTestRelaydesk({}, undefined, { log: (line) => lines.push(line) });
  await relay.dispose();
  expect(lines.filter((line) => line.includes('no upstream is set up'))).toEqual([]);
});
