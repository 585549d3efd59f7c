// New upstream settings saved while an attempt with the old ones is on the wire. A settings change
// makes what waits due at once (upstreamChanged), but the message in the attempt was not waiting:
// when the old host then failed it, it waited for its retry time (a minute, later up to an hour)
// while the new host stood ready; and when the old host took it, the queue counted that as the new
// settings answering, so a later pause told the user they had taken mail ("nothing needs changing
// here") when they never had. Real parts: the relay, a real SMTP client, upstreams that keep the
// attempt open until the test lets them answer.
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueView } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { unusedPort } from '../helpers/ports.js';
import { messageInAttempt } from '../helpers/message-in-attempt.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { stallingUpstream, type StallingUpstream } from '../helpers/stalling-upstream.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const saveRelay = (relay: TestRelaydesk, port: number) =>
  relay.api('/api/v1/settings', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ relay: { host: '127.0.0.1', port, security: 'none' } }),
  });

/** A relay through `upstream`, and one message whose attempt with it is on the wire. */
const inAttempt = (upstream: StallingUpstream) => messageInAttempt(upstream, cleanups);

describe('new upstream settings saved while an attempt with the old ones is on the wire', () => {
  it('a failure of the old host leaves the message due at once, and the new host gets it', async () => {
    const old = await stallingUpstream();
    cleanups.push(() => old.close());
    const fresh = await stallingUpstream('accept');
    cleanups.push(() => fresh.close());
    fresh.answer();
    const { relay, delivery } = await inAttempt(old);

    await saveRelay(relay, fresh.port);
    // the old host goes away without a greeting: the attempt is deferred
    await old.close();

    // not at its retry time (a minute from now): at once, through the new settings
    await eventually(async () => (await delivery()).recipients[0]?.state, 15_000).toBe('relayed');
    expect(fresh.taken).toBe(1);
    const recipient = (await delivery()).recipients[0];
    expect(recipient?.attempts.map((a) => a.upstream.port)).toEqual([old.port, fresh.port]);
    expect(recipient?.history.map((h) => h.reason)).toContain(
      'the upstream settings changed during the attempt: tried again now with the new ones',
    );
  }, 60_000);

  it("the old host's answer is not taken for the new settings' when the new host then refuses", async () => {
    const old = await stallingUpstream('accept');
    cleanups.push(() => old.close());
    const { relay, delivery, transport } = await inAttempt(old);

    // a typo in the new port: nothing listens there
    const wrong = await unusedPort();
    await saveRelay(relay, wrong);
    old.answer();
    await eventually(async () => (await delivery()).recipients[0]?.state).toBe('relayed');

    await transport.sendMail({
      from: 'app@example.test',
      to: 'boss@example.net',
      subject: 'second',
      text: 'x',
    });
    const paused = async () => (await relay.api<QueueView>('/api/v1/queue')).upstream.paused;
    await eventually(async () => (await paused())?.reason).toBe(
      `connection refused: nothing listens on 127.0.0.1:${wrong}`,
    );
    // these settings never took mail: the fix is to check them, not to wait
    expect((await paused())?.fix).not.toMatch(/with these same settings|nothing needs changing/);
    expect((await paused())?.fix).toMatch(/^check the host and port/);
  }, 60_000);
});
