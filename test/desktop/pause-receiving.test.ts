// Pausing receiving (tray and menu) over real SMTP: new connections get a temporary refusal
// that senders retry, a session already open still delivers its message, and resuming
// greets again. The change is an event and an audit line.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceEvent } from '../../main/core/relay-service.js';
import { greetedSession, SmtpWire } from '../helpers/smtp-wire.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
const events: ServiceEvent[] = [];
/** The last event but the SMTP sessions' (one ends whenever a connection closes). */
const lastEvent = () => events.filter((e) => e.Type !== 'session').at(-1);
const lines: string[] = [];
beforeAll(async () => {
  relay = await startTestRelaydesk();
  relay.service.on('event', (e) => events.push(e));
  relay.service.on('log', (line) => lines.push(line));
});
afterAll(async () => {
  await relay?.dispose();
});

it('answers 421 4.3.2 while paused, lets an open session finish, and greets again after', async () => {
  const open = await greetedSession(relay.smtp.port);
  // through the API, as the GUI's (and a script's) button does
  expect(
    await relay.api('/api/v1/smtp/pause', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }),
  ).toEqual({ paused: true });
  expect(relay.service.receivingPaused).toBe(true);
  expect(lastEvent()).toEqual({ Type: 'receiving', Data: { paused: true } });

  const refused = await SmtpWire.connect(relay.smtp.port);
  expect(await refused.reply()).toBe('421 4.3.2 Receiving is paused in Relaydesk; try again later');
  await refused.waitClosed();
  expect(lines.some((l) => /smtp-audit event=connect result=rejected .*reply=421/.test(l))).toBe(
    true,
  );

  expect(await open.command('MAIL FROM:<a@example.com>')).toMatch(/^250/);
  expect(await open.command('RCPT TO:<b@example.com>')).toMatch(/^250/);
  expect(await open.command('DATA')).toMatch(/^354/);
  expect(await open.command('Subject: during the pause\r\n\r\nhi\r\n.')).toMatch(/^250 /);
  open.close();
  expect(relay.service.total).toBe(1);

  expect(
    await relay.api('/api/v1/smtp/resume', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    }),
  ).toEqual({ paused: false });
  expect(lastEvent()).toEqual({ Type: 'receiving', Data: { paused: false } });
  const again = await SmtpWire.connect(relay.smtp.port);
  expect(await again.reply()).toMatch(/^220 /);
  again.close();
});
