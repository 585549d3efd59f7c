// A message released from the quarantine joins the queue as one just received, and one just
// received from a suspended sender is refused: released while its sender is suspended (the
// admin clears a false positive of the phished account's), it waits held with what that sender
// had queued, instead of going out past the suspension as it did. Over real SMTP, a real (test)
// upstream, the API and the CLI as a process; lifting the suspension with release sends it.
import { afterEach, describe, expect, it } from 'vitest';
import type { QuarantineRelease, SuspensionEntry } from '../../preload/api-contract.js';
import { runCli } from '../helpers/cli-process.js';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { upstreamsPerTest } from '../helpers/upstream-server.js';

const { upstream } = upstreamsPerTest();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function post(relay: TestRelaydesk, path: string, body: unknown): Promise<Response> {
  return relay.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Sends a message with an .exe attachment (the policy quarantines it); its queue ID. */
async function sendTool(relay: TestRelaydesk, subject: string): Promise<string> {
  const transport = relay.transport();
  try {
    const info = await transport.sendMail({
      from: 'hans@office.example',
      to: 'accountant@partner.example',
      subject,
      text: 'the payroll tool',
      attachments: [{ filename: 'payroll-tool.exe', content: 'a legitimate program\n' }],
    });
    return /queued as (\S+)/.exec(info.response)?.[1] as string;
  } finally {
    transport.close();
  }
}

describe('releasing a quarantined message of a suspended sender', () => {
  it('queues it held for the suspension, and lifting with release sends it', async () => {
    const server = await upstream({ tls: 'none' });
    const relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
      attachments: { types: ['executable'], action: 'quarantine' },
    });
    cleanups.push(() => relay.dispose());
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));
    const byApi = await sendTool(relay, 'Payroll tool');
    const byCli = await sendTool(relay, 'Payroll tool, again');
    const made = await post(relay, '/api/v1/suspensions', {
      Kind: 'sender',
      Value: 'hans@office.example',
      Reason: 'password phished',
    });
    const suspension = (await made.json()) as SuspensionEntry;
    const heldBy = `held: sender hans@office.example suspended (${suspension.ID}): password phished`;

    const res = await post(relay, `/api/v1/quarantine/${byApi}/release`, {});
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await res.json()) as QuarantineRelease).toMatchObject({
      ID: byApi,
      Relayed: ['accountant@partner.example'],
      HeldBy: heldBy,
    });
    const held = await settled(relay, byApi, (d) => d.recipients[0]?.state === 'held');
    expect(held.recipients[0]?.history.at(-1)?.reason).toBe(heldBy);
    expect(log.join('\n')).toMatch(
      new RegExp(
        `event=message result=released id=${byApi} .*held="${heldBy.replace(/[().]/g, '\\$&')}"`,
      ),
    );

    const cli = await runCli(['queue', 'release', byCli], {
      env: { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` },
    });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toBe(
      `${byCli}: released from the quarantine into outbox, queued for accountant@partner.example and ${heldBy}\n`,
    );
    await settled(relay, byCli, (d) => d.recipients[0]?.state === 'held');
    await relay.service.queueIdle();
    expect(server.messages).toHaveLength(0);

    // the admin lifts the suspension and sends on what it held: both go, once
    const lifted = await relay.fetch(`/api/v1/suspensions/${suspension.ID}?release=true`, {
      method: 'DELETE',
    });
    expect(((await lifted.json()) as { Released: string[] }).Released.sort()).toEqual(
      [byApi, byCli].sort(),
    );
    for (const id of [byApi, byCli]) {
      await settled(relay, id, (d) => d.recipients[0]?.state === 'relayed');
    }
    expect(server.messages).toHaveLength(2);
  });
});
