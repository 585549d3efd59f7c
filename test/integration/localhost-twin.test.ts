// `localhost:1025` as Mailpit's docs tell people: with `::1 localhost` in /etc/hosts (Debian,
// Ubuntu, macOS) a client connects to ::1 first, and one that tries nothing else (Node 18's
// net.connect and fetch) found no relay there. The listeners on 127.0.0.1 take ::1 too, and
// nothing beyond loopback. Real clients connect to [::1] here; this machine's own /etc/hosts may
// list only 127.0.0.1 for localhost, so they are given the address a resolver would give first.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail } from '../../preload/api-contract.js';
import { loopbackTwinHost, loopbackTwinWords } from '../../preload/loopback-twin.js';
import { eventually } from '../helpers/eventually.js';
import { unusedPort } from '../helpers/ports.js';
import { startRelaydesk, type RunningRelaydesk } from '../../main/headless.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { php, symfonyMailer } from '../helpers/php-mailers.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const run = promisify(execFile);
const python = requireTool(tools.python3);

/** Whether this machine has an IPv6 loopback (a container may have none: then there is no twin). */
async function hasIpv6Loopback(): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '::1', () => probe.close(() => resolve(true)));
  });
}

const ipv6 = await hasIpv6Loopback();
if (!ipv6) console.log('skipping the ::1 twin tests: this machine has no IPv6 loopback (::1)');

describe('where a loopback listener has a twin', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', '::1'],
    ['localhost', '127.0.0.1', '::1'],
    ['localhost', '::1', '127.0.0.1'],
    ['[::1]', '::1', '127.0.0.1'],
    // chosen on purpose, or reachable from the network: never widened
    ['127.0.0.2', '127.0.0.2', null],
    ['0.0.0.0', '0.0.0.0', null],
    ['::', '::', null],
    ['192.168.1.20', '192.168.1.20', null],
  ])('%s bound to %s: %s', (configured, bound, twin) => {
    expect(loopbackTwinHost(configured, bound)).toBe(twin);
    // Settings → Listener says so under the host field
    const words = loopbackTwinWords(configured);
    if (twin === null) expect(words).toBeNull();
    else expect(words).toContain('::1');
  });
});

describe.skipIf(!ipv6)('a relay on 127.0.0.1 reached at ::1', () => {
  let relay: TestRelaydesk;
  const logged: string[] = [];

  beforeAll(async () => {
    relay = await startTestRelaydesk({ smtps: '127.0.0.1:0' }, undefined, {
      log: (line) => logged.push(line),
    });
  });
  afterAll(async () => relay?.dispose());

  it('takes mail from nodemailer at [::1] on the SMTP port, as from a trusted local client', async () => {
    const transport = nodemailer.createTransport({
      host: '::1',
      port: relay.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    try {
      await transport.sendMail({
        from: 'app@example.com',
        to: 'dev@example.com',
        subject: 'over ::1',
        text: 'hello',
      });
    } finally {
      transport.close();
    }
    const detail = await relay.api<MessageDetail>('/api/v1/message/latest');
    expect(detail.Subject).toBe('over ::1');
    expect(detail.Envelope).toMatchObject({ clientIp: '::1' });
  });

  it.skipIf(!python)("takes mail from Python's smtplib at ::1", async () => {
    await run(python as string, [
      '-c',
      [
        'import smtplib, sys',
        's = smtplib.SMTP("::1", int(sys.argv[1]), timeout=10)',
        's.sendmail("py@example.com", ["dev@example.com"], "Subject: smtplib over ::1\\r\\n\\r\\nhi\\r\\n")',
        's.quit()',
      ].join('\n'),
      String(relay.smtp.port),
    ]);
    await eventually(
      async () => (await relay.api<MessageDetail>('/api/v1/message/latest')).Subject,
    ).toBe('smtplib over ::1');
  });

  it('greets over implicit TLS at [::1] on the SMTPS port', async () => {
    const smtps = relay.service.listenerView().listeners.find((l) => l.listener === 'smtps');
    const port = Number(/:(\d+)$/.exec(smtps?.listeningOn ?? '')?.[1]);
    expect(smtps?.alsoListeningOn).toBe(`[::1]:${port}`);
    const greeting = await new Promise<string>((resolve, reject) => {
      // the certificate is the self-signed one made at first run
      const socket = tlsConnect({ host: '::1', port, rejectUnauthorized: false });
      socket.once('data', (data) => {
        resolve(String(data));
        socket.end('QUIT\r\n');
      });
      socket.once('error', reject);
    });
    expect(greeting).toMatch(/^220 \S+ ESMTP Relaydesk\r\n$/);
  });

  it("answers the Mailpit API at http://[::1] on the API's port", async () => {
    const res = await fetch(`http://[::1]:${relay.http.port}/api/v1/messages`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as { total: number };
    expect(list.total).toBeGreaterThanOrEqual(1);
  });

  it('says where it listens: the start-up lines, the run and the listener view', () => {
    const port = relay.smtp.port;
    expect(logged).toContainEqual(
      `exposure: SMTP on 127.0.0.1:${port} and [::1]:${port} (this machine only; no TLS)`,
    );
    expect(logged).toContainEqual(
      expect.stringMatching(
        /^exposure: SMTPS \(implicit TLS\) on 127\.0\.0\.1:(\d+) and \[::1\]:\1 \(this machine only; TLS\)$/,
      ),
    );
    expect(logged).toContainEqual(
      `exposure: UI and API on 127.0.0.1:${relay.http.port} and [::1]:${relay.http.port} (no password: this machine only)`,
    );
    expect(relay.alsoOn).toEqual({
      smtp: { host: '::1', port },
      http: { host: '::1', port: relay.http.port },
    });
    const smtp = relay.service.listenerView().listeners.find((l) => l.listener === 'smtp');
    expect(smtp).toMatchObject({
      listeningOn: `127.0.0.1:${port}`,
      alsoListeningOn: `[::1]:${port}`,
    });
  });
});

describe.skipIf(!ipv6)('a ::1 port another program holds', () => {
  let holder: Server;
  let relay: RunningRelaydesk | undefined;
  const logged: string[] = [];

  afterAll(async () => {
    await relay?.close();
    await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()));
  });

  it('starts on 127.0.0.1 all the same, and names the program in the way', async () => {
    const port = await unusedPort();
    holder = createServer((socket) => socket.end('220 someone else\r\n'));
    await new Promise<void>((resolve) => holder.listen(port, '::1', resolve));
    relay = await startRelaydesk({
      smtp: `127.0.0.1:${port}`,
      http: '127.0.0.1:0',
      dataDir: await makeDataDir(),
      log: (line) => logged.push(line),
    });
    expect(relay.smtp).toEqual({ host: '127.0.0.1', port });
    expect(relay.alsoOn.smtp).toBeNull();
    expect(logged).toContainEqual(
      `listener: --smtp: [::1]:${port} is taken by another program, so clients told "localhost" that try ::1 first reach it, not Relaydesk; stop it, or tell those clients 127.0.0.1`,
    );
    expect(logged).toContainEqual(
      `exposure: SMTP on 127.0.0.1:${port} (this machine only; no TLS)`,
    );
  });
});

describe('a relay told "localhost" as its own address', () => {
  let relay: RunningRelaydesk | undefined;
  const logged: string[] = [];

  beforeAll(async () => {
    relay = await startRelaydesk({
      smtp: 'localhost:0',
      http: '127.0.0.1:0',
      dataDir: await makeDataDir(),
      log: (line) => logged.push(line),
    });
  });
  afterAll(async () => relay?.close());

  const latestSubject = async (): Promise<string> => {
    const res = await fetch(`http://127.0.0.1:${relay?.http.port}/api/v1/message/latest`);
    return ((await res.json()) as MessageDetail).Subject;
  };

  // STARTTLS with the self-signed certificate was offered, as off loopback, and clients that
  // upgrade whenever it is offered failed on the certificate
  it('offers no STARTTLS with its self-signed certificate, as on 127.0.0.1', () => {
    expect(logged).toContainEqual(
      expect.stringMatching(/^exposure: SMTP on .* \(this machine only; no TLS\)$/),
    );
  });

  it('takes mail from nodemailer told host "localhost" with its defaults', async () => {
    const transport = nodemailer.createTransport({ host: 'localhost', port: relay?.smtp.port });
    try {
      await transport.sendMail({
        from: 'app@example.com',
        to: 'dev@example.com',
        subject: 'nodemailer to localhost',
        text: 'hello',
      });
    } finally {
      transport.close();
    }
    expect(await latestSubject()).toBe('nodemailer to localhost');
  });

  it.skipIf(!symfonyMailer)(
    "takes mail from Symfony Mailer's MAILER_DSN=smtp://localhost:PORT",
    async () => {
      const script = [
        `require '/usr/share/php/Symfony/Component/Mailer/autoload.php';`,
        `require_once '/usr/share/php/Symfony/Component/Mime/autoload.php';`,
        `$mailer = new Symfony\\Component\\Mailer\\Mailer(Symfony\\Component\\Mailer\\Transport::fromDsn('smtp://localhost:${relay?.smtp.port}'));`,
        `$mailer->send((new Symfony\\Component\\Mime\\Email())->from('app@example.com')->to('dev@example.com')->subject('symfony to localhost')->text('hello'));`,
      ].join('\n');
      await run(php as string, ['-r', script]);
      expect(await latestSubject()).toBe('symfony to localhost');
    },
  );
});

describe.skipIf(!ipv6)('a relay told "localhost"', () => {
  let relay: RunningRelaydesk | undefined;
  const logged: string[] = [];

  afterAll(async () => relay?.close());

  it('listens on both loopback addresses, whichever one the name resolves to first', async () => {
    // where /etc/hosts lists ::1 for localhost too, Fastify binds both itself: that is no
    // "other program" holding the twin's port
    relay = await startRelaydesk({
      smtp: 'localhost:0',
      http: 'localhost:0',
      dataDir: await makeDataDir(),
      log: (line) => logged.push(line),
    });
    const hosts = (address: { host: string } | null) => address?.host;
    expect([hosts(relay.smtp), hosts(relay.alsoOn.smtp)].sort()).toEqual(['127.0.0.1', '::1']);
    expect([hosts(relay.http), hosts(relay.alsoOn.http)].sort()).toEqual(['127.0.0.1', '::1']);
    expect(logged.filter((line) => line.startsWith('listener: '))).toEqual([]);
    for (const host of ['127.0.0.1', '[::1]']) {
      const res = await fetch(`http://${host}:${relay.http.port}/livez`);
      expect(res.status).toBe(200);
    }
  });
});
