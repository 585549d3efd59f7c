// A hacked workstation's held mail, cancelled in one go as Postfix admins do with `postsuper -d
// ALL hold`: `relaydesk queue delete --held [--suspension ID]` and POST /api/v1/queue/cancel with
// {"Held": true} (as retry without IDs takes everything deferred). Only held recipients are
// cancelled: mail that waits, and mail held for another reason when a suspension is named, stays.
// Over real SMTP, a real (test) upstream, the API and the CLI as a process.
import { afterEach, describe, expect, it } from 'vitest';
import type { SuspensionEntry } from '../../preload/api-contract.js';
import { runCli } from '../helpers/cli-process.js';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { upstreamsPerTest } from '../helpers/upstream-server.js';

const { upstream } = upstreamsPerTest();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function post(relay: TestRelaydesk, path: string, body: unknown): Promise<Response> {
  return relay.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function send(relay: TestRelaydesk, from: string, subject: string): Promise<string> {
  const transport = relay.transport();
  try {
    const info = await transport.sendMail({
      from,
      to: 'victim@partner.example',
      subject,
      text: 'x',
    });
    return /queued as (\S+)/.exec(info.response)?.[1] as string;
  } finally {
    transport.close();
  }
}

describe('cancelling all held mail', () => {
  it('takes every message a suspension held, or all held mail, in one request', async () => {
    // the upstream is busy: what is sent waits deferred, as mail queued before a pause does
    const server = await upstream({
      tls: 'none',
      failures: { mail: { code: 451, text: '4.3.0 busy' } },
    });
    const relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    });
    cleanups.push(() => relay.dispose());
    const spam: string[] = [];
    for (let i = 0; i < 3; i++) spam.push(await send(relay, 'scanner@office.example', `Spam ${i}`));
    const invoice = await send(relay, 'accounts@office.example', 'Invoice');
    const waiting = await send(relay, 'boss@office.example', 'Waiting');
    for (const id of [...spam, invoice, waiting])
      await settled(relay, id, (d) => d.recipients[0]?.state === 'deferred');
    await post(relay, '/api/v1/queue/hold', { IDs: [invoice] });
    const made = await post(relay, '/api/v1/suspensions', {
      Kind: 'sender',
      Value: 'scanner@office.example',
      Reason: 'hacked workstation',
    });
    const suspension = (await made.json()) as SuspensionEntry & { Held: string[] };
    expect(suspension.Held.sort()).toEqual([...spam].sort());

    // bad requests name the field, the value and the fix
    const both = await post(relay, '/api/v1/queue/cancel', { Held: true, IDs: [invoice] });
    expect(both.status).toBe(400);
    expect(await both.text()).toContain(
      `IDs and Held: give one of them, not both; {\\"IDs\\": [\\"${invoice}\\"]} cancels those messages, {\\"Held\\": true} every held one`,
    );
    const unknown = await post(relay, '/api/v1/queue/cancel', { Held: true, Suspension: 'feed' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Suspension: \\"feed\\" is not a listed suspension');
    const cli = { env: { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` } };
    const stray = await runCli(['queue', 'delete', '--held', invoice], cli);
    expect(stray.code).not.toBe(0);
    expect(stray.stderr).toContain(
      `queue delete --held: takes no IDs (got ${invoice}); give either the IDs or --held`,
    );

    // the suspension's held mail, by the CLI: the invoice held by hand stays held
    const bySuspension = await runCli(
      ['queue', 'delete', '--held', '--suspension', suspension.ID],
      cli,
    );
    expect(bySuspension.code, bySuspension.stderr).toBe(0);
    expect(bySuspension.stdout).toBe(
      [...spam.map((id) => `${id}: deleted from the queue (its held recipients cancelled)`), '']
        .join('\n')
        .concat(`3 held messages for suspension ${suspension.ID} deleted from the queue\n`),
    );
    for (const id of spam) {
      const d = await settled(relay, id, (x) => x.recipients[0]?.state === 'cancelled');
      expect(d.recipients[0]?.history.at(-1)?.reason).toBe(
        'cancelled by hand with the rest of the held mail',
      );
    }
    await settled(relay, invoice, (d) => d.recipients[0]?.state === 'held');

    // all held mail, by the API; what waits without being held is left alone
    const all = await post(relay, '/api/v1/queue/cancel', { Held: true });
    expect(all.status, await all.clone().text()).toBe(200);
    expect(await all.json()).toEqual({ IDs: [invoice] });
    await settled(relay, invoice, (d) => d.recipients[0]?.state === 'cancelled');
    await settled(relay, waiting, (d) => d.recipients[0]?.state === 'deferred');

    const none = await runCli(['queue', 'delete', '--held'], cli);
    expect(none.stdout).toBe('no message is held; nothing deleted\n');
    expect(server.messages).toHaveLength(0);
  });
});
