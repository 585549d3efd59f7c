// The MIME parser (mailparser, a few hundred ms of CPU to load) is loaded while the relay starts,
// in the parse worker, so the first message's 250 does not wait for it.
import { afterEach, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk | null = null;
afterEach(async () => {
  await relay?.dispose();
  relay = null;
});

it('loads the MIME parser while it starts, before any message comes, and says so in its log', async () => {
  const lines: string[] = [];
  relay = await startTestRelaydesk({}, undefined, { log: (line) => lines.push(line) });
  await eventually(() => lines.join('\n'), 20_000).toMatch(/parser: mailparser loaded in \d+ ms/);
  expect(lines.join('\n')).not.toMatch(/ from=</);

  await relay.transport().sendMail({
    from: 'a@x.example',
    to: 'b@y.example',
    subject: 'the first one',
    text: 'hello',
  });
  const page = await relay.api<MessagesPage>('/api/v1/messages');
  expect(page.messages.map((m) => m.Subject)).toEqual(['the first one']);
});
