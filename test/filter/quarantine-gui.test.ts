// The Quarantine view in Debian's Chromium against the headless server, with a real clamd (the
// EICAR signature) and a real upstream: Release of a false positive (a confirm naming the
// reason), a virus that cannot be released without ticking that it is one, the scanner's state
// (answers / does not answer, what happens meanwhile and the fix), and the attachment group in
// Settings as the user wrote it.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { clamdTool, eicar, startClamd, type TestClamd } from '../helpers/clamd.js';
import { settled } from '../helpers/delivery.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const chromiumPath = requireTool(tools.chromium);
const clamdPath = requireTool(clamdTool);

describe.skipIf(!chromiumPath || !clamdPath)('the Quarantine view', () => {
  let gui: Gui;
  let clamd: TestClamd;
  let upstream: RunningUpstream;
  let relaydesk: TestRelaydesk;
  let page: Page;

  const rows = () => page.getByTestId('message-row');
  const row = (subject: string) => rows().filter({ hasText: subject });
  const search = (query: string) =>
    relaydesk.api<MessagesPage>(`/api/v1/search?query=${encodeURIComponent(query)}`);

  beforeAll(async () => {
    clamd = await startClamd(clamdPath as string, Buffer.from('not used here'));
    upstream = await startUpstreamServer({ tls: 'none' });
    gui = await startGui(chromiumPath as string, {
      settings: {
        clamd: clamd.address,
        mode: 'rules',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
        attachments: { types: ['executable', 'iso'], action: 'quarantine' },
        rules: [
          {
            match: { recipient: '*@partner.example' },
            action: { type: 'relay' },
            filter: { virusAction: 'quarantine' },
          },
        ],
      },
    });
    ({ relaydesk, page } = gui);
    await gui.send({
      from: 'payroll@company.example',
      to: 'accountant@partner.example',
      subject: 'Payroll export tool',
      text: 'the tool you asked for',
      attachments: [{ filename: 'payroll-tool.exe', content: 'a legitimate program\n' }],
    });
    await gui.send({
      from: 'billing@shady.example',
      to: 'accountant@partner.example',
      subject: 'Overdue invoice',
      text: `open the attachment\n${eicar}\n`,
    });
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
    await clamd?.stop();
  });

  it('releases a false positive after a confirm that names the reason, once, into the queue', async () => {
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-quarantine').click();
    await expect.poll(() => rows().count()).toBe(2);
    const scanner = page.getByTestId('scanner-state');
    await expect
      .poll(() => scanner.innerText())
      .toBe(`clamd answers at ${clamd.address}: messages are scanned. Check again`);

    await row('Payroll export tool').click();
    await page.getByTestId('release-quarantined').click();
    const dialog = page.getByTestId('release-dialog');
    expect(await dialog.getByRole('heading').innerText()).toBe('Release from the quarantine?');
    expect(await dialog.getByTestId('release-reasons').innerText()).toBe(
      'attachment "payroll-tool.exe": .exe files are not allowed',
    );
    expect(await dialog.getByTestId('release-virus-confirm').count()).toBe(0);
    await dialog.getByTestId('release-confirm').click();
    await expect.poll(() => dialog.count()).toBe(0);

    const decision = page.getByTestId('filter-decision');
    await expect
      .poll(() => decision.innerText())
      .toMatch(/^Released from the quarantine by hand, /);
    expect(await decision.innerText()).toContain(
      'attachment "payroll-tool.exe": .exe files are not allowed',
    );
    expect(await page.getByTestId('release-quarantined').count()).toBe(0);
    // still in the view, flagged as released (its history), not as held
    await expect
      .poll(() => row('Payroll export tool').getByTestId('message-row-flag').innerText())
      .toMatch(/^released$/i);
    const id = (await search('subject:"Payroll export tool"')).messages[0]?.ID;
    await settled(relaydesk, id as string, (d) => d.status === 'delivered');
    expect(upstream.messages).toHaveLength(1);
  });

  it('asks that a virus be acknowledged before it can be released', async () => {
    await row('Overdue invoice').click();
    await page.getByTestId('release-quarantined').click();
    const dialog = page.getByTestId('release-dialog');
    expect(await dialog.getByRole('heading').innerText()).toBe(
      'Release a message that carries a virus?',
    );
    expect(await dialog.getByTestId('release-virus-warning').innerText()).toBe(
      'This message carries a virus: clamd found Relaydesk.Test.EICAR.UNOFFICIAL in it. Releasing it sends the virus to its recipients.',
    );
    const confirm = dialog.getByTestId('release-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByTestId('release-virus-confirm').check();
    expect(await confirm.isEnabled()).toBe(true);
    await page.screenshot({ path: join(screenshots, 'quarantine-release-virus-light.png') });
    await dialog.getByRole('button', { name: 'Keep in quarantine' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await search('tag:released')).messages.map((m) => m.Subject)).toEqual([
      'Payroll export tool',
    ]);

    await row('Payroll export tool').click();
    await page.getByTestId('filter-decision').waitFor();
    await page.screenshot({ path: join(screenshots, 'quarantine-released-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'quarantine-released-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('says when clamd does not answer, what happens to mail meanwhile, and the fix', async () => {
    await clamd.stop();
    await page.getByTestId('scanner-check').click();
    await expect
      .poll(() => page.getByTestId('scanner-state').innerText())
      .toBe(
        `clamd does not answer at ${clamd.address}. Meanwhile each message is refused with 451 4.7.0 and its client retries later (When clamd cannot be reached: Defer).\n\n` +
          `Fix: start clamd listening at ${clamd.address} (it takes a while to load its database), or correct the clamd address in Settings. Check again`,
      );
    await page.screenshot({ path: join(screenshots, 'quarantine-clamd-down-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'quarantine-clamd-down-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows the scanner state and the attachment group as written in Settings', async () => {
    await page.goto(`${relaydesk.url}#settings`);
    const section = page.locator('#section-filtering');
    await expect
      .poll(() => section.getByTestId('scanner-state').innerText())
      .toMatch(/^clamd does not answer at /);
    const policy = section.getByLabel('Attachment policy (JSON; empty: none)');
    const written = JSON.parse(await policy.inputValue()) as { types: string[] };
    expect(written.types).toEqual(['executable', 'iso']);
    expect(gui.pageErrors).toEqual([]);
  });
});
