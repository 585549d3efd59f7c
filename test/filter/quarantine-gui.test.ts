// The Quarantine view in Debian's Chromium against the headless server, with a real clamd (the
// EICAR signature) and a real upstream: Release of a false positive (a confirm naming the
// reason), a virus that cannot be released without ticking that it is one, the scanner's state
// (answers / does not answer, what happens meanwhile and the fix; on the Quarantine view and in
// the sidebar's quarantine mailbox), rows that say Quarantined until released, flags that keep
// their words in the narrowest list, and the attachment group in Settings as the user wrote it.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { expectFilledDanger } from '../e2e/button-look.js';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import { clamdTool, eicar, startClamd, type TestClamd } from '../helpers/clamd.js';
import { settled } from '../helpers/delivery.js';
import { eventually } from '../helpers/eventually.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { stripIsOneLine, stripWordsAreWhole, wrappedButtonsAreFlush } from './scanner-strip.js';

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
  const rowState = (subject: string) => row(subject).getByTestId('status-mark').innerText();
  /** How many times a row says `word`: its state, its flags and its tag chips together. */
  const timesSaid = async (subject: string, word: string) =>
    ((await row(subject).innerText()).match(new RegExp(`\\b${word}\\b`, 'gi')) ?? []).length;
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
          {
            // mail for the lab is taken unscanned while clamd is away: a NOT-SCANNED flag
            // beside QUARANTINED for an attachment the policy refuses
            match: { recipient: '*@lab.example' },
            action: { type: 'capture' },
            filter: { clamdUnavailable: 'accept' },
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
    // both messages are in All mail too: count the Quarantine view's rows, not the last view's
    await page
      .locator('[data-testid="message-list"][data-view="tag:quarantined"][aria-busy="false"]')
      .waitFor();
    await eventually(() => rows().count()).toBe(2);
    // held by the filter, with no delivery: said as a state, where other rows say Captured
    expect(await rowState('Payroll export tool')).toBe('Quarantined');
    expect(await rowState('Overdue invoice')).toBe('Quarantined');
    // each fact once: the state says Quarantined, so no QUARANTINED flag or chip beside it; the
    // virus is a flag, not a chip as well
    expect(await timesSaid('Payroll export tool', 'quarantined')).toBe(1);
    expect(await timesSaid('Overdue invoice', 'quarantined')).toBe(1);
    expect(await timesSaid('Overdue invoice', 'virus')).toBe(1);
    expect(await row('Overdue invoice').getByTestId('message-row-flag').allInnerTexts()).toEqual([
      'VIRUS',
    ]);
    expect(await row('Overdue invoice').getByTestId('tag-chip').count()).toBe(0);
    // announced as other states are: the state's word first, then Unread and the sender
    expect(
      await page.getByRole('option', { name: /^Quarantined Unread, billing@shady/ }).count(),
    ).toBe(1);
    const scanner = page.getByTestId('scanner-state');
    await eventually(() => scanner.innerText()).toBe(
      `clamd answers at ${clamd.address}: messages are scanned. Check again`,
    );

    await row('Payroll export tool').click();
    await page.getByTestId('release-quarantined').click();
    const dialog = page.getByTestId('release-dialog');
    expect(await dialog.getByRole('heading').innerText()).toBe('Release from the quarantine?');
    expect(await dialog.getByTestId('release-reasons').innerText()).toBe(
      'attachment "payroll-tool.exe": .exe files are not allowed',
    );
    expect(await dialog.getByTestId('release-virus-confirm').count()).toBe(0);
    await dialog.getByTestId('release-confirm').click();
    await eventually(() => dialog.count()).toBe(0);

    const decision = page.getByTestId('filter-decision');
    await eventually(() => decision.innerText()).toMatch(/^Released from the quarantine by hand, /);
    expect(await decision.innerText()).toContain(
      'attachment "payroll-tool.exe": .exe files are not allowed',
    );
    expect(await page.getByTestId('release-quarantined').count()).toBe(0);
    // still in the view, flagged as released (its history), not as held
    await eventually(() =>
      row('Payroll export tool').getByTestId('message-row-flag').innerText(),
    ).toMatch(/^released$/i);
    const id = (await search('subject:"Payroll export tool"')).messages[0]?.ID;
    await settled(relaydesk, id as string, (d) => d.status === 'delivered');
    expect(upstream.messages).toHaveLength(1);
    // released, it says its delivery as any relayed row does
    await eventually(() => rowState('Payroll export tool')).toBe('Delivered');
    expect(await page.getByRole('option', { name: /^Delivered payroll@company/ }).count()).toBe(1);
    // its history said once, as the flag: no chip repeats it, and it no longer says quarantined
    expect(await timesSaid('Payroll export tool', 'released')).toBe(1);
    expect(await timesSaid('Payroll export tool', 'quarantined')).toBe(0);
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
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'quarantine-release-virus-dark.png') });
    // the destructive button of every confirm, filled (before: this one alone was outlined)
    await expectFilledDanger(confirm);
    await page.emulateMedia({ colorScheme: 'light' });
    await expectFilledDanger(confirm);
    await dialog.getByRole('button', { name: 'Keep in quarantine' }).click();
    await eventually(() => dialog.count()).toBe(0);
    expect((await search('tag:released')).messages.map((m) => m.Subject)).toEqual([
      'Payroll export tool',
    ]);
    // its Delivery view says where its recipient stands: held in the quarantine, and why
    await page.getByRole('tab', { name: 'Delivery' }).click();
    const delivery = page.getByTestId('delivery-view');
    await eventually(() => delivery.getByTestId('recipient-state').allInnerTexts()).toEqual([
      'Held in the quarantine (sent only if released)',
    ]);
    expect(await delivery.getByTestId('status-mark').innerText()).toBe('Quarantined');
    expect(await delivery.getByTestId('recipient').innerText()).toContain(
      'held in the quarantine: virus found: Relaydesk.Test.EICAR.UNOFFICIAL',
    );
    await page.screenshot({ path: join(screenshots, 'quarantine-delivery-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'quarantine-delivery-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('tab', { name: 'Text' }).click();

    await row('Payroll export tool').click();
    await page.getByTestId('filter-decision').waitFor();
    await page.screenshot({ path: join(screenshots, 'quarantine-released-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'quarantine-released-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it("shows the scanner's state in the sidebar's quarantine mailbox too", async () => {
    await page.getByTestId('nav-mailbox-quarantine').click();
    // the mailbox holds what is still quarantined; the released message went back to its own
    await eventually(() => rows().count()).toBe(1);
    expect(await rowState('Overdue invoice')).toBe('Quarantined');
    await eventually(() => page.getByTestId('scanner-state').innerText()).toBe(
      `clamd answers at ${clamd.address}: messages are scanned. Check again`,
    );
  });

  it('says when clamd does not answer, what happens to mail meanwhile, and the fix', async () => {
    await clamd.stop();
    await page.getByTestId('scanner-check').click();
    await eventually(() => page.getByTestId('scanner-state').innerText()).toBe(
      `clamd does not answer at ${clamd.address}. Meanwhile each message is refused with 451 4.7.0 and its client retries later (When clamd cannot be reached: Defer).\n\n` +
        `Fix: start clamd listening at ${clamd.address} (it takes a while to load its database), or correct “clamd address (HOST:PORT or Unix socket)” under Settings → Filtering & senders. Check again`,
    );
    await page.screenshot({ path: join(screenshots, 'quarantine-clamd-down-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'quarantine-clamd-down-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('keeps each flag whole in the narrowest list, the subject shortened instead', async () => {
    // clamd is down since the test above: mail for the lab is taken unscanned, and quarantined
    // for its attachment
    await gui.send({
      from: 'builds@company.example',
      to: 'bench@lab.example',
      subject: 'Nightly build of the measurement firmware for the bench rigs',
      text: 'the build',
      attachments: [{ filename: 'firmware-flasher.exe', content: 'a legitimate program\n' }],
    });
    // the narrowest window the desktop app allows (window-state.ts): the list at its 240 px
    await page.setViewportSize({ width: 640, height: 560 });
    // the Quarantine view of all mail: the released message too, beside the held ones
    await page.getByTestId('nav-all').click();
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-quarantine').click();
    await eventually(() => rows().count()).toBe(3);
    expect(await page.getByTestId('message-list-pane').evaluate((el) => el.clientWidth)).toBe(240);
    const nightly = row('Nightly build');
    await eventually(() => nightly.getByTestId('message-row-flag').allInnerTexts()).toEqual([
      'NOT-SCANNED',
    ]);
    expect(await rowState('Nightly build')).toBe('Quarantined');
    for (const subject of ['Nightly build', 'Overdue invoice']) {
      expect(await timesSaid(subject, 'quarantined')).toBe(1);
    }
    expect(await timesSaid('Nightly build', 'not-scanned')).toBe(1);
    const fit = (subject: string) =>
      row(subject)
        .getByTestId('message-row-subject')
        .evaluate((line) => {
          const box = line.getBoundingClientRect();
          const flags = Array.from(line.querySelectorAll('[data-testid="message-row-flag"]'));
          const text = line.querySelector('.row-subject-text');
          return {
            // a flag is whole: none of it past the line's edge, none of its word clipped
            flagsWhole: flags.every(
              (flag) =>
                flag.getBoundingClientRect().right <= box.right + 0.5 &&
                flag.scrollWidth <= flag.clientWidth,
            ),
            ellipsis: text ? getComputedStyle(text).textOverflow : null,
          };
        });
    for (const subject of ['Nightly build', 'Overdue invoice', 'Payroll export tool']) {
      await eventually(() => fit(subject)).toEqual({ flagsWhole: true, ellipsis: 'ellipsis' });
    }
    // the long subject gives way to the flags: shortened, not pushed out of the row
    await eventually(() =>
      nightly.locator('.row-subject-text').evaluate((text) => text.scrollWidth > text.clientWidth),
    ).toBe(true);
    const list = page.getByTestId('message-list-pane');
    // the strip asks clamd again on this view: shot once it has its answer
    await eventually(() => list.getByTestId('scanner-state').innerText()).toMatch(
      /^clamd does not answer/,
    );
    // the clamd-down strip is one line there, the problem and Details (it took half the list)
    const strip = list.getByTestId('scanner-state');
    expect(await strip.innerText()).toMatch(/^clamd does not answer\s+Details$/);
    const oneLine = () => stripIsOneLine(strip);
    expect(await oneLine()).toBe(true);
    expect(await stripWordsAreWhole(strip)).toBe(true);
    // the details and Check again are one click away
    await strip.getByTestId('scanner-details').click();
    await eventually(() => strip.innerText()).toContain(
      `at ${clamd.address}. Meanwhile each message is refused with 451 4.7.0`,
    );
    expect(await strip.innerText()).toContain('Fix: start clamd listening at');
    expect(await strip.getByTestId('scanner-check').isVisible()).toBe(true);
    // Less and Check again start their own lines here: flush with the words, not indented
    expect(await wrappedButtonsAreFlush(strip)).toBe(true);
    await list.screenshot({
      path: join(screenshots, 'quarantine-clamd-down-narrow-open-light.png'),
    });
    await page.emulateMedia({ colorScheme: 'dark' });
    await list.screenshot({
      path: join(screenshots, 'quarantine-clamd-down-narrow-open-dark.png'),
    });
    await page.emulateMedia({ colorScheme: 'light' });
    await strip.getByTestId('scanner-check').click();
    // asked again, still down: the details stay open until Less
    await eventually(() => strip.innerText()).toContain('Fix: start clamd listening at');
    await strip.getByTestId('scanner-details').click();
    await eventually(() => strip.innerText()).toMatch(/^clamd does not answer\s+Details$/);
    expect(await oneLine()).toBe(true);
    await list.screenshot({ path: join(screenshots, 'quarantine-list-narrow-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await list.screenshot({ path: join(screenshots, 'quarantine-list-narrow-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await row('Nightly build').click();
    await page.getByTestId('filter-decision').waitFor();
    await page.screenshot({ path: join(screenshots, 'quarantine-list-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'quarantine-list-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows the scanner state and the attachment group as written in Settings', async () => {
    await page.goto(`${relaydesk.url}#settings`);
    const section = page.locator('#section-filtering');
    await eventually(() => section.getByTestId('scanner-state').innerText()).toMatch(
      /^clamd does not answer at /,
    );
    const policy = section.getByLabel('Attachment policy (JSON; empty: none)');
    const written = JSON.parse(await policy.inputValue()) as { types: string[] };
    expect(written.types).toEqual(['executable', 'iso']);
    expect(gui.pageErrors).toEqual([]);
  });
});
