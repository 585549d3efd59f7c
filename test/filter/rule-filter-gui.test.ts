// A routing rule's own filter choice (here: the attachment policy does not apply to the build
// server's recipients) in the Settings screen, in Chromium: shown with its rule, kept when the
// admin adds another rule and saves, and still deciding the next message over real SMTP. The
// form used to neither show it nor send it back, so any save of the rules dropped it for good.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../preload/api-contract.js';
import { eventually } from '../e2e/browser.js';
import { startGui, type Gui } from '../e2e/gui.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);
const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(400)]);

describe.skipIf(!chromiumPath)("a routing rule's filter choice in the Settings screen", () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1280, height: 900 },
      settings: {
        mode: 'rules',
        attachments: { types: ['executable'], action: 'reject' },
        rules: [
          {
            name: 'build server',
            match: { recipient: '*@builds.example' },
            action: { type: 'capture', mailbox: 'builds' },
            filter: { attachmentAction: 'allow' },
          },
        ],
      },
    });
    ({ relaydesk, page } = gui);
  }, 120_000);

  afterAll(async () => gui?.close());

  it('is shown with its rule, survives a save of the rules, and still lets the build mail in', async () => {
    await page.goto(`${relaydesk.url}#settings`);
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
    const choice = page.getByLabel('Attachment policy, rule 1');
    expect(await choice.inputValue()).toBe('allow');

    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Recipient pattern of rule 2').fill('*@staff.example');
    await page.getByLabel('A message with a virus, rule 2').selectOption('quarantine');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await eventually(() => page.locator('.settings-summary').innerText()).toContain('Saved');

    const saved = await relaydesk.api<SettingsView>('/api/v1/settings');
    expect(saved.values.rules.map((rule) => rule.filter)).toEqual([
      { attachmentAction: 'allow' },
      { virusAction: 'quarantine' },
    ]);

    // the rule still decides: a program for the build server is taken, one for staff refused
    await gui.send({
      from: 'ci@builds.example',
      to: 'artifacts@builds.example',
      subject: 'nightly build',
      text: 'attached',
      attachments: [{ filename: 'setup.exe', content: program }],
    });
    await expect(
      gui.send({
        from: 'ci@builds.example',
        to: 'ann@staff.example',
        subject: 'nightly build for staff',
        text: 'attached',
        attachments: [{ filename: 'setup.exe', content: program }],
      }),
    ).rejects.toMatchObject({ responseCode: 554 });
    expect(await gui.total()).toBe(1);

    // reloaded from the server, the form shows what was saved
    await page.reload();
    expect(await page.getByLabel('Attachment policy, rule 1').inputValue()).toBe('allow');
    expect(await page.getByLabel('A message with a virus, rule 2').inputValue()).toBe('quarantine');
    expect(gui.pageErrors).toEqual([]);
  });
});
