// A connection slot belongs to the life of the client's socket, whatever upgraded it: sessions
// upgraded by STARTTLS, on the implicit-TLS listener, ended by QUIT, by an abrupt close, by a
// failed TLS handshake or by the idle timeout all give their slot back. With a per-client limit
// of 10, a single leaked slot per session would refuse the eleventh session with 421 (the limit
// leaves room for the few abrupt closes the server has not yet seen when the client reconnects);
// the idle-timeout sessions run against a second relay with a limit of 4 and a 1 s timeout (at
// 300 ms, a loaded machine's STARTTLS handshake and the EHLO after it outlasted it: 421 mid-way).
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelaydeskInfo } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { SmtpWire } from '../helpers/smtp-wire.js';

type Kind = 'plain' | 'starttls' | 'implicit';
type Ending = 'quit' | 'abrupt' | 'failed-handshake' | 'idle';

interface Listeners {
  relay: TestRelaydesk;
  smtp: number;
  smtps: number;
}

let busy: Listeners;
/** A second relay whose idle timeout is short, for the sessions that end by it. */
let idle: Listeners;

async function start(settings: Record<string, unknown>): Promise<Listeners> {
  const relay = await startTestRelaydesk({
    greetingDelayMs: 0,
    reverseDnsTimeoutMs: 0,
    trustLoopback: false,
    maxMessagesPerMinute: 0,
    starttls: true,
    smtps: '127.0.0.1:0',
    ...settings,
  });
  // an untrusted client is only let in when it could authenticate
  await relay.api('/api/v1/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'app', password: 'app-password-1' }),
  });
  const smtps = relay.service.figures().security.smtps;
  return { relay, smtp: relay.smtp.port, smtps: smtps?.port ?? 0 };
}

beforeAll(async () => {
  busy = await start({ maxConnectionsPerIp: 10, maxConnections: 20 });
  idle = await start({ maxConnectionsPerIp: 4, maxConnections: 8, idleTimeoutMs: 1000 });
});
afterAll(async () => {
  await busy?.relay.dispose();
  await idle?.relay.dispose();
});

/** Opens a raw TCP connection to the implicit-TLS port and sends bytes that are not TLS. */
function failImplicitHandshake(port: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = netConnect({ port, host: '127.0.0.1' }, () => {
      socket.write('EHLO not-tls.example\r\n\r\n');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}

/** One session of a kind, ended in a given way; resolves with the greeting it got. */
async function session(to: Listeners, kind: Kind, ending: Ending): Promise<string> {
  if (kind === 'implicit' && ending === 'failed-handshake') {
    await failImplicitHandshake(to.smtps);
    return '220 (no greeting before the handshake)';
  }
  const wire = await SmtpWire.connect(kind === 'implicit' ? to.smtps : to.smtp, {
    tls: kind === 'implicit',
  });
  const greeting = await wire.reply();
  if (!greeting.startsWith('220')) {
    wire.close();
    return greeting;
  }
  expect(await wire.command('EHLO client.example')).toMatch(/^250/);
  if (kind === 'starttls') {
    expect(await wire.command('STARTTLS')).toMatch(/^220/);
    if (ending === 'failed-handshake') {
      // bytes that are not a TLS ClientHello: the server's handshake fails and it hangs up
      wire.write('this is not a TLS handshake\r\n');
      await wire.waitClosed();
      return greeting;
    }
    await wire.startTls();
    expect(await wire.command('EHLO client.example')).toMatch(/^250/);
  }
  if (ending === 'quit') {
    expect(await wire.command('QUIT')).toMatch(/^221/);
    await wire.waitClosed();
  } else if (ending === 'idle') {
    expect(await wire.reply(5000)).toMatch(/^421 4\.4\.2/);
    await wire.waitClosed();
  } else {
    wire.close();
  }
  return greeting;
}

async function openSessions(to: Listeners = busy): Promise<number> {
  const info = await to.relay.api<RelaydeskInfo>('/api/v1/info');
  return info.SMTPSessions.Open;
}

describe('connection slots follow the life of the socket', () => {
  const kinds: Kind[] = ['plain', 'starttls', 'implicit'];
  for (const kind of kinds) {
    it(`${kind}: 300 sessions ended by QUIT, abrupt close or failed handshake all get 220`, async () => {
      const endings: Ending[] =
        kind === 'plain' ? ['quit', 'abrupt'] : ['quit', 'abrupt', 'failed-handshake'];
      for (let i = 0; i < 300; i++) {
        const ending = endings[i % endings.length] as Ending;
        const greeting = await session(busy, kind, ending);
        expect(greeting, `session ${i + 1} (${ending})`).toMatch(/^220/);
      }
      await expect.poll(openSessions).toBe(0);
    });

    it(`${kind}: sessions ended by the idle timeout give their slot back`, async () => {
      // one more than the limit: a slot leaked by each would refuse the fifth
      for (let i = 0; i < 5; i++) {
        expect(await session(idle, kind, 'idle'), `session ${i + 1}`).toMatch(/^220/);
      }
      await expect.poll(() => openSessions(idle)).toBe(0);
    });
  }

  it('counts open sessions per listener while they are open', async () => {
    const plain = await SmtpWire.connect(busy.smtp);
    const implicit = await SmtpWire.connect(busy.smtps, { tls: true });
    expect(await plain.reply()).toMatch(/^220/);
    expect(await implicit.reply()).toMatch(/^220/);
    const info = await busy.relay.api<RelaydeskInfo>('/api/v1/info');
    expect(info.SMTPSessions).toEqual({ Open: 2, Listeners: { smtp: 1, smtps: 1 } });
    plain.close();
    implicit.close();
    await expect.poll(openSessions).toBe(0);
  });
});
