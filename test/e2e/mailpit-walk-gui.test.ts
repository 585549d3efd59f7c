// A day of Mailpit's web UI done in Relaydesk's, in Chromium against the real headless server with
// mail sent over SMTP: what a developer coming from Mailpit noticed was worse. A message with a
// tall header opens at its top (its subject and toolbar in sight, not scrolled away to show the
// tab row), its subject running on under its buttons. The Links tab says what its check does
// before it is run, and lays its results out with the links readable, a blocked private link
// naming the Settings box that allows it. The Spam tab (a real spamd) gives the rules the width
// in a 900 px window, the points a narrow column. Resend is offered once an upstream is set (it
// could only be refused before), and a refused one says so as an error. "All operators" after the search hint lists every operator Mailpit's search
// has (the hint names nine and is cut under ~1100 px).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSpamd, type RunningSpamd } from '../helpers/spamd.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';
import { fillLocalUpstream } from './upstream-form.js';
import { unusedPort } from '../helpers/ports.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('a Mailpit user’s day in the GUI', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 800 } });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  const shoot = async (name: string) => {
    await page.screenshot({ path: join(screenshots, `${name}-light.png`) });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, `${name}-dark.png`) });
    await page.emulateMedia({ colorScheme: 'light' });
  };

  it('opens a message with a long subject and many recipients at its top, its toolbar in sight', async () => {
    const subject = (n: number) =>
      `Quarterly statement ${'with a subject far longer than any pane is wide '.repeat(26)}no. ${n}`;
    for (const n of [1, 2]) {
      await gui.send({
        from: 'Newsletter Team <news@example.test>',
        to: Array.from({ length: 40 }, (_, i) => `User ${i} <user${i}@example.test>`),
        cc: Array.from({ length: 15 }, (_, i) => `cc${i}@example.test`),
        subject: subject(n),
        text: 'Many recipients.',
        html: '<p>Many recipients.</p>',
      });
    }
    // where the tab row lies under such a header, in a window tall enough to hold it all
    await page.setViewportSize({ width: 1280, height: 1400 });
    await page.goto(gui.relaydesk.url);
    await gui.openMessage(subject(1));
    const tabRow = await page.getByRole('tablist').boundingBox();
    // then a window whose bottom edge cuts that row, as a 1280x800 one did the walk's message;
    // taller than 760 px, where the header is laid out as measured (a shorter one compacts it)
    const height = Math.round((tabRow?.y ?? 0) + 15);
    expect(height).toBeGreaterThan(770);
    await page.setViewportSize({ width: 1280, height });
    await page.goto(gui.relaydesk.url);
    await gui.openMessage(subject(2));
    // showing the chosen tab must not scroll the pane down to the row: it hid the subject's
    // first line and Mark unread, Delete, Download .eml
    const pane = page.locator('.message-pane');
    // the tab is scrolled into sight by an effect after the panel renders: once the panel's
    // content is there and two frames have passed, that has happened
    await page.locator('#message-tab-panel iframe').waitFor();
    await page.evaluate(
      () =>
        new Promise<void>((done) =>
          requestAnimationFrame(() => requestAnimationFrame(() => done())),
        ),
    );
    expect(await pane.evaluate((element) => element.scrollTop)).toBe(0);
    const paneTop = (await pane.boundingBox())?.y ?? 0;
    const subjectTop = (await page.getByTestId('message-subject').boundingBox())?.y ?? -1;
    expect(subjectTop).toBeGreaterThanOrEqual(paneTop);
    const deleteButton = page.getByRole('button', { name: 'Delete', exact: true });
    expect((await deleteButton.boundingBox())?.y ?? -1).toBeGreaterThanOrEqual(paneTop);
    // and the subject's lines run on under the buttons, across the pane, rather than down a
    // column beside them (14 lines a third of the pane wide)
    const actionsLeft = (await page.getByRole('toolbar', { name: 'This message' }).boundingBox())
      ?.x;
    const widestLine = await page.getByTestId('message-subject').evaluate((heading) => {
      const range = document.createRange();
      range.selectNodeContents(heading);
      return Math.max(...Array.from(range.getClientRects(), (line) => line.right));
    });
    expect(widestLine).toBeGreaterThan((actionsLeft ?? 0) + 100);
    await shoot('mailpit-walk-tall-header');

    // choosing a tab from the keyboard still brings it into sight along the row
    await page.setViewportSize({ width: 900, height: 650 });
    await page.getByTestId('tab-html').focus();
    await page.keyboard.press('End');
    const spam = page.getByTestId('tab-spam');
    await eventually(() => spam.getAttribute('aria-selected')).toBe('true');
    const row = await page.getByRole('tablist').boundingBox();
    const tab = await spam.boundingBox();
    expect(tab && row && tab.x + tab.width <= row.x + row.width + 1).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('the Links tab says what its check does, and shows a blocked private link readably', async () => {
    const subject = 'Links to the staging box';
    await gui.send({
      from: 'app@example.test',
      to: 'bob@example.test',
      subject,
      text: 'See the HTML.',
      html: [
        '<p><a href="http://127.0.0.1:9/confirm?token=0123456789abcdef">Confirm</a>',
        '<a href="http://10.1.2.3/account/settings/notifications">Settings</a></p>',
      ].join('\n'),
    });
    await page.goto(gui.relaydesk.url);
    await gui.openTab(subject, 'Links');
    // before it runs: what it asks of whom, as Mailpit's tab says
    expect(await page.getByTestId('link-check-about').innerText()).toMatch(
      /HEAD request.*one-time link.*Those servers see the requests/s,
    );
    await page.getByTestId('link-check-run').click();
    const rows = page.getByTestId('link-check-row');
    await eventually(() => rows.count()).toBe(2);
    expect(await page.getByTestId('link-check-about').count()).toBe(0);
    const first = rows.filter({ hasText: '127.0.0.1:9/confirm' });
    // the Settings box, not the command-line flag the window has no place for; said once for
    // both links it blocked
    // short to the eye (the setting's label made the cell 7 lines tall), said once under the
    // table; a screen reader in the table hears the setting there too
    expect(await first.locator('th .check-status-words').innerText()).toBe(
      'Blocked: internal address',
    );
    expect(await first.locator('th .check-status-count').textContent()).toBe(' (2 links)');
    expect(await first.locator('th .visually-hidden').textContent()).toBe(
      'Blocked private/reserved address (ticking “The link check and the HTML screenshot’s proxy may reach this machine and private networks” under Settings → Checks & POP3 allows it)',
    );
    expect(await page.getByTestId('link-check-blocked-note').innerText()).toContain(
      'Ticking “The link check and the HTML screenshot’s proxy may reach this machine and private networks” under Settings → Checks & POP3 allows it.',
    );
    expect(await page.getByTestId('link-check-group').count()).toBe(1);
    expect(await first.innerText()).not.toMatch(/--allow-internal/);
    // the status wraps in its column; the link keeps the rest of the pane (it had ~20 px, a
    // letter a line, past the pane's right edge)
    const link = await first.locator('td').boundingBox();
    const pane = await page.locator('.message-pane').boundingBox();
    expect(link?.width ?? 0).toBeGreaterThan(300);
    expect((link?.x ?? 0) + (link?.width ?? 0)).toBeLessThanOrEqual(
      (pane?.x ?? 0) + (pane?.width ?? 0) + 1,
    );
    expect(await first.locator('td').innerText()).toBe(
      'http://127.0.0.1:9/confirm?token=0123456789abcdef',
    );
    await shoot('mailpit-walk-link-check');
    expect(gui.pageErrors).toEqual([]);
  });

  it('lists every search operator, the hint line cut or not, and the examples find what they say', async () => {
    await gui.send({
      from: 'Ada <ada@example.com>',
      to: 'bob@example.test',
      cc: 'carol@example.test',
      subject: 'Copied to Carol',
      text: 'Hello.',
    });
    // 900 px: the hint under the box is cut ("has:attac…"); the link to the whole list is not
    await page.setViewportSize({ width: 900, height: 650 });
    await page.goto(gui.relaydesk.url);
    const help = page.getByRole('button', { name: 'All operators' });
    const box = await help.boundingBox();
    expect(box && box.x + box.width <= 900).toBe(true);
    await help.click();
    const dialog = page.getByRole('dialog', { name: 'Search operators' });
    await dialog.waitFor();
    const listed = await dialog.innerText();
    for (const operator of ['cc:', 'bcc:', 'reply-to:', 'addressed:', 'message-id:', 'tag:']) {
      expect(listed).toContain(operator);
    }
    for (const operator of ['is:read', 'is:tagged', 'has:inline', 'larger:', 'smaller:', '!tag:']) {
      expect(listed).toContain(operator);
    }
    await shoot('mailpit-walk-search-help');
    // Esc closes it and gives the focus back to the link
    await page.keyboard.press('Escape');
    await eventually(() => dialog.count()).toBe(0);
    expect(await help.evaluate((element) => element === document.activeElement)).toBe(true);
    // an example from the list, typed as it is shown, finds the message it describes
    await page.getByTestId('search-input').fill('cc:carol');
    await page.getByTestId('search-input').press('Enter');
    await eventually(() => page.getByTestId('message-row').allInnerTexts()).toEqual([
      expect.stringContaining('Copied to Carol'),
    ]);
    await page.getByTestId('search-input').fill('');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('offers Resend only with an upstream, and shows a refused one as the error it is', async () => {
    const subject = 'Password reset for Carol';
    await gui.send({ from: 'app@example.test', to: 'carol@example.test', subject, text: 'Reset.' });
    await gui.send({
      from: 'app@example.test',
      to: 'dan@example.test',
      subject: 'Welcome, Dan',
      text: 'Hi.',
    });
    await page.goto(gui.relaydesk.url);
    await gui.openTab(subject, 'Delivery');
    // no upstream: a Resend could only be refused (the refusal named a command-line flag)
    const resend = page.getByRole('button', { name: 'Resend', exact: true });
    await eventually(() => resend.isDisabled()).toBe(true);
    await expect(
      resend
        .getAttribute('aria-describedby')
        .then((id) => page.locator(`[id="${id}"]`).innerText()),
    ).resolves.toBe(
      'Resend sends through an upstream smart host, and none is set: set one in Settings → Upstream.',
    );
    await shoot('mailpit-walk-resend-no-upstream');
    // nor in the bar of the messages selected
    const row = (text: string) => page.getByTestId('message-row').filter({ hasText: text });
    await row(subject).click();
    await row('Welcome, Dan').click({ modifiers: ['Shift'] });
    await eventually(() => page.getByTestId('selected-count').innerText()).toBe('2 selected');
    const bulkResend = page.getByTestId('bulk-bar').getByRole('button', { name: 'Resend' });
    await expect(bulkResend.isDisabled()).resolves.toBe(true);
    await page.getByTestId('bulk-bar').getByRole('button', { name: 'Clear selection' }).click();

    // an upstream set in Settings (never reached: the Resend below is refused before it goes)
    await page.getByTestId('nav-settings').click();
    await fillLocalUpstream(page, await unusedPort(), 'none');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText(/^Saved\./).waitFor();
    // back to the message in the same window, not reloaded: the save is enough
    await page.getByTestId('nav-all').click();
    await gui.openTab(subject, 'Delivery');
    await eventually(() => resend.isDisabled()).toBe(false);
    await page.getByLabel('Resend to (empty: the same recipients)').fill('carol');
    await resend.click();
    // an alert (heard at once), in the danger colour: it was grey status text like "Resend: done."
    const refusal = page.getByRole('alert').filter({ hasText: 'Resend failed' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toMatch(/"carol" is not an email address/);
    const colours = await refusal.evaluate((element) => {
      const danger = document.createElement('span');
      danger.style.color = 'var(--danger)';
      document.body.append(danger);
      const wanted = getComputedStyle(danger).color;
      danger.remove();
      return { shown: getComputedStyle(element).color, wanted };
    });
    expect(colours.shown).toBe(colours.wanted);
    // its words start where the buttons above them start (the notice's own 16 px padding put
    // them in by that much, inside the tab's padding)
    const textLeft = await refusal.evaluate((element) => {
      const range = document.createRange();
      range.selectNodeContents(element);
      return range.getBoundingClientRect().left;
    });
    const buttonsLeft = (await page.getByRole('button', { name: 'Retry now' }).boundingBox())?.x;
    expect(Math.abs(textLeft - (buttonsLeft as number))).toBeLessThan(1);
    await shoot('mailpit-walk-resend-refused');
    expect(gui.pageErrors).toEqual([]);
  });
});

const spamdPath = requireTool(tools.spamd);

describe.skipIf(!chromiumPath || !spamdPath)('the Spam tab with a real spamd', () => {
  let spamd: RunningSpamd;
  let gui: Gui;

  beforeAll(async () => {
    spamd = await startSpamd(spamdPath as string);
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 900, height: 650 },
      settings: { spamassassin: `${spamd.address.host}:${spamd.address.port}` },
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await spamd?.stop();
  });

  it('gives the rules the width, the points a narrow column, in a 900 px window', async () => {
    const { page } = gui;
    const subject = 'You WON $1,000,000 CLICK NOW';
    await gui.send({
      from: 'winner@lottery.test',
      to: 'you@example.test',
      subject,
      text: 'Congratulations!!! Claim your prize of $1,000,000.00 now, 100% free money, act now!',
    });
    await page.goto(gui.relaydesk.url);
    await gui.openTab(subject, 'Spam');
    const rules = page.getByTestId('spam-rule');
    await eventually(() => rules.count()).toBeGreaterThan(1);
    const points = await rules.first().locator('th').boundingBox();
    const rule = await rules.first().locator('td').boundingBox();
    // the points' column was 220 px of a ~400 px pane, each rule four lines of ~160 px
    expect(points?.width ?? 999).toBeLessThan(100);
    // and its heading on one line, not broken into "Po", "int", "s"
    const heading = await page.getByRole('columnheader', { name: 'Points' }).boundingBox();
    expect(heading?.height ?? 999).toBeLessThan(30);
    expect(rule?.width ?? 0).toBeGreaterThan(250);
    // the description in the text font; the rule's name stays monospace
    const font = (selector: string) =>
      rules
        .first()
        .locator(selector)
        .evaluate((element) => getComputedStyle(element).fontFamily);
    expect(await font('td')).not.toMatch(/mono/i);
    expect(await font('code')).toMatch(/mono/i);
    // the score is on the tab too, in the danger colour for spam (Mailpit's badge)
    const tab = page.getByTestId('tab-spam');
    const score = await page.getByTestId('spam-check-score').locator('strong').innerText();
    expect(await tab.getByTestId('tab-badge').innerText()).toBe(score);
    const spam = (await page.getByTestId('spam-check-score').innerText()).endsWith(': spam');
    expect(await tab.getByTestId('tab-badge').getAttribute('class')).toContain(
      spam ? 'tab-badge-bad' : Number(score) >= 4 ? 'tab-badge-warn' : 'tab-badge-ok',
    );
    expect(
      await page.getByRole('tab', { name: 'Spam', exact: true }).getAttribute('aria-describedby'),
    ).toBeTruthy();
    await page.screenshot({ path: join(screenshots, 'mailpit-walk-spam-900-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'mailpit-walk-spam-900-dark.png') });
    expect(gui.pageErrors).toEqual([]);
  });
});
