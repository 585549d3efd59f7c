// The index is written by a worker thread in batches, yet every read sees every acknowledged
// message at once: right after its 250 a message opens by ID, is listed and is found by search,
// also while the retention cap prunes the oldest on every arrival from four connections at once.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk({ maxMessages: 10, greetingDelayMs: 0, reverseDnsTimeoutMs: 0 });
});
afterAll(async () => relay?.dispose());

it('lists, opens and finds each message right after its 250, at the retention cap', async () => {
  const sessions = Array.from({ length: 4 }, async (_, session) => {
    const transport = relay.transport();
    for (let n = 0; n < 8; n++) {
      const subject = `ryw-${session}-${n}`;
      const info = (await transport.sendMail({
        from: 'app@example.test',
        to: `user${session}@example.test`,
        subject,
        text: `body word zq${session}x${n}k`,
      })) as { response: string };
      const id = /queued as ([0-9a-z]+)/.exec(info.response)?.[1] as string;
      expect(id, info.response).toBeTruthy();
      const detail = await relay.api<MessageDetail>(`/api/v1/message/${id}`);
      expect(detail.Subject).toBe(subject);
      const listed = await relay.api<MessagesPage>('/api/v1/messages?limit=10');
      expect(listed.messages.map((m) => m.ID)).toContain(id);
      const found = await relay.api<MessagesPage>(
        `/api/v1/search?query=${encodeURIComponent(`zq${session}x${n}k`)}`,
      );
      expect(found.messages.map((m) => m.ID)).toEqual([id]);
      const bySubject = await relay.api<MessagesPage>(
        `/api/v1/search?query=${encodeURIComponent(`subject:"${subject}"`)}`,
      );
      expect(bySubject.messages_count).toBe(1);
    }
  });
  await Promise.all(sessions);
  // pruned to the cap, and the counts agree with the list
  await expect
    .poll(async () => (await relay.api<MessagesPage>('/api/v1/messages')).messages.length)
    .toBe(10);
  const page = await relay.api<MessagesPage>('/api/v1/messages');
  expect(page.total).toBe(10);
});
