// The GUI takes live events in batches (renderer/src/api/event-batching.ts): a burst of mail is
// handed over in a few tasks, not one per message (each a render of the list: with the list open,
// a capture load ran at half its rate). Over the real IPC path: the preload's bridge with a
// stand-in `electron`, a real relay, real SMTP.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { RelaydeskApi, RelaydeskEvent } from '../../preload/api-contract.js';
import { forwardEvents, registerIpcHandlers } from '../../main/desktop/ipc-handlers.js';
import { isOwnPage } from '../../main/desktop/main-window.js';
import { batchEvents } from '../../renderer/src/api/event-batching.js';
import { createIpcTransport } from '../../renderer/src/api/ipc-transport.js';
import { createElectronStandIn } from '../helpers/electron-stand-in.js';
import { letTimePass } from '../helpers/eventually.js';
import { pooledTransport, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const rendererIndex = join(import.meta.dirname, '../../out/renderer/index.html');
const standIn = createElectronStandIn(pathToFileURL(rendererIndex).href);
vi.mock('electron', () => standIn);

let relay: TestRelaydesk;
let bridge: RelaydeskApi;
let stop: () => void;

beforeAll(async () => {
  relay = await startTestRelaydesk();
  const unregister = registerIpcHandlers(standIn.ipcMain, relay.service, (url) =>
    isOwnPage(url, rendererIndex),
  );
  const stopForwarding = forwardEvents(relay.service, standIn.webContents);
  stop = () => {
    stopForwarding();
    unregister();
  };
  await import('../../preload/index.js');
  bridge = standIn.exposed.relaydesk as RelaydeskApi;
});
afterAll(async () => {
  stop?.();
  await relay?.dispose();
});

async function sendBurst(count: number, subject: string): Promise<void> {
  const transport = pooledTransport(relay.smtp);
  try {
    await Promise.all(
      Array.from({ length: count }, (_, n) =>
        transport.sendMail({ from: 'a@x.example', to: 'b@y.example', subject, text: `${n}` }),
      ),
    );
  } finally {
    transport.close();
  }
}

it('hands a burst of mail to the GUI in a few batches, every event once and in order', async () => {
  const count = 30;
  // the transport's own order, to compare with
  const direct: string[] = [];
  const stopDirect = bridge.onEvent((event) => {
    if (event.Type === 'new') direct.push(event.Data.ID);
  });
  const api = batchEvents(createIpcTransport(bridge), 1000);
  const delivered: string[] = [];
  /** Deliveries made in one task, each closed by a microtask. */
  const batches: number[] = [];
  let open = false;
  const unsubscribe = api.onEvent((event: RelaydeskEvent) => {
    if (event.Type !== 'new') return;
    if (!open) {
      open = true;
      batches.push(0);
      queueMicrotask(() => (open = false));
    }
    batches[batches.length - 1] = (batches.at(-1) as number) + 1;
    delivered.push(event.Data.ID);
  });
  try {
    await sendBurst(count, 'burst');
    await expect.poll(() => delivered.length, { timeout: 10_000 }).toBe(count);
    expect(delivered).toEqual(direct);
    // one task per message without batching; a burst sent in well under a few seconds here
    expect(batches.length).toBeLessThanOrEqual(4);
  } finally {
    unsubscribe();
    stopDirect();
  }
});

it('lets go of the transport when the GUI stops listening, and drops what was waiting', async () => {
  const api = batchEvents(createIpcTransport(bridge), 200);
  const delivered: RelaydeskEvent[] = [];
  const unsubscribe = api.onEvent((event) => delivered.push(event));
  await sendBurst(1, 'kept');
  await expect.poll(() => delivered.some((e) => e.Type === 'new')).toBe(true);
  unsubscribe();
  const before = delivered.length;
  await sendBurst(3, 'after');
  // nothing may come in a window longer than a batch: real time passing is what is tested
  await letTimePass(400);
  expect(delivered.length).toBe(before);
});
