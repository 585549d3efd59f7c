// The desktop window's live events in batches (main/desktop/ipc-handlers.ts forwardEvents): a
// burst of mail is one IPC message every 25 ms holding the events of that spell in order, not
// four per captured message (new, stats, two log lines), each a message to the renderer's process
// and a task on its page. And a handler's answer never overtakes the events before it. Over the
// real desktop wiring: the preload's bridge with a stand-in `electron`, a real relay, real SMTP.
// Log lines reach the window only while its Logs view follows them (the renderer's api layer
// asks main over IPC, as the web page asks the server over its WebSocket).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { MessagesPage, RelaydeskEvent } from '../../preload/api-contract.js';
import { eventChannel, type RelaydeskBridge } from '../../preload/api-methods.js';
import {
  forwardEvents,
  registerIpcHandlers,
  registerLogFollowing,
} from '../../main/desktop/ipc-handlers.js';
import { createApiClient } from '../../renderer/src/api/client.js';
import { isOwnPage } from '../../main/desktop/main-window.js';
import { createElectronStandIn } from '../helpers/electron-stand-in.js';
import { eventually } from '../helpers/eventually.js';
import {
  pooledTransport,
  sendBurst,
  sendBurstAndHear,
  startTestRelaydesk,
  type TestRelaydesk,
} from '../helpers/relaydesk.js';
import { expectBurstBatched } from '../helpers/event-batches.js';

const rendererIndex = join(import.meta.dirname, '../../out/renderer/index.html');
const standIn = createElectronStandIn(pathToFileURL(rendererIndex).href);
vi.mock('electron', () => standIn);

let relay: TestRelaydesk;
let bridge: RelaydeskBridge;
let stop: () => void;
/** What main sent on the event channel, one entry per webContents.send. */
const sends: unknown[] = [];

beforeAll(async () => {
  relay = await startTestRelaydesk({ greetingDelayMs: 0 });
  const unregister = registerIpcHandlers(standIn.ipcMain, relay.service, (url) =>
    isOwnPage(url, rendererIndex),
  );
  const unregisterLogs = registerLogFollowing(standIn.ipcMain, (url) =>
    isOwnPage(url, rendererIndex),
  );
  const window = {
    isDestroyed: () => false,
    send(channel: string, ...args: unknown[]) {
      if (channel === eventChannel) sends.push(args[0]);
      standIn.webContents.send(channel, ...args);
    },
  };
  // the window whose page calls main: the one these events are forwarded to
  standIn.sender = window;
  const stopForwarding = forwardEvents(relay.service, window);
  stop = () => {
    stopForwarding();
    unregisterLogs();
    unregister();
  };
  await import('../../preload/index.js');
  bridge = standIn.exposed.relaydesk as RelaydeskBridge;
});
afterAll(async () => {
  stop?.();
  await relay?.dispose();
});

/** The window's events, one at a time, as the preload's onEvent hands them to the renderer. */
function listen(): { events: RelaydeskEvent[]; stop: () => void } {
  const events: RelaydeskEvent[] = [];
  return { events, stop: bridge.onEvent((event) => events.push(event)) };
}

it('sends a burst as a few IPC messages, each the events of a spell in order, with its last counts', async () => {
  const burst = 120;
  sends.length = 0;
  const { events, stop: stopListening } = listen();
  try {
    await sendBurstAndHear(relay.smtp, burst, events);
    expect(sends.every((sent) => Array.isArray(sent))).toBe(true);
    const batches = sends as RelaydeskEvent[][];
    // the preload hands over every event of every batch, each once
    expect(batches.flat()).toEqual(events);
    const listed = (await bridge.listMessages(0, burst)) as MessagesPage;
    expectBurstBatched({
      batches,
      events,
      listedIds: listed.messages.map((m) => m.ID),
      burst,
    });
  } finally {
    stopListening();
  }
});

it('answers a call after the events that came before it: a page never lists a message the window has not heard of', async () => {
  const { events, stop: stopListening } = listen();
  const transport = pooledTransport(relay.smtp, 4);
  const heard = (): Set<string> =>
    new Set(events.flatMap((e) => (e.Type === 'new' ? [e.Data.ID] : [])));
  const unheard: string[] = [];
  try {
    const before = new Set((await bridge.listMessages(0, 1000)).messages.map((m) => m.ID));
    for (let n = 0; n < 20; n++) {
      await transport.sendMail({
        from: 'a@x.example',
        to: 'b@y.example',
        subject: `p${n}`,
        text: 'x',
      });
      // the list's read of its first page, right after an arrival
      const page = await bridge.listMessages(0, 50);
      const known = heard();
      unheard.push(
        ...page.messages.map((m) => m.ID).filter((id) => !before.has(id) && !known.has(id)),
      );
    }
    // a deletion's answer, likewise, comes after its event
    const newest = (await bridge.listMessages(0, 1)).messages[0]?.ID as string;
    await bridge.deleteMessages([newest]);
    expect(
      events.some((e) => e.Type === 'delete' && e.Data !== null && e.Data.IDs.includes(newest)),
    ).toBe(true);
  } finally {
    transport.close();
    stopListening();
  }
  expect(unheard).toEqual([]);
});

it('sends nothing more once the window is gone', async () => {
  const gone: unknown[] = [];
  const stopGone = forwardEvents(relay.service, {
    isDestroyed: () => false,
    send: (_channel: string, ...args: unknown[]) => gone.push(args[0]),
  });
  const transport = relay.transport();
  const { events, stop: stopListening } = listen();
  try {
    await transport.sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'g', text: 'x' });
    await eventually(() => gone.length).toBeGreaterThan(0);
    stopGone();
    const sent = gone.length;
    await transport.sendMail({ from: 'a@x.example', to: 'b@y.example', subject: 'h', text: 'x' });
    // the other window hears of it (and its answers flush what is held), the closed one does not
    await eventually(() =>
      events.flatMap((e) => (e.Type === 'new' ? [e.Data.Subject] : [])).includes('h'),
    ).toBe(true);
    await bridge.listMessages(0, 1);
    expect(gone.length).toBe(sent);
  } finally {
    stopListening();
    transport.close();
  }
});

it('sends the window no log line while its Logs view is closed, and every line while it is open', async () => {
  const logLines = (batches: unknown[]): RelaydeskEvent[] =>
    (batches as RelaydeskEvent[][]).flat().filter((e) => e.Type === 'log');
  /** Sends a burst and waits until the window has heard of every message of it. */
  const burstHeard = async (events: RelaydeskEvent[], subject: string): Promise<void> => {
    await sendBurst(relay.smtp, 30, (n) => ({
      from: 'a@x.example',
      to: 'b@y.example',
      subject: `${subject}${n}`,
      text: 'x',
    }));
    await eventually(
      () => events.filter((e) => e.Type === 'new' && e.Data.Subject.startsWith(subject)).length,
    ).toBe(30);
  };
  // the page before a reload had its Logs view open; the reloaded page (a new api client) has not
  await bridge.setLogFollowing(true);
  const api = createApiClient({ relaydesk: bridge } as unknown as Window);
  const { events, stop: stopListening } = listen();
  try {
    sends.length = 0;
    await burstHeard(events, 'closed');
    await bridge.listMessages(0, 1);
    expect(logLines(sends)).toEqual([]);
    // the Logs view opens: each message's lines arrive
    const following = api.followLogs?.();
    expect(following).toBeDefined();
    // main follows once its answer is in: lines from then on come on the event channel
    await following?.ready;
    await relay.transport().sendMail({
      from: 'a@x.example',
      to: 'b@y.example',
      subject: 'logged',
      text: 'x',
    });
    await eventually(() => logLines(sends).length).toBeGreaterThan(0);
    // and it closes: once what main held is flushed (an answer does that), no more
    following?.stop();
    await bridge.listMessages(0, 1);
    sends.length = 0;
    await burstHeard(events, 'reclosed');
    await bridge.listMessages(0, 1);
    expect(logLines(sends)).toEqual([]);
  } finally {
    stopListening();
  }
});

it('refuses a log subscription that is not true or false, saying what to pass', async () => {
  await expect(
    (bridge.setLogFollowing as (follow: unknown) => Promise<void>)('yes'),
  ).rejects.toThrow(
    'setLogFollowing: follow: "yes" is not valid: pass true (the Logs view opened) or false (it closed)',
  );
});
