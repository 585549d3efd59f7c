// IDN domains in the envelope, relayed to an upstream that does not offer SMTPUTF8 (Amazon SES
// and many ISP smart hosts). smtp-server turns the A-labels a client writes (xn--…) into
// U-labels, so the relay must give the upstream the ASCII form back instead of bouncing the
// mail for want of SMTPUTF8; only a UTF-8 local part really needs it (RFC 6531 §3.2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

let upstream: RunningUpstream;
let relay: TestRelaydesk;

beforeAll(async () => {
  upstream = await startUpstreamServer({ tls: 'none', smtpUtf8: false });
  relay = await startTestRelaydesk({
    mode: 'relay',
    relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
  });
});
afterAll(async () => {
  await relay?.dispose();
  await upstream?.close();
});

describe('IDN envelope addresses to an upstream without SMTPUTF8', () => {
  it('relays A-label addresses as A-labels; a UTF-8 local part still bounces with 5.6.7', async () => {
    const info = await relay.transport().sendMail({
      envelope: {
        from: 'info@xn--bcher-kva.example',
        to: ['anna@xn--bcher-kva.example', 'bob@example.net', 'jörg@example.net'],
      },
      raw: 'From: info@xn--bcher-kva.example\r\nTo: anna@xn--bcher-kva.example\r\nSubject: IDN\r\n\r\nHi\r\n',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const delivery = await settled(relay, id, (d) =>
      d.recipients.every((r) => r.state === 'relayed' || r.state === 'bounced'),
    );
    const states = Object.fromEntries(delivery.recipients.map((r) => [r.address, r.state]));
    expect(states).toEqual({
      'anna@bücher.example': 'relayed',
      'bob@example.net': 'relayed',
      'jörg@example.net': 'bounced',
    });
    const transcript = delivery.recipients[0]?.attempts[0]?.transcript ?? '';
    expect(transcript).toMatch(/^C: MAIL FROM:<info@xn--bcher-kva\.example>/m);
    expect(transcript).toMatch(/^C: RCPT TO:<anna@xn--bcher-kva\.example>/m);
    expect(upstream.messages).toHaveLength(1);
    expect(upstream.messages[0]?.smtpUtf8).toBe(false);
    const refused = delivery.recipients.find((r) => r.address === 'jörg@example.net');
    expect(refused?.attempts[0]?.reply).toMatchObject({ enhanced: '5.6.7' });
  });
});
