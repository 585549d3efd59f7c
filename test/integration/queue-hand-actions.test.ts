// Queue actions by hand (POST /api/v1/queue/hold|release|retry|cancel) on messages they cannot
// change: refused with 409 naming the message and its state, instead of the message's ID
// answered back as if it had been held (QA); in a mixed selection, only the others change. Against a real relay and a real
// upstream that delivers one recipient and defers another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDelivery, QueueActionResult } from '../../preload/api-contract.js';
import { waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

let server: RunningUpstream;
let relay: TestRelaydesk;
let delivered: string;
let deferred: string;

async function send(to: string[], subject: string): Promise<string> {
  const info = await relay
    .transport()
    .sendMail({ from: 'app@sender.example', to, subject, text: subject });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

const act = (action: string, ids: string[]): Promise<Response> =>
  relay.fetch(`/api/v1/queue/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ IDs: ids }),
  });

const stateOf = async (id: string): Promise<string> =>
  (await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).status;

beforeAll(async () => {
  server = await startUpstreamServer({
    tls: 'none',
    failures: { rcpt: { 'grey@rcpt.example': { code: 451, text: '4.3.2 Busy, try later' } } },
  });
  relay = await startTestRelaydesk({
    mode: 'relay',
    relay: { host: '127.0.0.1', port: server.port, security: 'none' },
  });
  delivered = await send(['ok@rcpt.example'], 'delivered');
  deferred = await send(['grey@rcpt.example'], 'deferred');
  await waitFor(
    'the first message delivered',
    async () => (await stateOf(delivered)) === 'delivered',
  );
  await waitFor(
    'the second message deferred',
    async () =>
      (await relay.api<MessageDelivery>(`/api/v1/message/${deferred}/delivery`)).recipients[0]
        ?.state === 'deferred',
  );
});
afterAll(async () => {
  await relay?.dispose();
  await server?.close();
});

describe('a queue action on a message it cannot change', () => {
  it('refuses to hold a delivered message, naming it and its state', async () => {
    const res = await act('hold', [delivered]);
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: `message ${delivered} is already delivered; only queued or deferred messages can be held`,
    });
    expect(await stateOf(delivered)).toBe('delivered');
  });

  it('refuses to release a message that is not held', async () => {
    const res = await act('release', [deferred]);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: string }).error).toBe(
      `message ${deferred} is queued, not held; only held messages can be released`,
    );
    const delivery = await relay.api<MessageDelivery>(`/api/v1/message/${deferred}/delivery`);
    expect(delivery.recipients[0]?.state).toBe('deferred');
  });

  it('refuses retry and cancel of a delivered message too', async () => {
    for (const action of ['retry', 'cancel']) {
      const res = await act(action, [delivered]);
      expect(res.status, action).toBe(409);
      expect(((await res.json()) as { error: string }).error, action).toMatch(
        new RegExp(`^message ${delivered} is already delivered; only `),
      );
    }
  });

  it('still holds and releases what it can change, and refuses a second hold', async () => {
    expect(await (await act('hold', [deferred])).json()).toEqual({ IDs: [deferred] });
    const again = await act('hold', [deferred]);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toBe(
      `message ${deferred} is already held; only queued or deferred messages can be held`,
    );
    const released = (await (await act('release', [deferred])).json()) as QueueActionResult;
    expect(released.IDs).toEqual([deferred]);
  });

  it('changes what it can in a mixed selection, answering only those, as postsuper does', async () => {
    // the release before sent it again: wait for its next deferral
    await waitFor(
      'the released message deferred again',
      async () =>
        (await relay.api<MessageDelivery>(`/api/v1/message/${deferred}/delivery`)).recipients[0]
          ?.state === 'deferred',
    );
    const res = await act('hold', [deferred, delivered]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ IDs: [deferred] });
    expect(await stateOf(deferred)).toBe('held');
    expect(await stateOf(delivered)).toBe('delivered');
    // and refused only when none of them can be: each named
    const none = await act('hold', [deferred, delivered]);
    expect(none.status).toBe(409);
    expect(((await none.json()) as { error: string }).error).toBe(
      `message ${deferred} is already held; only queued or deferred messages can be held; ` +
        `message ${delivered} is already delivered; only queued or deferred messages can be held`,
    );
  });
});
