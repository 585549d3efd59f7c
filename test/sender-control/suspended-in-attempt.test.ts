// A suspension holds what the sender has waiting; a message that is on the wire at that moment
// is not waiting, and when its attempt was deferred it waited for its retry like any other and
// was sent then, with the sender still suspended (CI caught the race in suspension-restart). It
// is now held in the same change that records the deferral. Real parts: the relay, a real SMTP
// client, and an upstream that keeps the attempt open until the test lets it answer.
import { afterEach, describe, expect, it } from 'vitest';
import type { SuspensionEntry } from '../../preload/api-contract.js';
import { runCli } from '../helpers/cli-process.js';
import { eventually } from '../helpers/eventually.js';
import { messageInAttempt } from '../helpers/message-in-attempt.js';
import { stallingUpstream } from '../helpers/stalling-upstream.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a sender suspended while its message is in an attempt', () => {
  it('holds the message once the attempt defers it, instead of retrying it; a release by hand stands', async () => {
    const upstream = await stallingUpstream();
    cleanups.push(() => upstream.close());
    const { relay, log, id, delivery } = await messageInAttempt(upstream, cleanups);

    // from the command line, as an admin at the relay's machine does
    const made = await runCli(['suspend', 'sender', 'app@example.test', '--reason', 'hacked'], {
      env: { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` },
    });
    expect(made.code, made.stderr).toBe(0);
    const [suspension] = await relay.api<SuspensionEntry[]>('/api/v1/suspensions');
    expect(made.stdout.trim()).toBe(suspension?.ID);
    // on the wire, not waiting: the suspension's own sweep cannot hold it, and says so
    expect(made.stderr).toBe(
      `suspended sender app@example.test (ID ${suspension?.ID}); 1 in an attempt now, held if that attempt defers it (${id})\n`,
    );
    expect(log.join('\n')).toMatch(
      /event=suspend id=\S+ kind=sender value=app@example\.test auto=false held=0 in-attempt=1 /,
    );

    upstream.answer();
    await eventually(async () => (await delivery()).recipients[0]?.state).toBe('held');
    const held = (await delivery()).recipients[0];
    expect(held?.history.at(-1)?.reason).toBe(
      `held: sender app@example.test suspended (${suspension?.ID}): hacked`,
    );
    // the attempt's answer is kept in its record, before the hold
    expect(held?.attempts.at(-1)?.reply).toMatchObject({ code: 451, enhanced: '4.7.1' });
    expect(log.join('\n')).toMatch(
      new RegExp(`event=suspend-hold id=${id} suspension=${suspension?.ID} kind=sender`),
    );
    const queue = await relay.api<{ messages: Array<{ ID: string; status: string }> }>(
      '/api/v1/queue',
    );
    expect(queue.messages.find((m) => m.ID === id)?.status).toBe('held');

    // the admin read it and let it go, the sender still suspended: deferred again, it stays
    // released (waits for its retry), as mail released during a suspension does at a restart
    await relay.api('/api/v1/queue/release', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    await eventually(async () => (await delivery()).recipients[0]?.attempts.length).toBe(2);
    await eventually(async () => (await delivery()).recipients[0]?.state).toBe('deferred');
    expect(upstream.connections).toBe(2);
  }, 60_000);
});
