// The desktop app's wiring, run with a stand-in for Electron around a real relay (real SMTP,
// a real upstream, real files): the saved settings and secrets, the window's security, each
// menu and tray action, notifications, the desktop IPC channels, a second launch with an .eml,
// close-to-tray, and a quit that finishes the message being received.
import Conf from 'conf';
import { existsSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DesktopBridge, DesktopEvent } from '../../preload/desktop-contract.js';
import {
  runDesktopApp,
  type DesktopApp,
  type DesktopAppOptions,
  type ElectronModule,
} from '../../main/desktop/desktop-app.js';
import { serviceCalls } from '../../main/desktop/ipc-handlers.js';
import { desktopStoreOptions, type DesktopStoreShape } from '../../main/desktop/desktop-store.js';
import { createDesktopStandIn, type DesktopStandIn } from '../helpers/electron-desktop-stand-in.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const rendererIndex = join(import.meta.dirname, '../../out/renderer/index.html');
const pageUrl = pathToFileURL(rendererIndex).href;
const preloadPath = join(import.meta.dirname, '../../out/preload/index.cjs');

const folders: string[] = [];
async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relaydesk-desktop-'));
  folders.push(dir);
  return dir;
}

function openStore(dir: string): Conf<DesktopStoreShape> {
  return new Conf<DesktopStoreShape>({ ...desktopStoreOptions(), cwd: dir });
}

async function saveSettings(userData: string, settings: Record<string, unknown>): Promise<void> {
  openStore(userData).set('settings', settings);
}

async function launch(
  standIn: DesktopStandIn,
  extraArgs: string[] = [],
  dataDir?: string,
  platform: NodeJS.Platform = 'linux',
  more: Pick<DesktopAppOptions, 'now' | 'networkPollMs'> = {},
): Promise<DesktopApp | null> {
  return runDesktopApp({
    ...more,
    electron: standIn as unknown as ElectronModule,
    argv: [
      '/opt/Relaydesk/relaydesk',
      '--smtp',
      '127.0.0.1:0',
      '--http',
      '127.0.0.1:0',
      '--data',
      dataDir ?? (await folder()),
      '--no-sandbox',
      ...extraArgs,
    ],
    cwd: await folder(),
    env: {},
    platform,
    preloadPath,
    rendererIndex,
    openStore,
    log: () => undefined,
  });
}

async function quit(standIn: DesktopStandIn): Promise<void> {
  standIn.app.quit();
  await expect.poll(() => standIn.app.exitCode, { timeout: 15_000 }).not.toBeNull();
}

function idOf(response: string): string {
  return /queued as (\S+)/.exec(response)?.[1] as string;
}

// --- one desktop app with an upstream, shared by most tests ---------------------------------

const main = {} as { standIn: DesktopStandIn; app: DesktopApp; userData: string };
let upstream: RunningUpstream;
const mainStandIn = createDesktopStandIn({ pageUrl, userData: '' });
vi.mock('electron', () => mainStandIn.ipc);
let bridge: DesktopBridge;
const desktopEvents: DesktopEvent[] = [];

function send(subject: string, to = 'bob@example.com') {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: main.app.running.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  return transport
    .sendMail({ from: 'App <app@example.com>', to, subject, text: 'hello' })
    .finally(() => transport.close());
}

beforeAll(async () => {
  upstream = await startUpstreamServer({ tls: 'none', users: { relayuser: 's3cret-pass' } });
  main.userData = await folder();
  // Object.assign keeps the object vi.mock's factory handed to the preload
  Object.assign(mainStandIn, createDesktopStandIn({ pageUrl, userData: main.userData }));
  main.standIn = mainStandIn;
  await saveSettings(main.userData, {
    mode: 'relay',
    maxMessages: 10,
    maxRecipients: 7,
    relay: {
      host: '127.0.0.1',
      port: upstream.port,
      security: 'none',
      auth: { user: 'relayuser', password: 's3cret-pass' },
    },
  });
  main.app = (await launch(mainStandIn, ['--max-messages', '20'])) as DesktopApp;
  await import('../../preload/index.js');
  bridge = mainStandIn.ipc.exposed.relaydeskDesktop as DesktopBridge;
  bridge.onDesktopEvent((event) => desktopEvents.push(event));
});

afterAll(async () => {
  if (main.standIn && main.standIn.app.exitCode === null) {
    main.standIn.app.quit();
    await main.standIn.app.exited();
  }
  await upstream?.close();
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
});

describe('settings and secrets', () => {
  it('starts from the saved settings, flags and environment win over them', () => {
    expect(main.app.settings.maxRecipients).toBe(7);
    expect(main.app.settings.maxMessages).toBe(20);
    expect(main.app.settings.mode).toBe('relay');
  });

  it('moves the upstream password out of the settings file into keyring-encrypted secrets, and still relays with it', async () => {
    const settingsFile = await readFile(join(main.userData, 'config.json'), 'utf8');
    expect(settingsFile).toContain('relayuser');
    expect(settingsFile).not.toContain('s3cret-pass');
    const secrets = await readFile(join(main.userData, 'secrets.safe-storage.json'), 'utf8');
    expect(JSON.parse(secrets)).toMatchObject({ encoding: 'safeStorage' });
    expect(secrets).not.toContain('s3cret-pass');
    expect((await stat(join(main.userData, 'secrets.safe-storage.json'))).mode & 0o777).toBe(0o600);

    await send('through the upstream', 'carol@example.com');
    await expect
      .poll(() => upstream.messages.find((m) => m.rcptTo.includes('carol@example.com'))?.user)
      .toBe('relayuser');
  });

  it('the Settings view saves through the service into the store, secrets kept apart', async () => {
    const result = await main.app.running.service.saveSettings({
      maxRecipients: 8,
      notifyDelayedAfterMinutes: 15,
    });
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    const onDisk = JSON.parse(await readFile(join(main.userData, 'config.json'), 'utf8')) as {
      settings: Record<string, unknown>;
    };
    expect(onDisk.settings).toMatchObject({ maxRecipients: 8, notifyDelayedAfterMinutes: 15 });
    expect(JSON.stringify(onDisk)).not.toContain('s3cret-pass');
    // applied at once: the notifier reads the new threshold
    expect(main.app.running.service.settings.notifyDelayedAfterMinutes).toBe(15);
    expect(await main.app.settingsStore.read()).toMatchObject({
      relay: { auth: { user: 'relayuser', password: 's3cret-pass' } },
    });
  });

  it('a bad value is refused, naming the field, and nothing is saved', async () => {
    const result = await main.app.running.service.saveSettings({ notifyNewMail: 'sometimes' });
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).toMatch(/notifyNewMail/);
    expect(await readFile(join(main.userData, 'config.json'), 'utf8')).not.toContain('sometimes');
  });
});

describe('the window', () => {
  it('is sandboxed with context isolation and no Node, and loads the built renderer', () => {
    const window = main.standIn.windows[0];
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      preload: preloadPath,
    });
    expect(window?.loadedFile).toBe(rendererIndex);
  });

  it('opens only http, https and mailto links, in the system, and never a new window', () => {
    const contents = main.standIn.windows[0]?.webContents;
    const open = (url: string) => contents?.windowOpenHandler?.({ url });
    expect(open('https://example.com/x')).toEqual({ action: 'deny' });
    expect(open('mailto:bob@example.com')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(open('smb://server/share')).toEqual({ action: 'deny' });
    expect(main.standIn.shell.opened).toEqual(['https://example.com/x', 'mailto:bob@example.com']);
  });

  it('does not navigate away from its page, attach webviews or grant permissions', () => {
    const contents = main.standIn.windows[0]?.webContents;
    expect(contents?.navigate('will-navigate', 'https://evil.example/')).toBe(false);
    expect(contents?.navigate('will-navigate', 'file:///tmp/x.html')).toBe(false);
    expect(contents?.navigate('will-redirect', 'https://evil.example/')).toBe(false);
    expect(contents?.navigate('will-navigate', `${pageUrl}#/queue`)).toBe(true);
    let attached = true;
    contents?.emit('will-attach-webview', { preventDefault: () => (attached = false) });
    expect(attached).toBe(false);
    let granted: boolean | null = null;
    contents?.permissionHandler?.(contents, 'notifications', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(contents?.permissionCheck?.(contents, 'clipboard-read')).toBe(false);
  });

  it('ships a strict Content-Security-Policy in the built page', async () => {
    const html = await readFile(rendererIndex, 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline|https?:\/\//);
  });
});

describe('desktop IPC channels', () => {
  it('getPaneWidths and setPaneWidths remember the pane widths in the store', async () => {
    expect(await bridge.getPaneWidths()).toEqual({});
    await bridge.setPaneWidths({ sidebar: 220, list: 420.4 });
    expect(await bridge.getPaneWidths()).toEqual({ sidebar: 220, list: 420 });
    expect(openStore(main.userData).get('window').panes).toEqual({ sidebar: 220, list: 420 });
  });

  it('refuses bad widths with a clear error, and calls from another page', async () => {
    await expect(bridge.setPaneWidths({ list: -5 })).rejects.toThrow(
      /pane widths: list: -5 is not a width from 0 to 10000 px/,
    );
    main.standIn.ipc.pageUrl = 'https://evil.example/';
    try {
      await expect(bridge.getPaneWidths()).rejects.toThrow(/refused IPC getPaneWidths/);
    } finally {
      main.standIn.ipc.pageUrl = pageUrl;
    }
  });

  it('the event channel brings views to the renderer', async () => {
    main.app.runMenuAction('settings');
    await expect
      .poll(() => desktopEvents.at(-1))
      .toEqual({ Type: 'open', Data: { view: 'settings' } });
  });
});

describe('application menu', () => {
  const menu = () => main.standIn.Menu.application;

  it('has the usual roles and Relaydesk actions', () => {
    const roles = JSON.stringify(menu()?.template);
    for (const role of ['editMenu', 'viewMenu', 'windowMenu', 'quit'])
      expect(roles).toContain(`"role":"${role}"`);
    for (const id of [
      'toggle-receiving',
      'toggle-relaying',
      'analyze-headers',
      'open-data-folder',
      'settings',
      'show-queue',
      'show-sessions',
    ])
      expect(menu()?.item(id)).toBeDefined();
  });

  it('Pause Receiving makes the listener answer 421 4.3.2 until unticked', async () => {
    menu()?.click('toggle-receiving');
    expect(main.app.running.service.receivingPaused).toBe(true);
    expect(menu()?.item('toggle-receiving').checked).toBe(true);
    const refused = await SmtpWire.connect(main.app.running.smtp.port);
    expect(await refused.reply()).toMatch(/^421 4\.3\.2 Receiving is paused/);
    refused.close();
    menu()?.click('toggle-receiving');
    expect(menu()?.item('toggle-receiving').checked).toBe(false);
    const accepted = await SmtpWire.connect(main.app.running.smtp.port);
    expect(await accepted.reply()).toMatch(/^220 /);
    accepted.close();
  });

  it('Pause Relaying keeps mail queued until unticked', async () => {
    menu()?.click('toggle-relaying');
    expect(menu()?.item('toggle-relaying').checked).toBe(true);
    const id = idOf((await send('held back', 'dave@example.com')).response);
    await main.app.running.service.queueIdle();
    expect(main.app.running.service.delivery(id).recipients[0]?.state).toBe('pending');
    expect(upstream.messages.some((m) => m.rcptTo.includes('dave@example.com'))).toBe(false);
    menu()?.click('toggle-relaying');
    await expect
      .poll(() => main.app.running.service.delivery(id).recipients[0]?.state)
      .toBe('relayed');
  });

  it('Analyze Headers opens the analyze view', async () => {
    menu()?.click('analyze-headers');
    await expect
      .poll(() => desktopEvents.at(-1))
      .toEqual({ Type: 'open', Data: { view: 'analyze' } });
  });

  it('Open Data Folder opens the data folder', () => {
    menu()?.click('open-data-folder');
    expect(main.standIn.shell.paths.at(-1)).toBe(main.app.settings.dataDir);
  });

  it('Settings opens the settings view', async () => {
    desktopEvents.length = 0;
    menu()?.click('settings');
    await expect
      .poll(() => desktopEvents.at(-1))
      .toEqual({ Type: 'open', Data: { view: 'settings' } });
  });

  it('Show Queue opens the queue view', async () => {
    menu()?.click('show-queue');
    await expect
      .poll(() => desktopEvents.at(-1))
      .toEqual({ Type: 'open', Data: { view: 'queue' } });
  });

  it('Show SMTP Sessions opens the sessions page', async () => {
    menu()?.click('show-sessions');
    await expect
      .poll(() => desktopEvents.at(-1))
      .toEqual({ Type: 'open', Data: { view: 'sessions' } });
  });
});

describe('tray', () => {
  const tray = () => main.standIn.Tray.instances[0];

  it('shows the counts in its tooltip and menu', async () => {
    await send('count me');
    const unread = main.app.running.service.unread;
    await expect
      .poll(() => tray()?.tooltip)
      .toMatch(new RegExp(`${unread} unread, 0 queued, 0 failed`));
    const labels = tray()?.menu?.template.map((i) => i.label);
    expect(labels).toContain(`${unread} unread messages`);
    expect(labels).toContain('0 messages queued');
  });

  it('pause-receiving and resume-receiving change the listener and the icon', async () => {
    const receivingIcon = tray()?.image;
    tray()?.menu?.click('pause-receiving');
    expect(main.app.running.service.receivingPaused).toBe(true);
    await expect.poll(() => tray()?.tooltip).toMatch(/Receiving paused/);
    expect(tray()?.image).not.toBe(receivingIcon);
    tray()?.menu?.click('resume-receiving');
    expect(main.app.running.service.receivingPaused).toBe(false);
    await expect.poll(() => tray()?.image).toBe(receivingIcon);
  });

  it('pause-relaying and resume-relaying pause and resume the queue', async () => {
    tray()?.menu?.click('pause-relaying');
    expect(main.app.running.service.relayPause?.byHand).toBe(true);
    await expect.poll(() => tray()?.tooltip).toMatch(/relaying paused/);
    tray()?.menu?.click('resume-relaying');
    expect(main.app.running.service.relayPause).toBeNull();
    await expect.poll(() => tray()?.tooltip).not.toMatch(/paused/);
  });

  it('open brings the hidden window back', () => {
    const window = main.standIn.windows[0];
    window?.hide();
    tray()?.menu?.click('open');
    expect(window?.isVisible()).toBe(true);
    expect(window?.focused).toBe(true);
  });

  it('show-queue opens the queue view', async () => {
    desktopEvents.length = 0;
    tray()?.menu?.click('show-queue');
    await expect
      .poll(() => desktopEvents.at(-1))
      .toEqual({ Type: 'open', Data: { view: 'queue' } });
  });
});

describe('notifications', () => {
  it('tells of new mail, and a click opens the message', async () => {
    // arrivals are gathered for two seconds; the test ends the gathering itself
    main.app.notifier.flushNewMail();
    const before = main.standIn.Notification.shown.length;
    const id = idOf((await send('notify me')).response);
    main.app.notifier.flushNewMail();
    expect(main.standIn.Notification.shown).toHaveLength(before + 1);
    const note = main.standIn.Notification.shown.at(-1);
    expect(note?.options.body).toBe('notify me');
    expect(note?.options.title).toBe('New message from App');
    note?.click();
    await expect
      .poll(() => desktopEvents.at(-1))
      .toEqual({ Type: 'open', Data: { view: 'message', id } });
  });
});

/** A port on 127.0.0.1 held by another program (a plain listener) while `use` runs. */
async function withPortHeld(use: (port: number) => Promise<void>): Promise<void> {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  try {
    await use((holder.address() as AddressInfo).port);
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
}

/** Clicks the notification titled `title`, and sees it open Settings → Listener in the window. */
async function clickOpensListenerSettings(standIn: DesktopStandIn, title: string): Promise<string> {
  const note = standIn.Notification.shown.find((n) => n.options.title === title);
  note?.click();
  await expect
    .poll(() => standIn.windows[0]?.webContents.sent.at(-1))
    .toEqual({
      channel: 'relaydesk-desktop:event',
      args: [{ Type: 'open', Data: { view: 'settings', section: 'listener' } }],
    });
  return String(note?.options.body);
}

describe('an SMTP port another program holds', () => {
  it('keeps the window up, tells in a notification, and a click opens Settings → Listener', async () => {
    await withPortHeld(async (port) => {
      const standIn = createDesktopStandIn({ pageUrl, userData: await folder() });
      // the flag given last wins over the launch's own --smtp 127.0.0.1:0
      const app = (await launch(standIn, ['--smtp', `127.0.0.1:${port}`])) as DesktopApp;
      expect(standIn.app.exitCode).toBeNull();
      expect(standIn.windows[0]?.isDestroyed()).toBe(false);
      expect(app.running.service.listenerView().listeners[0]).toMatchObject({
        listener: 'smtp',
        state: 'failed',
        problem: { code: 'EADDRINUSE' },
      });
      expect(await clickOpensListenerSettings(standIn, 'SMTP could not start')).toBe(
        `127.0.0.1:${port} is already in use by another program: stop that program, or choose another port in Settings → Listener and restart Relaydesk.`,
      );
      // the rest of the app works: the API answers over IPC's service
      expect((await serviceCalls.info(app.running.service)).Listeners.smtp).toBe('');
      await quit(standIn);
      expect(standIn.app.exitCode).toBe(0);
    });
  });
});

describe('a UI/API port another program holds (Mailpit on 8025, say)', () => {
  it('keeps the app up with the API on a free port, and says so in a notification', async () => {
    await withPortHeld(async (port) => {
      const standIn = createDesktopStandIn({ pageUrl, userData: await folder() });
      const app = (await launch(standIn, ['--http', `127.0.0.1:${port}`])) as DesktopApp;
      expect(standIn.app.exitCode).toBeNull();
      const api = app.running.http.port;
      expect(api).not.toBe(port);
      expect(await clickOpensListenerSettings(standIn, 'Web UI and API could not start')).toBe(
        `127.0.0.1:${port} is already in use; stop the other program or choose another port. Until then the API listens on 127.0.0.1:${api}. Change its port in Settings → Listener and restart.`,
      );
      // the API answers where it went
      const info = (await (await fetch(`${app.running.url}api/v1/info`)).json()) as {
        Version: string;
      };
      expect(info.Version).toBeTruthy();
      await quit(standIn);
      expect(standIn.app.exitCode).toBe(0);
    });
  });
});

describe("the Settings view's Restart now", () => {
  it('relaunches the app once the relay has stopped, to apply a saved SMTP address', async () => {
    const standIn = createDesktopStandIn({ pageUrl, userData: await folder() });
    const app = (await launch(standIn)) as DesktopApp;
    const service = app.running.service;
    const saved = await serviceCalls.saveSettings(service, {
      smtp: { host: '127.0.0.1', port: 0 },
    });
    expect(saved.ok).toBe(true);
    expect((await serviceCalls.getSettings(service)).restartable).toBe(true);
    const answer = await serviceCalls.restart(service);
    expect(answer).toMatchObject({ restarting: true });
    // the relaunch is asked for before the quit, and the quit stops the relay cleanly first
    await expect.poll(() => standIn.app.exitCode, { timeout: 15_000 }).toBe(0);
    expect(standIn.app.relaunchCalls).toBe(1);
    // the relay is stopped, not left running beside the relaunched app
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(app.running.smtp.port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  });
});

describe('the anomaly alert', () => {
  it('is a native notification; a click opens the suspended senders', async () => {
    const standIn = createDesktopStandIn({ pageUrl, userData: await folder() });
    // the alert compares a sender with its own history: the clock is moved back two hours for
    // its quiet hours, and starts ten minutes into an hour so the burst stays in one
    const hour = 3_600_000;
    const startedAt = Date.now();
    const clockStart = Math.floor(startedAt / hour) * hour + 10 * 60_000;
    let shift = -2 * hour;
    const app = (await launch(
      standIn,
      [
        '--anomaly-pause',
        'true',
        '--anomaly-factor',
        '2',
        '--anomaly-min-messages',
        '3',
        '--notify-new-mail',
        'false',
      ],
      undefined,
      'linux',
      { now: () => clockStart + shift + (Date.now() - startedAt) },
    )) as DesktopApp;
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: app.running.smtp.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'webform', pass: 'any' },
    });
    const sendOne = async () => {
      await transport
        .sendMail({ from: 'form@example.com', to: 'x@example.com', text: 'hi' })
        .catch(() => undefined);
      await app.running.service.queueIdle();
    };
    // one message in each of two quiet hours (median 1), then the third this hour is over 2 × 1
    await sendOne();
    shift = -hour;
    await sendOne();
    shift = 0;
    const alerted = () =>
      standIn.Notification.shown.some((n) => /^Sender paused/.test(n.options.title));
    for (let sent = 0; sent < 3; sent++) await sendOne();
    transport.close();
    await expect.poll(alerted).toBe(true);
    const note = standIn.Notification.shown.find((n) => /^Sender paused/.test(n.options.title));
    expect(note?.options.title).toBe('Sender paused: user webform');
    note?.click();
    await expect
      .poll(() => standIn.windows[0]?.webContents.sent.at(-1))
      .toEqual({
        channel: 'relaydesk-desktop:event',
        args: [{ Type: 'open', Data: { view: 'senders' } }],
      });
    await quit(standIn);
  });
});

describe('a second launch', () => {
  it('focuses the window and opens an .eml from its command line in the analyze view', async () => {
    const cwd = await folder();
    await writeFile(
      join(cwd, 'bounce.eml'),
      'Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000\r\nSubject: hi\r\n\r\nbody\r\n',
    );
    const window = main.standIn.windows[0];
    window?.minimize();
    main.standIn.app.emit(
      'second-instance',
      {},
      ['/opt/Relaydesk/relaydesk', 'bounce.eml'],
      cwd,
      {},
    );
    await expect
      .poll(() => desktopEvents.at(-1))
      .toMatchObject({
        Type: 'open',
        Data: {
          view: 'analyze',
          file: { name: 'bounce.eml', text: expect.stringContaining('Subject: hi') },
        },
      });
    expect(window?.isMinimized()).toBe(false);
    expect(window?.focused).toBe(true);
  });

  it('says clearly when the file cannot be opened', async () => {
    main.standIn.app.emit('second-instance', {}, [], '/', { file: '/nowhere/missing.eml' });
    await expect
      .poll(() => main.standIn.dialog.errors.at(-1)?.content)
      .toMatch(
        /cannot open \/nowhere\/missing\.eml \(ENOENT\); give an \.eml or \.msg file that exists/,
      );
  });

  it('a launch without the lock passes its file on and quits', async () => {
    const second = createDesktopStandIn({
      pageUrl,
      userData: await folder(),
      lockAvailable: false,
    });
    expect(await launch(second, ['/home/me/Downloads/mail.eml'])).toBeNull();
    expect(second.app.lockData).toEqual({ file: '/home/me/Downloads/mail.eml' });
    expect(second.app.quitCalls).toBe(1);
    expect(second.windows).toHaveLength(0);
  });
});

describe('deferred mail when the machine wakes or the network comes back', () => {
  // a smart host that was busy (451 to MAIL FROM) and takes mail again; the relay's clock stands
  // still, so no retry time comes: only the wake or the network can send the deferred message
  async function deferredApp(networkPollMs?: number) {
    const busy = await startUpstreamServer({
      tls: 'none',
      failures: { mail: { code: 451, text: '4.3.0 Server busy' } },
    });
    const userData = await folder();
    await saveSettings(userData, {
      mode: 'relay',
      notifyNewMail: false,
      relay: { host: '127.0.0.1', port: busy.port, security: 'none' },
    });
    const standIn = createDesktopStandIn({ pageUrl, userData });
    const at = Date.now();
    const app = (await launch(standIn, [], undefined, 'linux', {
      now: () => at,
      ...(networkPollMs ? { networkPollMs } : {}),
    })) as DesktopApp;
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: app.running.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    const info = await transport
      .sendMail({ from: 'app@example.com', to: 'bob@example.com', subject: 'invoice', text: 'x' })
      .finally(() => transport.close());
    const id = idOf(info.response);
    const state = async () =>
      (await serviceCalls.delivery(app.running.service, id)).recipients[0]?.state;
    await expect.poll(state, { timeout: 15_000 }).toBe('deferred');
    busy.setFailures({});
    // nothing sends it by itself meanwhile
    await app.running.service.queueIdle();
    expect(await state()).toBe('deferred');
    return { busy, standIn, state };
  }

  it("retries it on powerMonitor 'resume'", async () => {
    const { busy, standIn, state } = await deferredApp();
    try {
      standIn.powerMonitor.emit('resume');
      await expect.poll(state, { timeout: 15_000 }).toBe('relayed');
      expect(busy.messages.map((m) => m.rcptTo)).toEqual([['bob@example.com']]);
      await quit(standIn);
    } finally {
      await busy.close();
    }
  });

  it('retries it when net.isOnline() goes from false to true, not while it stays online', async () => {
    const { busy, standIn, state } = await deferredApp(50);
    try {
      // online all along: polls see no change, nothing is retried
      const seen = standIn.net.polls;
      await expect.poll(() => standIn.net.polls).toBeGreaterThan(seen + 2);
      expect(await state()).toBe('deferred');
      standIn.net.online = false;
      const offline = standIn.net.polls;
      await expect.poll(() => standIn.net.polls).toBeGreaterThan(offline + 1);
      expect(await state()).toBe('deferred');
      standIn.net.online = true;
      await expect.poll(state, { timeout: 15_000 }).toBe('relayed');
      expect(busy.messages.map((m) => m.rcptTo)).toEqual([['bob@example.com']]);
      await quit(standIn);
    } finally {
      await busy.close();
    }
  });
});

describe('lifecycle', () => {
  it('close-to-tray hides the window instead of quitting; quit still closes it', async () => {
    const userData = await folder();
    await saveSettings(userData, { closeToTray: true });
    const standIn = createDesktopStandIn({ pageUrl, userData });
    await launch(standIn);
    const window = standIn.windows[0];
    window?.show();
    expect(window?.close()).toBe(false);
    expect(window?.isVisible()).toBe(false);
    expect(standIn.app.exitCode).toBeNull();
    standIn.Tray.instances[0]?.menu?.click('quit');
    await expect.poll(() => standIn.app.exitCode, { timeout: 15_000 }).toBe(0);
    expect(window?.isDestroyed()).toBe(true);
  });

  it('without close-to-tray, closing the window quits', async () => {
    const standIn = createDesktopStandIn({ pageUrl, userData: await folder() });
    await launch(standIn);
    standIn.windows[0]?.close();
    await expect.poll(() => standIn.app.exitCode, { timeout: 15_000 }).toBe(0);
  });

  it('on macOS, closing the last window keeps the app; the Dock icon brings a new window', async () => {
    const standIn = createDesktopStandIn({ pageUrl, userData: await folder() });
    await launch(standIn, [], undefined, 'darwin');
    standIn.windows[0]?.close();
    expect(standIn.windows[0]?.isDestroyed()).toBe(true);
    expect(standIn.app.quitCalls).toBe(0);
    standIn.app.emit('activate');
    expect(standIn.windows).toHaveLength(2);
    expect(standIn.windows[1]?.isVisible()).toBe(true);
    await quit(standIn);
  });

  it('quit finishes the message being received and closes the message index cleanly', async () => {
    const standIn = createDesktopStandIn({ pageUrl, userData: await folder() });
    const dataDir = await folder();
    const app = (await launch(standIn, [], dataDir)) as DesktopApp;
    const wire = await SmtpWire.connect(app.running.smtp.port);
    expect(await wire.reply()).toMatch(/^220/);
    await wire.command('EHLO client.example');
    await wire.command('MAIL FROM:<a@example.com>');
    await wire.command('RCPT TO:<b@example.com>');
    expect(await wire.command('DATA')).toMatch(/^354/);
    wire.write('Subject: in flight\r\n\r\nfirst half\r\n');
    standIn.app.quit();
    // the listener refuses new connections at once, but the open session may finish
    await expect
      .poll(async () => {
        try {
          const probe = await SmtpWire.connect(app.running.smtp.port);
          probe.close();
          return 'open';
        } catch {
          return 'closed';
        }
      })
      .toBe('closed');
    expect(standIn.app.exitCode).toBeNull();
    expect(await wire.command('second half\r\n.')).toMatch(/^250 /);
    wire.close();
    await expect.poll(() => standIn.app.exitCode, { timeout: 15_000 }).toBe(0);
    // closed cleanly: the write-ahead log is folded into the file, which holds the message
    await expect(readFile(join(dataDir, 'index.sqlite-wal'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect((await readFile(join(dataDir, 'index.sqlite'))).toString('latin1')).toContain(
      'in flight',
    );
  });

  it('remembers the window size and position for the next start', async () => {
    const userData = await folder();
    const first = createDesktopStandIn({ pageUrl, userData });
    await launch(first);
    expect(first.windows[0]?.options).toMatchObject({ width: 1200, height: 800 });
    first.windows[0]?.setBounds({ x: 40, y: 60, width: 1000, height: 700 });
    await quit(first);
    const second = createDesktopStandIn({ pageUrl, userData });
    await launch(second);
    expect(second.windows[0]?.options).toMatchObject({ x: 40, y: 60, width: 1000, height: 700 });
    await quit(second);
  });
});

describe('without a keyring', () => {
  it('asks once, in one clear message, and keeps secrets in a file only the user can read', async () => {
    const userData = await folder();
    await saveSettings(userData, {
      relay: {
        host: '127.0.0.1',
        port: upstream.port,
        security: 'none',
        auth: { user: 'relayuser', password: 'p4ss-word' },
      },
    });
    const first = createDesktopStandIn({
      pageUrl,
      userData,
      keyring: 'basic_text',
      dialogAnswers: [0],
    });
    await launch(first);
    expect(first.dialog.asked).toHaveLength(1);
    expect(first.dialog.asked[0]).toMatchObject({
      message: expect.stringMatching(/No system keyring .* cannot encrypt the upstream password/),
      buttons: [
        'Keep them in a file only I can read',
        'Do not save them (ask after each restart)',
        'Quit',
      ],
    });
    await quit(first);
    const secrets = join(userData, 'secrets.json');
    expect((await stat(secrets)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(secrets, 'utf8'))).toMatchObject({ encoding: 'owner-only' });
    expect(await readFile(join(userData, 'config.json'), 'utf8')).not.toContain('p4ss-word');

    // the choice is remembered: the next start asks nothing (an unanswered dialog would throw)
    const second = createDesktopStandIn({ pageUrl, userData, keyring: 'unavailable' });
    const app = (await launch(second)) as DesktopApp;
    expect(second.dialog.asked).toHaveLength(0);
    expect(app.settings.relay?.auth).toMatchObject({ password: 'p4ss-word' });
    await quit(second);
  });

  it('Quit at the question starts nothing', async () => {
    const userData = await folder();
    const standIn = createDesktopStandIn({
      pageUrl,
      userData,
      keyring: 'unavailable',
      dialogAnswers: [2],
    });
    await expect(launch(standIn)).rejects.toThrow(/quit at the keyring question/);
    expect(standIn.app.exitCode).toBe(0);
    expect(standIn.windows).toHaveLength(0);
    expect(existsSync(join(userData, 'secrets.json'))).toBe(false);
  });
});

describe('invalid saved settings', () => {
  it('stop the start with one message naming the setting and the file', async () => {
    const userData = await folder();
    await saveSettings(userData, { maxRecipients: 0 });
    const standIn = createDesktopStandIn({ pageUrl, userData });
    await expect(launch(standIn)).rejects.toThrow(/maxRecipients/);
    expect(standIn.dialog.errors[0]?.content).toMatch(
      /"maxRecipients" in the settings file: 0 is not valid; use a whole number from 1 to 10000\n\nSettings file: .*config\.json/,
    );
    expect(standIn.app.exitCode).toBe(1);
    expect(standIn.windows).toHaveLength(0);
  });
});
