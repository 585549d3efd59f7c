// `relaydesk serve` retries deferred mail when the machine's network comes back, as the desktop
// app does when Electron's net.isOnline turns true, and as Debian's Postfix does from if-up.d.
// The interfaces are the test's (RELAYDESK_TEST_NETWORK_FILE, os.networkInterfaces' shape): the
// machine's own cannot be taken away; the tick is a fraction of a second instead of 15 s.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessageDelivery, QueueView } from '../../preload/api-contract.js';
import { cleanupCliProcesses, makeTempDir, startServe } from '../helpers/cli-process.js';
import { waitFor } from '../helpers/eventually.js';
import { closedPort, startUpstreamServer } from '../helpers/upstream-server.js';

const closing: Array<() => Promise<void>> = [];
afterAll(async () => {
  await cleanupCliProcesses();
  for (const close of closing) await close();
});

const loopback = {
  lo: [
    {
      address: '127.0.0.1',
      netmask: '255.0.0.0',
      family: 'IPv4',
      mac: '00:00:00:00:00:00',
      internal: true,
      cidr: '127.0.0.1/8',
    },
  ],
};
const wired = {
  ...loopback,
  eth0: [
    {
      address: '192.0.2.10',
      netmask: '255.255.255.0',
      family: 'IPv4',
      mac: '02:00:00:00:00:01',
      internal: false,
      cidr: '192.0.2.10/24',
    },
  ],
};

/**
 * `relaydesk serve` relaying to 127.0.0.1:PORT while the machine is offline (loopback only), and
 * one message sent to it; `online()` brings the network back.
 */
async function offlineRelayWithMessage(port: number, to: string[], subject: string, text: string) {
  const folder = await makeTempDir();
  const network = join(folder, 'interfaces.json');
  await writeFile(network, JSON.stringify(loopback));
  const serve = await startServe({
    args: ['--mode', 'relay', '--relay-host', `127.0.0.1:${port}`, '--relay-security', 'none'],
    env: { RELAYDESK_TEST_NETWORK_FILE: network, RELAYDESK_TEST_WATCH_MS: '200' },
  });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: serve.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  const info = await transport.sendMail({ from: 'laptop@example.com', to, subject, text });
  transport.close();
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  return { serve, id, online: () => writeFile(network, JSON.stringify(wired)) };
}

describe('relaydesk serve when the network comes back', () => {
  it('retries what waits for the upstream at once, and says why in the log', async () => {
    const port = await closedPort();
    const { serve, id, online } = await offlineRelayWithMessage(
      port,
      ['client@customer.example'],
      'Written offline',
      'Sent when the network is back.',
    );
    await waitFor('deferred, relaying paused', async () => {
      const queue = await serve.api<QueueView>('/api/v1/queue');
      return queue.upstream.paused?.unreachable && queue.messages[0]?.recipients[0]?.attempts;
    });

    // the smart host is reachable again once the machine is online
    const host = await startUpstreamServer({ tls: 'none', port });
    closing.push(() => host.close());
    await online();
    await serve.waitFor(
      /network is back \(192\.0\.2\.10 on eth0\): retrying deferred mail now \(1 message\)/,
    );
    // before the paused upstream's first probe, a minute after the failure
    await waitFor('the message at the smart host', () => host.messages.length === 1);
    const delivery = await serve.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    expect(delivery.status).toBe('delivered');
    expect(delivery.recipients[0]?.history.map((h) => h.reason)).toContain('network is back');
    expect(serve.stdout).not.toMatch(/probe \d+ of upstream/);
    await serve.stop();
  });

  it('leaves greylisted mail to its greylisting wait, and retries the rest', async () => {
    // Postgrey's answer to a first try: come back in 5 minutes; and a deferral of another kind
    const host = await startUpstreamServer({
      tls: 'none',
      failures: {
        rcpt: {
          'grey@customer.example': {
            code: 450,
            text: '4.2.0 <grey@customer.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/customer.example.html',
          },
          'busy@customer.example': { code: 451, text: '4.3.0 Temporary local problem' },
        },
      },
    });
    closing.push(() => host.close());
    const { serve, id, online } = await offlineRelayWithMessage(
      host.port,
      ['grey@customer.example', 'busy@customer.example'],
      'Greylisted on the first try',
      'x',
    );
    const delivery = () => serve.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
    const recipient = async (address: string) =>
      (await delivery()).recipients.find((r) => r.address === address);
    await waitFor('both recipients deferred after one attempt', async () => {
      const { recipients } = await delivery();
      return recipients.every((r) => r.state === 'deferred' && r.attempts.length === 1);
    });
    const greylisted = await recipient('grey@customer.example');

    await online();
    await serve.waitFor(
      /network is back \(192\.0\.2\.10 on eth0\): retrying deferred mail now \(1 message\)/,
    );
    // the other deferral is tried again at once…
    await waitFor(
      'the second attempt to busy@',
      async () => (await recipient('busy@customer.example'))?.attempts.length === 2,
    );
    // …the greylisted recipient waits out its greylisting: one attempt, the same retry time
    const grey = await recipient('grey@customer.example');
    expect(grey?.state).toBe('deferred');
    expect(grey?.attempts).toHaveLength(1);
    expect(grey?.nextAttemptAt).toBe(greylisted?.nextAttemptAt);
    expect(grey?.history.map((h) => h.reason)).not.toContain('network is back');
    expect(grey?.history.at(-1)?.reason).toMatch(
      /^greylisted at RCPT TO \(tried again at its retry time, not sooner\): 450 4\.2\.0 /,
    );
    await serve.stop();
  });
});
