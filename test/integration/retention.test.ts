// Retention keeps the newest captured messages, on disk as well as in the list.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk({ maxMessages: 3 });
});
afterAll(async () => relay?.dispose());

it('keeps at most maxMessages, dropping the oldest first', async () => {
  const transport = relay.transport();
  for (let i = 1; i <= 5; i++) {
    await transport.sendMail({
      from: 'a@x.example',
      to: 'b@y.example',
      subject: `n${i}`,
      text: 'x',
    });
  }
  await expect
    .poll(async () =>
      (await relay.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.Subject),
    )
    .toEqual(['n5', 'n4', 'n3']);
  const files = await readdir(join(relay.dataDir, 'spool'));
  expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(3);
  expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(3);
});
