// Connection reuse against real upstreams: smtp-server (through the shared helper, or directly
// when the test needs to see connections close) and, for a connection that dies without the
// client noticing, a minimal scripted SMTP server.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, test } from 'vitest';
import { ConnectionPool, endpointKey } from '../../main/core/upstream/connection-pool.js';
import {
  deliverToUpstream,
  type DeliveryAttempt,
} from '../../main/core/upstream/delivery-attempt.js';
import {
  upstreamSettingsSchema,
  type UpstreamSettingsInput,
} from '../../main/core/upstream/upstream-settings.js';
import { startTestRelaydesk } from '../helpers/relaydesk.js';
import {
  startUpstreamServer,
  type RunningUpstream,
  type UpstreamServerOptions,
} from '../helpers/upstream-server.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function upstream(options: UpstreamServerOptions = {}): Promise<RunningUpstream> {
  const server = await startUpstreamServer(options);
  cleanups.push(() => server.close());
  return server;
}

function pool(options: ConstructorParameters<typeof ConnectionPool>[0] = {}): ConnectionPool {
  const created = new ConnectionPool(options);
  cleanups.push(() => created.close());
  return created;
}

function settingsFor(
  server: { port: number; certificate?: { caFile: string } | null },
  extra: Partial<UpstreamSettingsInput> = {},
) {
  return upstreamSettingsSchema.parse({
    host: '127.0.0.1',
    port: server.port,
    ...(server.certificate ? { caFile: server.certificate.caFile } : { security: 'none' }),
    ...extra,
  });
}

const body = (n: number) =>
  Buffer.from(`From: app@example.com\r\nTo: ann@example.net\r\nSubject: ${n}\r\n\r\nbody ${n}\r\n`);

const envelope = { mailFrom: 'app@example.com', rcptTo: ['ann@example.net'] };

/** Message `n` to `server` over the pool's connections, with default upstream settings. */
const deliverOver = (
  connections: ConnectionPool,
  server: Parameters<typeof settingsFor>[0],
  n: number,
): Promise<DeliveryAttempt> =>
  deliverToUpstream(settingsFor(server), envelope, body(n), { pool: connections });

const outcomes = (attempt: DeliveryAttempt) => attempt.recipients.map((r) => r.outcome);

/** smtp-server without the helper, to count connections open right now. */
async function countingUpstream(options: { socketTimeout?: number } = {}) {
  let open = 0;
  let opened = 0;
  let mostOpen = 0;
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    ...(options.socketTimeout ? { socketTimeout: options.socketTimeout } : {}),
    onConnect(_session, callback) {
      open++;
      opened++;
      mostOpen = Math.max(mostOpen, open);
      callback();
    },
    onClose() {
      open--;
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        received.push(session.envelope.rcptTo.map((r) => r.address).join(','));
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return {
    port: (server.server.address() as AddressInfo).port,
    certificate: null,
    received,
    get open() {
      return open;
    },
    get opened() {
      return opened;
    },
    get mostOpen() {
      return mostOpen;
    },
  };
}

/**
 * A scripted SMTP server: accepts every transaction; `rset` decides the reply to RSET on a
 * connection (by its number, from 1), so a connection can "die" exactly when it is checked, and
 * `mail` (when given) the reply to the nth MAIL FROM on a connection.
 */
async function scriptedUpstream(
  rset: (connection: number) => string,
  mail?: (connection: number, nth: number) => string,
) {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    const id = ++connections;
    let mails = 0;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let inData = false;
    let buffer = '';
    const say = (line: string) => socket.write(`${line}\r\n`);
    say('220 scripted ESMTP');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            say('250 2.0.0 Ok: queued as SCRIPTED');
          }
          continue;
        }
        const verb = line.split(' ')[0]?.toUpperCase();
        if (verb === 'EHLO') say('250-scripted\r\n250 8BITMIME');
        else if (verb === 'DATA') {
          inData = true;
          say('354 go ahead');
        } else if (verb === 'RSET') {
          const reply = rset(id);
          say(reply);
          if (reply.startsWith('421')) socket.end();
        } else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else if (verb === 'MAIL' && mail) {
          const reply = mail(id, ++mails);
          say(reply);
          // what a closing server says goes with the rest of the pipelined commands unread
          if (reply.startsWith('421')) socket.destroySoon();
        } else say('250 ok');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    port: (server.address() as AddressInfo).port,
    certificate: null,
    get connections() {
      return connections;
    },
  };
}

describe('ConnectionPool with deliverToUpstream', () => {
  test('back-to-back messages share one connection, authenticated once (STARTTLS + AUTH)', async () => {
    const server = await upstream({ users: { relayuser: 's3cret-pass' } });
    const connections = pool();
    const settings = settingsFor(server, { auth: { user: 'relayuser', password: 's3cret-pass' } });
    const attempts: DeliveryAttempt[] = [];
    for (let n = 0; n < 5; n++) {
      attempts.push(await deliverToUpstream(settings, envelope, body(n), { pool: connections }));
    }

    expect(attempts.map(outcomes)).toEqual(Array.from({ length: 5 }, () => ['relayed']));
    expect(server.messages).toHaveLength(5);
    expect(server.messages.map((m) => m.user)).toEqual(Array(5).fill('relayuser'));
    expect(server.messages.every((m) => m.secure)).toBe(true);
    expect(server.connections).toBe(1);
    // AUTH once per connection: only the first transcript has it
    expect(attempts.filter((a) => /^C: AUTH /m.test(a.transcript))).toHaveLength(1);
    expect(attempts[0]?.transcript).toMatch(/^C: STARTTLS/m);
    for (const attempt of attempts.slice(1)) {
      // each transcript is its own: the reuse note, then this transaction only; no RSET right
      // after a transaction that ended cleanly (freshMs)
      expect(attempt.transcript).toMatch(/^\* reusing the open connection to 127\.0\.0\.1:\d+ /);
      expect(attempt.transcript).toContain('authenticated as relayuser with PLAIN');
      expect(attempt.transcript.split('\n')[0]).toContain('ended cleanly: no RSET');
      expect(attempt.transcript.split('\n')[1]).toMatch(/^C: MAIL FROM:/);
      expect(attempt.transcript).not.toMatch(/STARTTLS|EHLO|^C: AUTH/m);
      expect(attempt.transcript.match(/^C: MAIL FROM:/gm)).toHaveLength(1);
      expect(attempt.transcript).not.toContain('s3cret-pass');
      expect(attempt.tls?.version).toMatch(/^TLSv1\.[23]$/);
      expect(attempt.authMechanism).toBe('PLAIN');
      expect(attempt.upstream.ip).toBe('127.0.0.1');
    }
    // queue ids come from each transaction's own reply
    expect(attempts.map((a) => a.upstreamQueueId)).toEqual(server.messages.map((m) => m.queueId));
    expect(connections.stats).toEqual({ idle: 1, busy: 0 });
  });

  test('without a pool every message still gets its own connection, ending with QUIT', async () => {
    const server = await upstream({ tls: 'none' });
    for (let n = 0; n < 2; n++) {
      const attempt = await deliverToUpstream(settingsFor(server), envelope, body(n));
      expect(attempt.transcript).toMatch(/^C: QUIT$/m);
      expect(attempt.transcript).not.toContain('reusing');
    }
    expect(server.connections).toBe(2);
  });

  test('a connection is closed after maxTransactions transactions', async () => {
    const server = await upstream({ tls: 'none' });
    const connections = pool({ maxTransactions: 2 });
    const attempts: DeliveryAttempt[] = [];
    for (let n = 0; n < 5; n++) {
      attempts.push(
        await deliverToUpstream(settingsFor(server), envelope, body(n), { pool: connections }),
      );
    }
    expect(server.messages).toHaveLength(5);
    expect(server.connections).toBe(3);
    expect(attempts[1]?.transcript).toMatch(/closing the connection after 2 transactions/);
    expect(attempts[1]?.transcript).toMatch(/^C: QUIT$/m);
    expect(attempts[2]?.transcript).not.toContain('reusing');
  });

  test('an idle connection is QUIT after idleMs and the next message opens a new one', async () => {
    const server = await countingUpstream();
    const connections = pool({ idleMs: 50 });
    const first = await deliverOver(connections, server, 1);
    expect(outcomes(first)).toEqual(['relayed']);
    expect(first.transcript).toMatch(/keeping the connection open/);
    expect(first.transcript).not.toMatch(/^C: QUIT$/m);
    // the upstream sees the connection go
    await expect.poll(() => server.open, { timeout: 5_000 }).toBe(0);
    expect(connections.stats).toEqual({ idle: 0, busy: 0 });

    const second = await deliverOver(connections, server, 2);
    expect(outcomes(second)).toEqual(['relayed']);
    expect(second.transcript).not.toContain('reusing');
    expect(server.opened).toBe(2);
  });

  test('a connection the upstream closed while idle is dropped and replaced', async () => {
    // smtp-server says 421 and hangs up after 300 ms without a command
    const server = await countingUpstream({ socketTimeout: 300 });
    const connections = pool({ idleMs: 60_000 });
    await deliverOver(connections, server, 1);
    await expect.poll(() => server.open, { timeout: 5_000 }).toBe(0);
    await expect.poll(() => connections.stats.idle, { timeout: 5_000 }).toBe(0);

    const second = await deliverOver(connections, server, 2);
    expect(outcomes(second)).toEqual(['relayed']);
    expect(second.pauseUpstream).toBeNull();
    expect(server.opened).toBe(2);
    expect(server.received).toHaveLength(2);
  });

  test('a connection idle for longer is checked with RSET first', async () => {
    const server = await upstream({ tls: 'none' });
    const connections = pool({ freshMs: 0 });
    await deliverOver(connections, server, 1);
    const second = await deliverOver(connections, server, 2);
    expect(outcomes(second)).toEqual(['relayed']);
    expect(second.transcript.split('\n')[1]).toBe('C: RSET');
    expect(server.connections).toBe(1);
  });

  test('a connection reused without RSET that is gone before MAIL FROM is answered: sent again at once', async () => {
    // the first connection takes one message, then says 421 to the next MAIL FROM and hangs up
    const server = await scriptedUpstream(
      () => '250 2.0.0 flushed',
      (connection, nth) =>
        connection === 1 && nth === 2 ? '421 4.4.2 scripted: too many messages' : '250 ok',
    );
    const connections = pool();
    const first = await deliverOver(connections, server, 1);
    expect(outcomes(first)).toEqual(['relayed']);
    const second = await deliverOver(connections, server, 2);
    expect(outcomes(second)).toEqual(['relayed']);
    expect(second.pauseUpstream).toBeNull();
    expect(second.transcript).toMatch(/ended cleanly: no RSET/);
    expect(second.transcript).toMatch(/^S: 421 4\.4\.2 scripted: too many messages/m);
    expect(second.transcript).toMatch(/gone before MAIL FROM was answered; sending again/);
    expect(second.transcript).toMatch(/^\* connecting to 127\.0\.0\.1:\d+ \(none\)/m);
    expect(second.transcript).toMatch(/^S: 250 2\.0\.0 Ok: queued as SCRIPTED$/m);
    expect(server.connections).toBe(2);
  });

  test('a connection that fails its RSET check is replaced without failing the delivery', async () => {
    const server = await scriptedUpstream((connection) =>
      connection === 1 ? '421 4.4.2 scripted idle timeout, closing' : '250 2.0.0 flushed',
    );
    const connections = pool({ freshMs: 0 });
    const first = await deliverOver(connections, server, 1);
    expect(outcomes(first)).toEqual(['relayed']);

    const second = await deliverOver(connections, server, 2);
    expect(outcomes(second)).toEqual(['relayed']);
    expect(second.pauseUpstream).toBeNull();
    expect(second.unreachable).toEqual([]);
    expect(second.transcript).toMatch(/^\* reusing the open connection/);
    expect(second.transcript).toMatch(/^S: 421 4\.4\.2 scripted idle timeout/m);
    expect(second.transcript).toMatch(/failed its check .*; opening a new one/);
    expect(second.transcript).toMatch(/^\* connecting to 127\.0\.0\.1:\d+ \(none\)/m);
    expect(server.connections).toBe(2);

    // the new connection answers RSET: it is reused for the third message
    const third = await deliverOver(connections, server, 3);
    expect(outcomes(third)).toEqual(['relayed']);
    expect(third.transcript).toMatch(/^S: 250 2\.0\.0 flushed$/m);
    expect(server.connections).toBe(2);
  });

  test('different credentials never share a connection', async () => {
    const server = await upstream({ users: { ann: 'ann-pass', bob: 'bob-pass' } });
    const connections = pool({ maxOpen: 2 });
    const ann = settingsFor(server, { auth: { user: 'ann', password: 'ann-pass' } });
    const bob = settingsFor(server, { auth: { user: 'bob', password: 'bob-pass' } });
    expect(endpointKey(ann)).not.toBe(endpointKey(bob));
    for (const settings of [ann, bob, ann, bob]) {
      const attempt = await deliverToUpstream(settings, envelope, body(0), { pool: connections });
      expect(outcomes(attempt)).toEqual(['relayed']);
    }
    expect(server.messages.map((m) => m.user)).toEqual(['ann', 'bob', 'ann', 'bob']);
    expect(server.connections).toBe(2);

    // same user, another password: not the session authenticated with the old one
    const changed = settingsFor(server, { auth: { user: 'ann', password: 'wrong' } });
    expect(endpointKey(changed)).not.toBe(endpointKey(ann));
    const refused = await deliverToUpstream(changed, envelope, body(0), { pool: connections });
    expect(refused.pauseUpstream).not.toBeNull();
    expect(server.connections).toBe(3);
  });

  test('busy and idle connections together stay within maxOpen', async () => {
    const a = await countingUpstream();
    const b = await countingUpstream();
    const connections = pool({ maxOpen: 1 });
    for (const server of [a, b, a, b]) {
      const attempt = await deliverOver(connections, server, 0);
      expect(outcomes(attempt)).toEqual(['relayed']);
      // the other upstream's idle connection was QUIT before this one was opened
      expect(a.open + b.open).toBeLessThanOrEqual(1);
    }
    expect(a.opened + b.opened).toBe(4);
    expect(connections.stats).toEqual({ idle: 1, busy: 0 });
  });

  test('a 421 reply discards the connection', async () => {
    const server = await upstream({ tls: 'none' });
    const connections = pool();
    server.setFailures({ data: { code: 421, text: '4.3.2 going down for maintenance' } });
    const failed = await deliverOver(connections, server, 1);
    expect(outcomes(failed)).toEqual(['deferred']);
    expect(failed.transcript).not.toContain('keeping the connection open');
    expect(connections.stats).toEqual({ idle: 0, busy: 0 });

    server.setFailures({});
    const next = await deliverOver(connections, server, 2);
    expect(outcomes(next)).toEqual(['relayed']);
    expect(next.transcript).not.toContain('reusing');
    expect(server.connections).toBe(2);
  });

  test('a refused recipient or message keeps the connection for the next one', async () => {
    const server = await upstream({ tls: 'none' });
    const connections = pool();
    server.setFailures({ rcpt: { 'ann@example.net': { code: 550, text: '5.1.1 no such user' } } });
    const bounced = await deliverOver(connections, server, 1);
    expect(outcomes(bounced)).toEqual(['bounced']);
    server.setFailures({ data: { code: 554, text: '5.6.0 content refused' } });
    const refused = await deliverOver(connections, server, 2);
    expect(outcomes(refused)).toEqual(['bounced']);
    server.setFailures({});
    const relayed = await deliverOver(connections, server, 3);
    expect(outcomes(relayed)).toEqual(['relayed']);
    expect(relayed.transcript).toMatch(/^\* reusing/);
    expect(server.connections).toBe(1);
  });

  test('close() QUITs the idle connections; a session given back afterwards is closed too', async () => {
    const server = await countingUpstream();
    const connections = new ConnectionPool({ idleMs: 60_000 });
    await deliverOver(connections, server, 1);
    expect(server.open).toBe(1);
    await connections.close();
    await expect.poll(() => server.open, { timeout: 5_000 }).toBe(0);
    expect(connections.stats).toEqual({ idle: 0, busy: 0 });

    const after = await deliverOver(connections, server, 2);
    expect(outcomes(after)).toEqual(['relayed']);
    expect(after.transcript).toMatch(/^C: QUIT$/m);
    await expect.poll(() => server.open, { timeout: 5_000 }).toBe(0);
  });
});

describe('the relay queue with pooling', () => {
  test('several messages go over fewer connections than messages', async () => {
    const server = await upstream({ tls: 'none' });
    const relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    });
    cleanups.push(() => relay.dispose());
    const transport = relay.transport();
    for (let n = 0; n < 6; n++) {
      await transport.sendMail({
        from: 'app@sender.example',
        to: `r${n}@rcpt.example`,
        subject: `pooled ${n}`,
        text: `body ${n}`,
      });
    }
    await expect
      .poll(
        async () => {
          await relay.service.queueIdle();
          return server.messages.length;
        },
        { timeout: 10_000, interval: 50 },
      )
      .toBe(6);
    expect(server.connections).toBeLessThan(6);
    expect(server.connections).toBeLessThanOrEqual(2);
  });
});
