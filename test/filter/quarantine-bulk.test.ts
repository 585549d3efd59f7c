// Releasing quarantined mail from the mail list's selection, in Debian's Chromium against the
// headless server, with a real clamd (the EICAR signature) and a real upstream: the bulk bar's
// Release lets the quarantined messages out through the quarantine's release after a confirm
// that counts the viruses (nothing goes without the tick), releases held queue mail as before,
// and says what happened to each; a held message's Delivery view offers Release… rather than
// queue actions the relay refuses; the answering scanner's strip is one line in a narrow list.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  MessageDecisions,
  MessageDelivery,
  MessagesPage,
} from '../../preload/api-contract.js';
import { recordSaid } from '../e2e/browser.js';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { clamdTool, eicar, startClamd, type TestClamd } from '../helpers/clamd.js';
import { eventually } from '../helpers/eventually.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { stripIsOneLine, stripWordsAreWhole } from './scanner-strip.js';

const chromiumPath = requireTool(tools.chromium);
const clamdPath = requireTool(clamdTool);

describe.skipIf(!chromiumPath || !clamdPath)('releasing quarantined mail in bulk', () => {
  let gui: Gui;
  let clamd: TestClamd;
  let upstream: RunningUpstream;
  let relaydesk: TestRelaydesk;
  let page: Page;
  const ids = new Map<string, string>();

  const rows = () => page.getByTestId('message-row');
  const row = (subject: string) => rows().filter({ hasText: subject });
  const post = (path: string, body: unknown) =>
    relaydesk.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const idOf = (subject: string) => ids.get(subject) as string;
  const decisions = (subject: string) =>
    relaydesk.api<MessageDecisions>(`/api/v1/message/${idOf(subject)}/filter`);
  const status = async (subject: string) =>
    (await relaydesk.api<MessageDelivery>(`/api/v1/message/${idOf(subject)}/delivery`)).status;
  const stillHeld = async () =>
    (await relaydesk.api<MessagesPage>('/api/v1/quarantine')).messages.map((m) => m.Subject).sort();
  const selectedSubjects = async () =>
    (
      await page
        .locator('[data-testid="message-row"][aria-selected="true"]')
        .evaluateAll((found) =>
          found.map((el) => el.querySelector('.row-subject-text')?.textContent),
        )
    ).map((text) => (text ?? '').trim());
  /** Both schemes, the page as it is. */
  const shoot = async (name: string, target: Page | ReturnType<Page['getByTestId']> = page) => {
    await target.screenshot({ path: join(screenshots, `${name}-light.png`) });
    await page.emulateMedia({ colorScheme: 'dark' });
    await target.screenshot({ path: join(screenshots, `${name}-dark.png`) });
    await page.emulateMedia({ colorScheme: 'light' });
  };

  beforeAll(async () => {
    clamd = await startClamd(clamdPath as string, Buffer.from('not used here'));
    upstream = await startUpstreamServer({ tls: 'none' });
    gui = await startGui(chromiumPath as string, {
      settings: {
        clamd: clamd.address,
        mode: 'rules',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
        attachments: { types: ['executable'], action: 'quarantine' },
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
    // nothing leaves until the bulk release is done: what it released is still waiting to be
    // read back, and the held message stays held until then
    expect((await post('/api/v1/relay/pause', { reason: 'the test looks first' })).status).toBe(
      200,
    );
    const exe = (name: string) => [{ filename: name, content: 'a legitimate program\n' }];
    const mail = [
      { subject: 'Overdue invoice', text: `open the attachment\n${eicar}\n` },
      { subject: 'Second reminder', text: `still unpaid\n${eicar}\n` },
      { subject: 'Payroll export tool', text: 'the tool', attachments: exe('payroll-tool.exe') },
      { subject: 'Firmware flasher', text: 'the flasher', attachments: exe('flasher.exe') },
      { subject: 'Weekly report', text: 'numbers' },
    ];
    for (const message of mail) {
      await gui.send({
        from: 'billing@company.example',
        to: 'accountant@partner.example',
        ...message,
      });
      const found = await relaydesk.api<MessagesPage>(
        `/api/v1/search?query=${encodeURIComponent(`subject:"${message.subject}"`)}`,
      );
      ids.set(message.subject, found.messages[0]?.ID as string);
    }
    // released from the quarantine a moment ago (another window, the CLI)
    expect((await post(`/api/v1/quarantine/${idOf('Firmware flasher')}/release`, {})).status).toBe(
      200,
    );
    // held in the queue by hand
    expect((await post('/api/v1/queue/hold', { IDs: [idOf('Weekly report')] })).status).toBe(200);
    expect(await status('Weekly report')).toBe('held');
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
    await clamd?.stop();
  });

  it("offers the quarantine's Release… in a held message's Delivery view, not the queue's actions", async () => {
    await gui.openTab('Overdue invoice', 'Delivery');
    const delivery = page.getByTestId('delivery-view');
    await eventually(() => delivery.getByTestId('recipient-state').allInnerTexts()).toEqual([
      'Held in the quarantine (sent only if released)',
    ]);
    // the relay refuses each of them for a quarantined message: none is offered
    for (const action of ['Resend', 'Retry now', 'Hold', 'Release', 'Cancel'])
      expect(await delivery.getByRole('button', { name: action, exact: true }).count()).toBe(0);
    expect(await delivery.getByTestId('delivery-held-note').innerText()).toBe(
      'Held in the quarantine: Retry, Hold, Cancel and Resend apply once it is released.',
    );
    await shoot('quarantine-delivery-actions');
    await page.setViewportSize({ width: 640, height: 560 });
    await shoot('quarantine-delivery-actions-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    await delivery.getByTestId('delivery-release-quarantined').click();
    const dialog = page.getByTestId('release-dialog');
    expect(await dialog.getByRole('heading').innerText()).toBe(
      'Release a message that carries a virus?',
    );
    expect(await dialog.getByTestId('release-confirm').isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Keep in quarantine' }).click();
    await eventually(() => dialog.count()).toBe(0);
    expect((await decisions('Overdue invoice')).Filter?.released).toBeUndefined();
    await page.getByRole('tab', { name: 'Text' }).click();
  });

  it('counts the viruses in the confirm, and releases nothing without the tick', async () => {
    await eventually(() => rows().count()).toBe(5);
    await row('Weekly report').click();
    await row('Overdue invoice').click({ modifiers: ['Shift'] });
    await eventually(() => page.getByTestId('selected-count').innerText()).toBe('5 selected');
    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Release' }).click();
    const dialog = page.getByTestId('bulk-release-dialog');
    await eventually(() => dialog.getByRole('heading').innerText()).toBe(
      'Release 3 messages from the quarantine?',
    );
    expect(await dialog.getByTestId('bulk-release-virus-warning').innerText()).toBe(
      '2 of them carry a virus: clamd found Relaydesk.Test.EICAR.UNOFFICIAL. Releasing them sends the viruses to their recipients.',
    );
    // each reason once, however many messages share it
    expect(
      (await dialog.getByTestId('bulk-release-reasons').innerText()).split('\n').sort(),
    ).toEqual([
      'attachment "payroll-tool.exe": .exe files are not allowed',
      'virus found: Relaydesk.Test.EICAR.UNOFFICIAL',
    ]);
    expect(await dialog.innerText()).toContain(
      'The other 2 messages selected are not quarantined: what of them is held in the queue is released, as Release does.',
    );
    expect(await dialog.getByText('I know 2 of these carry a virus').count()).toBe(1);
    const confirm = dialog.getByTestId('bulk-release-confirm');
    expect(await confirm.innerText()).toBe('Release, viruses included');
    expect(await confirm.isDisabled()).toBe(true);
    await shoot('quarantine-bulk-release');
    await page.setViewportSize({ width: 640, height: 560 });
    await shoot('quarantine-bulk-release-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    await dialog.getByRole('button', { name: 'Keep in quarantine' }).click();
    await eventually(() => dialog.count()).toBe(0);
    // nothing went: neither the quarantined messages nor the held one
    expect(await stillHeld()).toEqual([
      'Overdue invoice',
      'Payroll export tool',
      'Second reminder',
    ]);
    expect(await status('Weekly report')).toBe('held');
  });

  it('releases the quarantined and the held messages once ticked, and says what became of each', async () => {
    const { said } = await recordSaid(page.getByTestId('bulk-said'));
    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Release' }).click();
    const dialog = page.getByTestId('bulk-release-dialog');
    await dialog.getByTestId('bulk-release-virus-confirm').check();
    await dialog.getByTestId('bulk-release-confirm').click();
    await eventually(() => dialog.count()).toBe(0);
    const outcome = page.getByTestId('bulk-outcome');
    await eventually(() => outcome.getByTestId('bulk-outcome-summary').innerText()).toBe(
      '4 released, 1 already released',
    );
    // one released before has what was asked for: said, not raised as an alarm, by the polite
    // region there before (the outcome, drawn with its words, is no second region saying them)
    await eventually(said).toEqual(['4 released, 1 already released']);
    expect(await page.getByRole('status').filter({ hasText: '4 released' }).count()).toBe(1);
    expect(await outcome.getAttribute('role')).toBe(null);
    await outcome.getByText('Which, and why').click();
    expect(await outcome.getByTestId('bulk-outcome-details').innerText()).toBe(
      '“Firmware flasher”: already released from the quarantine, before this; nothing of it is held now',
    );
    // what was released left the selection (it said "5 selected" after the release); the one
    // the release could not handle stays selected, in the bar, beside the outcome that says why
    await eventually(() => page.getByTestId('selected-count').innerText()).toBe('1 selected');
    expect(await selectedSubjects()).toEqual(['Firmware flasher']);
    expect(await outcome.count()).toBe(1);
    await shoot('quarantine-bulk-outcome');
    await page.setViewportSize({ width: 640, height: 560 });
    await shoot('quarantine-bulk-outcome-narrow', page.getByTestId('message-list-pane'));
    await page.setViewportSize({ width: 1280, height: 800 });

    expect(await stillHeld()).toEqual([]);
    for (const subject of ['Overdue invoice', 'Second reminder', 'Payroll export tool'])
      expect((await decisions(subject)).Filter?.released).toMatch(/^\d{4}-/);
    expect(await status('Weekly report')).toBe('queued');
    expect((await post('/api/v1/relay/resume', {})).status).toBe(200);
    // each relayed once: the three released now, the one released before, the held one
    await eventually(() => upstream.messages.length).toBe(5);
    expect(gui.pageErrors).toEqual([]);
  });

  it('keeps the answering scanner to one line in the narrowest list, the rest behind Details', async () => {
    await page.setViewportSize({ width: 640, height: 560 });
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-quarantine').click();
    const list = page.getByTestId('message-list-pane');
    expect(await list.evaluate((el) => el.clientWidth)).toBe(240);
    const strip = list.getByTestId('scanner-state');
    await eventually(() => strip.innerText()).toMatch(/^clamd answers\s+Details$/);
    const oneLine = () => stripIsOneLine(strip);
    expect(await oneLine()).toBe(true);
    expect(await stripWordsAreWhole(strip)).toBe(true);
    await shoot('quarantine-clamd-answers-narrow', list);
    await strip.getByTestId('scanner-details').click();
    await eventually(() => strip.innerText()).toMatch(
      new RegExp(
        `^clamd answers at ${clamd.address}: messages are scanned\\. Check again\\s*Less$`,
      ),
    );
    await shoot('quarantine-clamd-answers-narrow-open', list);
    await strip.getByTestId('scanner-check').click();
    await eventually(() => strip.innerText()).toContain('messages are scanned. Check again');
    await strip.getByTestId('scanner-details').click();
    await eventually(() => strip.innerText()).toMatch(/^clamd answers\s+Details$/);
    expect(await oneLine()).toBe(true);
    // the whole sentence where there is room, with no Details button
    await page.setViewportSize({ width: 1280, height: 800 });
    await eventually(() => strip.innerText()).toBe(
      `clamd answers at ${clamd.address}: messages are scanned. Check again`,
    );
    await shoot('quarantine-clamd-answers', list);
    expect(gui.pageErrors).toEqual([]);
  });
});
