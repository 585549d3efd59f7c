// The clamd address changed in Settings applied only after a restart: the next message was still
// sent to the old address, while the scanner strip named the new one beside "does not answer".
// Now it applies to the next message, and the scanner's state, the window's notice and the
// service log speak of the new address. A real clamd, real SMTP sessions, the settings API.
import { afterEach, describe, expect, it } from 'vitest';
import type { ListenersView, SettingsSaveResult } from '../../preload/api-contract.js';
import type { FilterStatus } from '../../preload/filter-contract.js';
import { clamdTool, eicar, startClamd } from '../helpers/clamd.js';
import { eventually } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool } from '../helpers/system-tools.js';
import { closedPort } from '../helpers/upstream-server.js';

const clamdPath = requireTool(clamdTool);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function send(relay: TestRelaydesk, text: string): Promise<string> {
  const transport = relay.transport();
  try {
    const info = await transport.sendMail({
      from: 'app@sender.example',
      to: 'bob@example.com',
      subject: 'scan me',
      text,
    });
    return info.response;
  } catch (err) {
    return (err as { response?: string }).response ?? (err as Error).message;
  } finally {
    transport.close();
  }
}

describe.skipIf(!clamdPath)('a clamd address changed in Settings', () => {
  it('scans the next message at the new address, and the scanner state names it', async () => {
    const clamd = await startClamd(clamdPath as string, Buffer.from('unused'));
    cleanups.push(() => clamd.stop());
    const wrong = `127.0.0.1:${await closedPort()}`;
    const relay = await startTestRelaydesk({
      clamd: wrong,
      clamdUnavailable: 'defer',
      virusAction: 'reject',
    });
    cleanups.push(() => relay.dispose());
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));
    const listeners = async () =>
      (await relay.fetch('/api/v1/listeners').then((r) => r.json())) as ListenersView;
    await eventually(async () => (await listeners()).scannerDown?.reason ?? '').toContain(
      `clamd at ${wrong} does not answer`,
    );
    expect(await send(relay, 'hello')).toMatch(/^451 4\.7\.0/);

    const answer = await relay.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clamd: clamd.address }),
    });
    const saved = (await answer.json()) as SettingsSaveResult;
    expect(answer.status).toBe(200);
    expect(saved.restartNeeded).toEqual([]);
    expect(saved.ok && saved.settings.restartPending).toEqual([]);

    // the next message goes to the new clamd: scanned, and a virus found there
    expect(await send(relay, 'hello again')).toMatch(/^250 /);
    expect(await send(relay, eicar)).toMatch(
      /^554 5\.7\.0 Message rejected: virus found: Relaydesk\.Test\.EICAR/,
    );
    const status = (await relay.fetch('/api/v1/filter').then((r) => r.json())) as FilterStatus;
    expect(status).toMatchObject({ clamd: clamd.address, clamdReachable: true });
    await eventually(async () => (await listeners()).scannerDown ?? null).toBe(null);
    expect(log.filter((l) => l.includes('clamd address changed'))).toEqual([
      expect.stringContaining(
        `clamd address changed in Settings from ${wrong} to ${clamd.address}: the next message is scanned there`,
      ),
    ]);
  }, 120_000);

  // set up in the window, the Logs view's line named "--clamd", a flag its user never typed
  it('names the Settings boxes, not flags, in the log line of a clamd saved there that does not answer', async () => {
    const relay = await startTestRelaydesk({});
    cleanups.push(() => relay.dispose());
    const wrong = `127.0.0.1:${await closedPort()}`;
    const answer = await relay.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clamd: wrong }),
    });
    expect(answer.status).toBe(200);
    const serviceLog = async () =>
      (
        (await relay.fetch('/api/v1/service/log').then((r) => r.json())) as { lines: string[] }
      ).lines.join('\n');
    await eventually(serviceLog).toContain(`clamd at ${wrong} does not answer PING`);
    const line = (await serviceLog()).split('\n').find((l) => l.includes('does not answer PING'));
    expect(line).toContain(
      'Start clamd (it takes a while to load its database), correct “clamd address (HOST:PORT or Unix socket)” under Settings → Filtering & senders ("clamd" in the settings), or choose “Accept, tagged not-scanned” as “When clamd cannot be reached” under Settings → Filtering & senders ("clamdUnavailable" in the settings)',
    );
    expect(line).not.toContain('--clamd');
  }, 60_000);
});
