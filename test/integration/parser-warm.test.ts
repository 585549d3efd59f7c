// The MIME parser (mailparser, a few hundred ms of CPU to load in the parse worker) is loaded
// ahead of the first message: when the first SMTP client connects, or once the relay has been up
// a while with nobody sending. Not at start, where it would compete with the GUI's first paint,
// and a relay nobody sends to (the API or the queue alone) never needs it soon.
import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const relays: TestRelaydesk[] = [];
afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.dispose()));
});

const loadedLine = /parser: mailparser loaded in \d+ ms/;

async function started(): Promise<{ relay: TestRelaydesk; lines: string[] }> {
  const lines: string[] = [];
  const relay = await startTestRelaydesk({}, undefined, { log: (line) => lines.push(line) });
  relays.push(relay);
  return { relay, lines };
}

it('loads the MIME parser when the first client connects, before its message; an idle relay a while after its start', async () => {
  const idle = await started();
  const sentTo = await started();
  expect(sentTo.lines.join('\n')).not.toMatch(loadedLine);

  // a client that connects and has not sent a command yet
  const socket = connect(sentTo.relay.smtp.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('data', resolve));
  await eventually(() => sentTo.lines.join('\n'), 20_000).toMatch(loadedLine);
  socket.destroy();
  // the relay started first, nobody connected: it has not loaded it in the same time
  expect(idle.lines.join('\n')).not.toMatch(loadedLine);

  await sentTo.relay.transport().sendMail({
    from: 'a@x.example',
    to: 'b@y.example',
    subject: 'the first one',
    text: 'hello',
  });
  const page = await sentTo.relay.api<MessagesPage>('/api/v1/messages');
  expect(page.messages.map((m) => m.Subject)).toEqual(['the first one']);
  expect(sentTo.lines.filter((line) => loadedLine.test(line))).toHaveLength(1);

  // ten seconds after its start, the idle one loads it too, with nobody sending
  await eventually(() => idle.lines.join('\n'), 20_000).toMatch(loadedLine);
}, 40_000);
