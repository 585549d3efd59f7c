// What a QA pass as a developer coming from MailDev and smtp4dev found in the GUI, checked in
// Chromium against the real headless server with mail sent over SMTP during the test:
// smtp4dev's mailboxes routed by recipient keep the names they were given, and MailDev's Relay
// of a captured message (the Delivery tab's Resend) reaches a real upstream.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('a MailDev or smtp4dev user in Chromium', () => {
  let gui: Gui | undefined;
  let upstream: RunningUpstream | undefined;

  afterEach(async () => {
    await gui?.close();
    gui = undefined;
  });
  afterAll(async () => {
    await upstream?.close();
  });

  it('sees the mailboxes routed by recipient under the names the rules gave them', async () => {
    gui = await startGui(chromiumPath as string, {
      colorScheme: 'dark',
      settings: {
        mode: 'rules',
        rules: [
          {
            name: 'project a',
            match: { recipient: '*@a.example' },
            action: { type: 'capture', mailbox: 'project-a' },
          },
          {
            name: 'crm',
            match: { recipient: '*@crm.example' },
            action: { type: 'capture', mailbox: 'crm-Staging' },
          },
        ],
      },
    });
    const page: Page = gui.page;
    await gui.send({ from: 'app@example.com', to: 'x@a.example', subject: 'For A', text: 'a' });
    await gui.send({ from: 'app@example.com', to: 'y@crm.example', subject: 'For CRM', text: 'c' });
    await gui.openLive();
    const views = page.getByRole('navigation', { name: 'Views' });
    const box = views.getByRole('button', { name: /^project-a\b/ });
    await box.waitFor();
    // the spelling `mailbox:` searches and a POP3 login (ada/project-a) takes
    expect(await box.innerText()).toMatch(/^project-a/);
    expect(await views.getByRole('button', { name: /^crm-Staging\b/ }).count()).toBe(1);
    expect(await views.getByRole('button', { name: /^Inbox\b/ }).count()).toBe(1);
    await box.click();
    await eventually(() => page.getByTestId('message-row').allInnerTexts()).toEqual([
      expect.stringContaining('For A'),
    ]);
    expect(new URL(page.url()).searchParams.get('mailbox')).toBe('project-a');
    expect(gui.pageErrors).toEqual([]);
  });

  it("relays a captured message to its recipients with the Delivery tab's Resend (MailDev's Relay)", async () => {
    upstream = await startUpstreamServer();
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'capture',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      },
    });
    const page: Page = gui.page;
    await gui.send({
      from: 'app@example.com',
      to: 'dev@example.com',
      subject: 'Release me',
      text: 'hello',
    });
    await gui.openLive();
    await page.getByTestId('message-row').filter({ hasText: 'Release me' }).click();
    await page.getByRole('tab', { name: 'Delivery' }).click();
    await page.getByRole('button', { name: 'Resend', exact: true }).click();
    await eventually(() => upstream?.messages.map((m) => m.rcptTo)).toEqual([['dev@example.com']]);
    await page.getByText('Relayed', { exact: true }).first().waitFor();
    expect(gui.pageErrors).toEqual([]);
  });
});
