// Reverse DNS of non-loopback clients against a real resolver: dnsmasq started by the test on
// 127.0.0.1 with PTR records, named by --dns-servers, and a UDP socket that never answers for the
// timeout. Test clients all connect from 127.0.0.0/8, which the relay never looks up; the
// listener's test seam maps the client to the non-loopback address dnsmasq knows.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpListener } from '../../main/core/listener/smtp-listener.js';
import { readSource } from '../../main/core/spool/message-source.js';
import { createReverseLookup, reverseName } from '../../main/core/listener/reverse-dns.js';
import { resolveSettings } from '../../main/core/settings/settings-sources.js';
import { waitFor } from '../helpers/eventually.js';
import { unusedPort } from '../helpers/ports.js';
import { makeDataDir } from '../helpers/relaydesk.js';
import { greetedSession } from '../helpers/smtp-wire.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const dnsmasqPath = requireTool(tools.dnsmasq);

let dnsmasq: ChildProcess | null = null;
let dnsServer = '';
let silent: UdpSocket;
let silentServer = '';
let queriesToSilent = 0;

beforeAll(async () => {
  silent = createSocket('udp4');
  silent.on('message', () => queriesToSilent++);
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', () => resolve()));
  silentServer = `127.0.0.1:${silent.address().port}`;
  if (!dnsmasqPath) return;
  // below the ephemeral range (ports.ts): dnsmasq binds TCP too, and a UDP port the kernel had
  // just handed out was at times some worker's outgoing TCP port, so dnsmasq could not start
  const port = await unusedPort();
  dnsmasq = spawn(
    dnsmasqPath,
    [
      '--no-daemon',
      '--no-resolv',
      '--no-hosts',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--ptr-record=7.2.0.192.in-addr.arpa,mail.client.example',
      '--ptr-record=1.0.0.127.in-addr.arpa,loopback.client.example',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let said = '';
  dnsmasq.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  dnsServer = `127.0.0.1:${port}`;
  // ready when it answers
  const lookup = createReverseLookup({ servers: [dnsServer], timeoutMs: 500 });
  await waitFor(
    'dnsmasq to answer',
    async () => (await reverseName(lookup, '192.0.2.7')) === 'mail.client.example',
    { interval: 100 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}; dnsmasq said: ${said.trim() || '(nothing)'}`);
  });
});

afterAll(async () => {
  dnsmasq?.kill('SIGTERM');
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe.skipIf(!dnsmasqPath)('reverse DNS against dnsmasq', () => {
  it('finds the PTR name of a non-loopback address, and null where there is none', async () => {
    const lookup = createReverseLookup({ servers: [dnsServer], timeoutMs: 1000 });
    expect(await reverseName(lookup, '192.0.2.7')).toBe('mail.client.example');
    expect(await reverseName(lookup, '::ffff:192.0.2.7')).toBe('mail.client.example');
    expect(await reverseName(lookup, '192.0.2.8')).toBeNull();
    // loopback clients are never looked up, though the server has a name for 127.0.0.1
    expect(await reverseName(lookup, '127.0.0.1')).toBeNull();
  });

  it('gives up after the timeout when the server never answers', async () => {
    const before = queriesToSilent;
    const lookup = createReverseLookup({ servers: [silentServer], timeoutMs: 300 });
    expect(await reverseName(lookup, '192.0.2.7')).toBeNull();
    // it did ask the configured server
    expect(queriesToSilent).toBeGreaterThan(before);
  });

  describe('in the Received stamp of a message', () => {
    async function receive(servers: string): Promise<{ received: string; reply: string }> {
      const dataDir = await makeDataDir();
      const accepted: Buffer[] = [];
      const settings = resolveSettings({
        env: { RELAYDESK_DNS_SERVERS: servers },
        flags: { '--smtp': '127.0.0.1:0', '--data': dataDir, '--reverse-dns-timeout-ms': '300' },
      });
      const listener = new SmtpListener(
        settings,
        { accept: async (m) => void accepted.push(await readSource(m.raw)), log: () => undefined },
        { reverseDnsAddressFor: (ip) => (ip === '127.0.0.1' ? '192.0.2.7' : ip) },
      );
      const address = await listener.start();
      try {
        const wire = await greetedSession(address.port);
        await wire.command('MAIL FROM:<app@sender.example>');
        await wire.command('RCPT TO:<qa@team.example>');
        await wire.command('DATA');
        const stored = await wire.command('Subject: rdns\r\n\r\nx\r\n.');
        wire.close();
        const received = accepted[0]?.toString('latin1').split('\r\n')[0] ?? '';
        return { received, reply: stored };
      } finally {
        await listener.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    }

    it('shows the name from the configured server (RELAYDESK_DNS_SERVERS)', async () => {
      const { received } = await receive(dnsServer);
      expect(received).toMatch(
        /^Received: from client\.example \(mail\.client\.example \[127\.0\.0\.1\]\)$/,
      );
    });

    it('shows "unknown" when the server never answers, and the message is still taken', async () => {
      const { received, reply } = await receive(silentServer);
      expect(reply).toMatch(/^250 /);
      expect(received).toMatch(/^Received: from client\.example \(unknown \[127\.0\.0\.1\]\)$/);
    });
  });
});

describe('the dnsServers setting', () => {
  it('takes IP and IP:PORT lists from the flag and refuses anything else by name', () => {
    expect(
      resolveSettings({
        env: {},
        flags: { '--dns-servers': '192.0.2.53, 127.0.0.1:5353,[2001:db8::1]:53,::1' },
      }).dnsServers,
    ).toEqual(['192.0.2.53', '127.0.0.1:5353', '[2001:db8::1]:53', '::1']);
    expect(resolveSettings({ env: {}, flags: {} }).dnsServers).toEqual([]);
    expect(() => resolveSettings({ env: { RELAYDESK_DNS_SERVERS: 'dns.example:53' } })).toThrow(
      /^RELAYDESK_DNS_SERVERS: "dns\.example:53" is not valid; use a comma-separated list of at most 10 DNS servers, each IP or IP:PORT/,
    );
  });
});
