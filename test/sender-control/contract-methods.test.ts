// The filter and sender-control methods of the method table through both transports (IPC with
// the stand-in `electron` module, and the renderer's HTTP transport), on a real relay: the
// GUI gets the same answers in the desktop app and in a browser.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RelaydeskApi } from '../../preload/api-methods.js';
import { connectBothTransports } from '../helpers/both-transports.js';
import { createElectronStandIn } from '../helpers/electron-stand-in.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const rendererIndex = join(import.meta.dirname, '../../out/renderer/index.html');
const standIn = createElectronStandIn(pathToFileURL(rendererIndex).href);
vi.mock('electron', () => standIn);

let relay: TestRelaydesk;
let ipc: RelaydeskApi;
let http: RelaydeskApi;
let unregister: () => void;

beforeAll(async () => {
  relay = await startTestRelaydesk({
    attachments: { types: ['executable'], action: 'quarantine' },
    quotas: [{ user: '*', perDay: 100 }],
  });
  ({ ipc, http, unregister } = await connectBothTransports(
    standIn,
    relay.service,
    rendererIndex,
    relay.url,
  ));
});

afterAll(async () => {
  unregister?.();
  await relay?.dispose();
});

describe('filter and sender-control methods', () => {
  it('suspend, list and unsuspend alike over IPC and HTTP', async () => {
    const byIpc = await ipc.suspend('sender', 'a@spam.example', 'complaints');
    const byHttp = await http.suspend('cidr', '192.0.2.0/24', 'botnet');
    expect(byIpc).toMatchObject({ Kind: 'sender', Value: 'a@spam.example', Held: [] });
    expect(await ipc.listSuspensions()).toEqual(await http.listSuspensions());
    expect((await http.listSuspensions()).map((s) => s.ID)).toEqual([byIpc.ID, byHttp.ID]);
    expect(await http.unsuspend(byIpc.ID)).toMatchObject({ ID: byIpc.ID, Released: [] });
    expect(await ipc.unsuspend(byHttp.ID, true)).toMatchObject({ ID: byHttp.ID, Released: [] });
    expect(await http.listSuspensions()).toEqual([]);
    // an empty box is the relay's to answer, alike over both: which field, and what to give
    for (const api of [ipc, http]) {
      await expect(api.suspend('sender', 'a@b.example', '')).rejects.toThrow(
        'Reason: "" is empty; give one line of up to 300 characters saying why (the client is told)',
      );
    }
  });

  it('show a quarantined message, its decision, the quotas and the filter alike', async () => {
    const info = await relay.transport().sendMail({
      from: 'app@sender.example',
      to: 'bob@example.com',
      subject: 'with a program',
      text: 'run it',
      attachments: [
        { filename: 'notes.txt', content: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(300)]) },
      ],
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const viaIpc = await ipc.quarantine(0, 10);
    expect(viaIpc.messages.map((m) => m.ID)).toEqual([id]);
    expect(await http.quarantine(0, 10)).toEqual(viaIpc);
    const decisions = await http.messageDecisions(id);
    expect(decisions.Filter?.action).toBe('quarantined');
    expect(decisions.Filter?.reasons[0]).toMatch(/attachment "notes\.txt" is exe content/);
    expect(await ipc.messageDecisions(id)).toEqual(decisions);
    expect(await ipc.quotaUsage()).toEqual(await http.quotaUsage());
    expect(await ipc.warmupStatus()).toEqual({ warmup: null });
    expect(await http.filterStatus()).toMatchObject({ clamd: null, clamdReachable: null });
  });
});
