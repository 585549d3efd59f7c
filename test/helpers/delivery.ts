// Waiting for a message's delivery to reach a state, through the API.
import { expect } from 'vitest';
import type { MessageDelivery } from '../../preload/api-contract.js';
import type { TestRelaydesk } from './relaydesk.js';

/** Polls GET /api/v1/message/{id}/delivery until `done` holds; returns that delivery. */
export async function settled(
  relay: TestRelaydesk,
  id: string,
  done: (d: MessageDelivery) => boolean,
  timeout = 10_000,
): Promise<MessageDelivery> {
  let last: MessageDelivery | null = null;
  await expect
    .poll(
      async () => {
        await relay.service.queueIdle();
        last = await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
        return done(last);
      },
      { timeout, interval: 50 },
    )
    .toBe(true);
  return last as unknown as MessageDelivery;
}
