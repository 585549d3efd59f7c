// The renderer's side of the desktop bridge, in Chromium against the headless server. The real
// preload cannot run here (no Electron runtime), so the page gets an object of the
// DesktopBridge shape before it loads, and the test plays main: it asks for views (a second
// launch handing over an .eml, a clicked notification) and checks what the pane widths report.
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesktopEvent, PaneWidths } from '../../preload/desktop-contract.js';
import type { SettingsView } from '../../preload/settings-contract.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

interface StandInMain {
  fire(event: DesktopEvent): void;
  saved: PaneWidths[];
}

describe.skipIf(!chromiumPath)('the desktop bridge in the renderer', () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let page: Page;
  let pageErrors: string[];
  const fire = (event: DesktopEvent) =>
    page.evaluate(
      (e) => (window as unknown as { standInMain: StandInMain }).standInMain.fire(e),
      event,
    );

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    ({ relaydesk, page, pageErrors } = gui);
    await page.addInitScript(() => {
      const listeners: ((event: unknown) => void)[] = [];
      const standInMain = {
        fire: (event: unknown) => listeners.forEach((listener) => listener(event)),
        saved: [] as unknown[],
      };
      Object.assign(window, {
        standInMain,
        relaydeskDesktop: {
          onDesktopEvent(listener: (event: unknown) => void) {
            listeners.push(listener);
            return () => listeners.splice(listeners.indexOf(listener), 1);
          },
          getPaneWidths: async () => ({ list: 333 }),
          setPaneWidths: async (widths: unknown) => void standInMain.saved.push(widths),
        },
      });
    });
    await page.goto(relaydesk.url);
  }, 120_000);

  afterAll(async () => gui?.close());

  it('opens an .eml handed over by a second launch in the "Analyze headers" dialog', async () => {
    const eml = [
      'Received: from mx.sender.example (mx.sender.example [192.0.2.10]) by mx.dest.example',
      ' with ESMTPS id H2; Mon, 30 Nov 2026 10:02:00 +0000',
      'Subject: handed over',
      '',
      'body',
    ].join('\r\n');
    await fire({ Type: 'open', Data: { view: 'analyze', file: { name: 'x.eml', text: eml } } });
    const dialog = page.getByRole('dialog', { name: 'Analyze headers' });
    // the header block only (the route is read from it; a large attachment made the dialog
    // slow), and a textarea keeps line breaks as LF
    await eventually(() => dialog.getByRole('textbox').inputValue()).toBe(
      eml.replace(/\r\n/g, '\n').replace(/body$/, ''),
    );
    await page.keyboard.press('Escape');
    await eventually(() => page.getByRole('dialog').count()).toBe(0);
  });

  it('opens the queue and a message when a notification is clicked', async () => {
    await fire({ Type: 'open', Data: { view: 'queue' } });
    await eventually(() => page.evaluate(() => window.location.hash)).toBe('#queue');
    // the menu's Show SMTP Sessions
    await fire({ Type: 'open', Data: { view: 'sessions' } });
    await eventually(() => page.evaluate(() => window.location.hash)).toBe('#sessions');
    await page.getByRole('heading', { name: 'SMTP sessions' }).waitFor();
    await fire({ Type: 'open', Data: { view: 'queue' } });
    await eventually(() => page.evaluate(() => window.location.hash)).toBe('#queue');

    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: relaydesk.smtp.port,
      secure: false,
    });
    await transport.sendMail({
      from: 'app@example.test',
      to: 'dev@example.test',
      subject: 'Opened from a notification',
      text: 'hello',
    });
    transport.close();
    const list = (await (await fetch(`${relaydesk.url}api/v1/messages`)).json()) as {
      messages: { ID: string }[];
    };
    const id = list.messages[0]?.ID as string;
    await fire({ Type: 'open', Data: { view: 'message', id } });
    await eventually(() =>
      page.getByRole('article', { name: 'Message' }).getByRole('heading').first().innerText(),
    ).toBe('Opened from a notification');
  });

  it('opens the suspended senders when an anomaly alert is clicked, lifted there in one click', async () => {
    const paused = (await (
      await fetch(`${relaydesk.url}api/v1/suspensions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ Kind: 'user', Value: 'webform', Reason: 'automatic: burst' }),
      })
    ).json()) as { ID: string };
    await fire({ Type: 'open', Data: { view: 'senders' } });
    const panel = page.getByRole('region', { name: 'Suspended senders' });
    // it holds no mail, so Lift alone is offered (Lift and release… only with mail held)
    await panel.getByRole('button', { name: 'Lift', exact: true }).click();
    await eventually(async () =>
      ((await (await fetch(`${relaydesk.url}api/v1/suspensions`)).json()) as { ID: string }[]).map(
        (s) => s.ID,
      ),
    ).not.toContain(paused.ID);
    await eventually(() => panel.getByText('Nobody is suspended.').count()).toBe(1);
  });

  it('starts with the remembered list width and reports a new one', async () => {
    const list = page.getByRole('region', { name: /^Message list/ });
    await eventually(async () => Math.round((await list.boundingBox())?.width ?? 0)).toBe(333);
    const splitter = page.getByRole('separator', { name: 'Resize the message list' });
    await splitter.focus();
    await page.keyboard.press('ArrowRight');
    await eventually(() => splitter.getAttribute('aria-valuenow')).toBe('349');
    await eventually(() =>
      page.evaluate(() => (window as unknown as { standInMain: StandInMain }).standInMain.saved),
    ).toContainEqual({ list: expect.any(Number) as number });
  });

  it("opens Settings, where the desktop app's notifications can be turned off", async () => {
    await fire({ Type: 'open', Data: { view: 'settings' } });
    const newMail = page.getByRole('checkbox', { name: 'Notify me of new mail' });
    expect(await newMail.isChecked()).toBe(true);
    await newMail.uncheck();
    await page.getByRole('checkbox', { name: /keeps Relaydesk running in the tray/ }).check();
    await page.getByRole('button', { name: 'Save settings' }).click();
    const saved = async () =>
      ((await (await fetch(`${relaydesk.url}api/v1/settings`)).json()) as SettingsView).values;
    await eventually(async () => (await saved()).notifyNewMail).toBe(false);
    expect((await saved()).closeToTray).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
