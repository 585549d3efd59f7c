// clamd not started (or --clamd mistyped) when the relay starts: the real `relaydesk serve`
// says so at once, with what happens to mail meanwhile and the fix, instead of answering every
// message 451 with only an audit line each; and it says so again when a real clamd comes up.
import { afterEach, describe, expect, it } from 'vitest';
import { clamdTool, startClamd, type TestClamd } from '../helpers/clamd.js';
import { cleanupCliProcesses, startServe } from '../helpers/cli-process.js';
import { requireTool } from '../helpers/system-tools.js';
import { closedPort } from '../helpers/upstream-server.js';

const clamdPath = requireTool(clamdTool);
let clamd: TestClamd | undefined;
afterEach(async () => {
  await cleanupCliProcesses();
  await clamd?.stop();
  clamd = undefined;
});

describe.skipIf(!clamdPath)('clamd down when the relay starts', () => {
  it('warns at start, and tells when clamd answers', async () => {
    const port = await closedPort();
    const relay = await startServe({ args: ['--clamd', `127.0.0.1:${port}`] });
    await relay.waitFor(/filter: clamd at 127\.0\.0\.1:\d+ does not answer PING.*/, {
      timeoutMs: 10_000,
    });
    expect(relay.stdout + relay.stderr).toContain(
      `clamd at 127.0.0.1:${port} does not answer PING; until it does, each message is refused with 451 4.7.0 and its client retries later (--clamd-unavailable defer), unless a routing rule's filter says otherwise. Start clamd (it takes a while to load its database), correct --clamd, or choose --clamd-unavailable accept`,
    );
    clamd = await startClamd(clamdPath as string, Buffer.from('unused'), [], port);
    await relay.waitFor(new RegExp(`clamd at 127\\.0\\.0\\.1:${port} answers now`), {
      timeoutMs: 15_000,
    });
    // said once each, not every few seconds
    const said = relay.stdout + relay.stderr;
    expect(said.match(/does not answer PING/g)).toHaveLength(1);
  }, 90_000);

  it('offers the other clamdUnavailable as the way out: defer, to a relay that accepts', async () => {
    const port = await closedPort();
    const relay = await startServe({
      args: ['--clamd', `127.0.0.1:${port}`, '--clamd-unavailable', 'accept'],
    });
    await relay.waitFor(/filter: clamd at 127\.0\.0\.1:\d+ does not answer PING.*/, {
      timeoutMs: 10_000,
    });
    // it offered "--clamd-unavailable accept", the setting it was started with
    expect(relay.stdout + relay.stderr).toContain(
      `clamd at 127.0.0.1:${port} does not answer PING; until it does, mail is taken unscanned and tagged not-scanned (--clamd-unavailable accept), unless a routing rule's filter says otherwise. Start clamd (it takes a while to load its database), correct --clamd, or choose --clamd-unavailable defer`,
    );
  }, 90_000);

  it('says nothing about clamd when it answers', async () => {
    clamd = await startClamd(clamdPath as string, Buffer.from('unused'));
    const relay = await startServe({
      args: ['--clamd', clamd.address, '--clamd-unavailable', 'accept'],
    });
    // the start-up ping went before this one, to the same clamd
    const info = await relay.api<{ clamdReachable: boolean }>('/api/v1/filter');
    expect(info.clamdReachable).toBe(true);
    expect(relay.stdout + relay.stderr).not.toMatch(/clamd at .* (does not answer|answers now)/);
  }, 90_000);
});
