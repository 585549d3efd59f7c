// The desktop app's decisions as plain functions: the tray's icon, tooltip and menu; the window's
// place and close; links; files from the command line; quitting; the menu for each platform.
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate } from '../../main/desktop/app-menu.js';
import { settingFlags } from '../../main/desktop/desktop-arguments.js';
import { trayMenuTemplate } from '../../main/desktop/desktop-tray.js';
import { isSafeExternalUrl } from '../../main/desktop/external-links.js';
import { manageQuit, type QuittableApp } from '../../main/desktop/lifecycle.js';
import { emlArgument, readEmlForAnalysis } from '../../main/desktop/open-file.js';
import { outlookMsg } from '../helpers/outlook-msg.js';
import { relayIconPng } from '../../main/desktop/relay-icon.js';
import { trayView, type RelayState } from '../../main/desktop/tray-state.js';
import { checkPaneWidths, closeAction, restoredBounds } from '../../main/desktop/window-state.js';

const running: RelayState = {
  receivingPaused: false,
  relayPause: null,
  upstreamConfigured: true,
  counts: { unread: 12, queued: 3, failed: 1 },
};

describe('tray state', () => {
  it('receiving: counts in the tooltip and the menu', () => {
    const view = trayView(running);
    expect(view.icon).toBe('receiving');
    expect(view.tooltip).toBe('Relaydesk — Receiving\n12 unread, 3 queued, 1 failed');
    const labels = view.menu.map((i) => ('label' in i ? i.label : '—'));
    expect(labels).toEqual([
      'Receiving',
      '12 unread messages',
      '3 messages queued',
      '1 message failed',
      '—',
      'Open Relaydesk',
      'Show queue',
      '—',
      'Pause receiving',
      'Pause relaying',
      '—',
      'Quit Relaydesk',
    ]);
  });

  it('paused by the user: the paused icon and resume items', () => {
    const view = trayView({
      ...running,
      receivingPaused: true,
      relayPause: { reason: 'relaying paused by hand', byHand: true },
    });
    expect(view.icon).toBe('paused');
    expect(view.tooltip).toMatch(/^Relaydesk — Receiving paused, relaying paused\n/);
    const ids = view.menu.flatMap((i) => (i.kind === 'action' ? [i.id] : []));
    expect(ids).toContain('resume-receiving');
    expect(ids).toContain('resume-relaying');
  });

  it('the upstream failing wins over a pause, with its reason', () => {
    const view = trayView({
      ...running,
      receivingPaused: true,
      relayPause: { reason: 'authentication rejected (535 5.7.8)' },
    });
    expect(view.icon).toBe('failing');
    expect(view.tooltip).toMatch(/Relaying paused: authentication rejected \(535 5\.7\.8\)/);
  });

  it('relaying cannot be paused without an upstream', () => {
    const view = trayView({ ...running, upstreamConfigured: false });
    expect(view.menu.find((i) => i.kind === 'action' && i.id === 'pause-relaying')).toMatchObject({
      enabled: false,
    });
  });

  it('the menu template clicks through to the action', () => {
    const clicked: string[] = [];
    const template = trayMenuTemplate(trayView(running), (action) => clicked.push(action));
    for (const item of template) (item.click as (() => void) | undefined)?.();
    expect(clicked).toEqual(['open', 'show-queue', 'pause-receiving', 'pause-relaying', 'quit']);
    expect(template[1]).toEqual({ label: '12 unread messages', enabled: false });
  });

  it('each state has its own icon, a real PNG', () => {
    const pngs = (['receiving', 'paused', 'failing'] as const).map((s) => relayIconPng(32, s));
    for (const png of pngs) {
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(32);
    }
    expect(new Set(pngs.map((p) => p.toString('base64'))).size).toBe(3);
  });
});

describe('window state', () => {
  const screen = { x: 0, y: 0, width: 1920, height: 1080 };

  it('the default size the first time, the saved place after', () => {
    expect(restoredBounds({}, [screen])).toEqual({ width: 1200, height: 800 });
    expect(restoredBounds({ bounds: { x: 50, y: 60, width: 900, height: 700 } }, [screen])).toEqual(
      { x: 50, y: 60, width: 900, height: 700 },
    );
  });

  it('forgets a position on a screen that is gone, and a size too small to use', () => {
    const offScreen = { bounds: { x: 2500, y: 100, width: 900, height: 700 } };
    expect(restoredBounds(offScreen, [screen])).toEqual({ width: 900, height: 700 });
    expect(
      restoredBounds(offScreen, [screen, { x: 1920, y: 0, width: 1920, height: 1080 }]),
    ).toMatchObject({ x: 2500 });
    expect(restoredBounds({ bounds: { x: 0, y: 0, width: 10, height: 10 } }, [screen])).toEqual({
      x: 0,
      y: 0,
      width: 640,
      height: 400,
    });
  });

  it('close hides to the tray only when asked, the tray is there, and no quit is under way', () => {
    expect(closeAction({ closeToTray: true, trayShown: true, quitting: false })).toBe('hide');
    expect(closeAction({ closeToTray: true, trayShown: true, quitting: true })).toBe('close');
    expect(closeAction({ closeToTray: true, trayShown: false, quitting: false })).toBe('close');
    expect(closeAction({ closeToTray: false, trayShown: true, quitting: false })).toBe('close');
  });

  it('pane widths: names and sizes checked', () => {
    expect(checkPaneWidths({ list: 420.6 })).toEqual({ list: 421 });
    expect(() => checkPaneWidths([])).toThrow(/expected an object/);
    expect(() => checkPaneWidths({ '<img>': 3 })).toThrow(/"<img>" is not a pane name/);
    expect(() => checkPaneWidths({ list: 'wide' })).toThrow(/list: "wide" is not a width/);
  });
});

describe('links', () => {
  it('http, https and mailto only', () => {
    for (const ok of ['http://a.example/', 'https://a.example/x?y', 'mailto:bob@example.com'])
      expect(isSafeExternalUrl(ok), ok).toBe(true);
    for (const bad of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'ms-msdt:/id',
      'data:text/html,x',
      'not a url',
    ])
      expect(isSafeExternalUrl(bad), bad).toBe(false);
  });
});

describe('files and flags on the command line', () => {
  it('finds the .eml to open, past Chromium switches', () => {
    expect(emlArgument(['/opt/relaydesk', '--no-sandbox', 'a/Mail.EML'], '/home/me')).toBe(
      '/home/me/a/Mail.EML',
    );
    expect(emlArgument(['/opt/relaydesk', '--smtp', '127.0.0.1:25'], '/')).toBeNull();
    expect(emlArgument(['/opt/relaydesk', 'Lunch.msg'], '/home/me')).toBe('/home/me/Lunch.msg');
  });

  it('reads the file for analysis, and refuses what is not a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relaydesk-eml-'));
    try {
      await writeFile(join(dir, 'm.eml'), 'Subject: é\r\n\r\nx');
      expect(await readEmlForAnalysis(join(dir, 'm.eml'))).toEqual({
        name: 'm.eml',
        text: 'Subject: é\r\n\r\nx',
      });
      // a file that is not UTF-8 (8-bit Latin-1): one character a byte, said so, so Analyze
      // verifies DKIM over the bytes signed (as UTF-8 each é became U+FFFD)
      const latin1 = Buffer.from('Subject: Facture\r\n\r\nréglée\r\n', 'latin1');
      await writeFile(join(dir, 'f.eml'), latin1);
      const read = await readEmlForAnalysis(join(dir, 'f.eml'));
      expect(read).toEqual({ name: 'f.eml', text: latin1.toString('latin1'), encoding: 'latin1' });
      expect(Buffer.from(read.text, 'latin1').equals(latin1)).toBe(true);
      await expect(readEmlForAnalysis(dir)).rejects.toThrow(
        /is not a file; give an \.eml or \.msg file/,
      );
      // an Outlook .msg opened with Relaydesk: the headers it kept as received
      const headers = 'Received: from a by b; Fri, 6 Dec 2024 10:00:00 +0000\r\nSubject: é';
      await writeFile(
        join(dir, 'Lunch.msg'),
        outlookMsg({ subject: 'é', headers, eightBit: true }),
      );
      expect(await readEmlForAnalysis(join(dir, 'Lunch.msg'))).toEqual({
        name: 'Lunch.msg',
        text: headers,
      });
      await writeFile(join(dir, 'Draft.msg'), outlookMsg({ subject: 'Draft' }));
      await expect(readEmlForAnalysis(join(dir, 'Draft.msg'))).rejects.toThrow(
        /^“Draft\.msg” is an Outlook message with no Internet headers/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes the setting flags of serve and leaves other switches alone', () => {
    expect(
      settingFlags([
        'relaydesk',
        '--no-sandbox',
        '--smtp',
        '127.0.0.1:2525',
        '--max-messages=9',
        '--relay-host',
        'smtp.example.com:587',
        'mail.eml',
      ]),
    ).toEqual({
      '--smtp': '127.0.0.1:2525',
      '--max-messages': '9',
      '--relay-host': 'smtp.example.com:587',
    });
  });
});

class App extends EventEmitter implements QuittableApp {
  exitCode: number | null = null;
  quits = 0;
  quit(): void {
    this.quits++;
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
}

describe('quitting', () => {
  it('holds will-quit until the relay has stopped, once, then exits', async () => {
    const app = new App();
    let finish: () => void = () => undefined;
    let stops = 0;
    const quit = manageQuit(app, {
      stop: () => {
        stops++;
        return new Promise<void>((resolve) => (finish = resolve));
      },
      staysInTray: () => false,
      log: () => undefined,
    });
    app.emit('before-quit');
    expect(quit.quitting).toBe(true);
    const held = { prevented: 0, preventDefault: () => held.prevented++ };
    app.emit('will-quit', held);
    app.emit('will-quit', held);
    expect(held.prevented).toBe(2);
    expect(stops).toBe(1);
    expect(app.exitCode).toBeNull();
    finish();
    await expect.poll(() => app.exitCode).toBe(0);
  });

  it('a failing stop is logged and exits 1', async () => {
    const app = new App();
    const lines: string[] = [];
    manageQuit(app, {
      stop: () => Promise.reject(new Error('disk full')),
      staysInTray: () => false,
      log: (line) => lines.push(line),
    });
    app.emit('will-quit', { preventDefault: () => undefined });
    await expect.poll(() => app.exitCode).toBe(1);
    expect(lines).toEqual(['error while stopping: disk full']);
  });

  it('the last window closing quits, unless the tray keeps the app', () => {
    const app = new App();
    let tray = true;
    manageQuit(app, { stop: async () => undefined, staysInTray: () => tray, log: () => {} });
    app.emit('window-all-closed');
    expect(app.quits).toBe(0);
    tray = false;
    app.emit('window-all-closed');
    expect(app.quits).toBe(1);
  });
});

describe('application menu', () => {
  const run = () => undefined;
  const state = { receivingPaused: false, relayingPaused: false, upstreamConfigured: true };

  it('macOS: an app menu with about, services, hide and Settings…', () => {
    const menu = applicationMenuTemplate('darwin', state, run);
    expect(menu[0]?.label).toBe('Relaydesk');
    const roles = JSON.stringify(menu[0]?.submenu);
    for (const role of ['about', 'services', 'hide', 'quit']) expect(roles).toContain(role);
    expect(roles).toContain('Settings…');
  });

  it('Linux and Windows: Settings and Quit in the File menu', () => {
    const menu = applicationMenuTemplate('linux', state, run);
    expect(menu[0]?.label).toBe('File');
    const file = JSON.stringify(menu[0]?.submenu);
    expect(file).toContain('"id":"settings"');
    expect(file).toContain('"role":"quit"');
  });
});
