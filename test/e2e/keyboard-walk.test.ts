// What a walk through the GUI by keyboard alone found (light and dark, 1280×800 and 800×600),
// each checked in Chromium against the real headless server with mail sent over SMTP.
import { createServer } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('a keyboard walk through the GUI', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('every Settings section link, pressed with Enter, puts the focus in its section', async () => {
    await gui.openLive('#settings');
    const nav = page.getByRole('navigation', { name: 'Settings sections' });
    await page.locator('#section-appearance').waitFor();
    const links = await nav.getByRole('link').all();
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) {
      const target = (await link.getAttribute('href'))?.slice(1) ?? '';
      await link.focus();
      await page.keyboard.press('Enter');
      // Filtering & senders' first button (the scanner line's Details) is not drawn here: the
      // focus stayed on the link, so the next Tab went to the next link, not into the section
      await eventually(() =>
        page.evaluate(() => document.activeElement?.closest('section')?.id ?? null),
      ).toBe(target);
    }
    expect(gui.pageErrors).toEqual([]);
  });

  /** The name of the element with the focus, as a screen reader would say it (no roles). */
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return '(body)';
      return element.id || element.textContent?.replace(/\s+/g, ' ').trim() || element.tagName;
    });

  it('SMTP users: the focus stays in the list as a user is removed or a password set', async () => {
    for (const name of ['alpha', 'beta', 'gamma']) {
      const added = await gui.relaydesk.fetch('/api/v1/users', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, password: `a-long-password-of-${name}` }),
      });
      expect(added.status, await added.text()).toBeLessThan(300);
    }
    // a page loaded afresh, which reads the users just added
    await page.goto('about:blank');
    await gui.openLive('#settings');
    const access = page.locator('#section-access');
    const button = (name: string) => access.getByRole('button', { name, exact: true });
    await button('Remove beta').focus();
    await page.keyboard.press('Enter');
    // the row and its button are gone: the focus went to the page's body, and the next Tab
    // started at the top of the window
    await eventually(focused).toBe('Remove gamma');
    await page.keyboard.press('Enter');
    // the last row: the previous one's
    await eventually(focused).toBe('Remove alpha');

    // the password form opens under the list: the focus goes to its box, and back when it closes
    await button('Change password of alpha').focus();
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('user-new-password');
    await access.getByRole('button', { name: 'Cancel', exact: true }).focus();
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('Change password of alpha');
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('user-new-password');
    await page.keyboard.type('another-long-password');
    await page.keyboard.press('Enter');
    await access.getByText("Changed alpha's password.").waitFor();
    expect(await focused()).toBe('Change password of alpha');

    // the only one left: Add's name box
    await button('Remove alpha').focus();
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('user-add-name');
    expect(gui.pageErrors).toEqual([]);
  });

  it('routing rules: Move keeps the focus on the rule moved, Delete on the next rule', async () => {
    await page.goto('about:blank');
    await gui.openLive('#settings');
    const routing = page.locator('#section-routing');
    const add = routing.getByRole('button', { name: 'Add rule', exact: true });
    // Add rule puts the focus in the new rule's name: it is drawn above the button, where the
    // focus left on Add rule was a dozen Shift+Tabs away
    for (const [index, name] of ['first', 'second', 'third'].entries()) {
      await add.focus();
      await page.keyboard.press('Enter');
      await eventually(focused).toBe(`setting-rules-${index}-name`);
      await page.keyboard.type(name);
    }
    const names = routing.getByRole('textbox', { name: /^Name of rule \d$/ });
    const order = () =>
      names.evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).value));

    // "first" to the bottom by pressing Move down twice: the focus stayed in place, so the
    // second press moved "second" (now on top) back down under "first"
    await routing.getByRole('button', { name: 'Move down first', exact: true }).focus();
    await page.keyboard.press('Enter');
    await eventually(order).toEqual(['second', 'first', 'third']);
    await page.keyboard.press('Enter');
    await eventually(order).toEqual(['second', 'third', 'first']);
    // at the bottom its Move down is off: the focus is on its Move up
    await eventually(focused).toBe('Move up first');
    await page.keyboard.press('Enter');
    await eventually(order).toEqual(['second', 'first', 'third']);
    await eventually(focused).toBe('Move up first');

    // Delete: the next rule's Delete, the previous one's for the last, then Add rule
    await routing.getByRole('button', { name: 'Delete first', exact: true }).focus();
    await page.keyboard.press('Enter');
    await eventually(order).toEqual(['second', 'third']);
    await eventually(focused).toBe('Delete third');
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('Delete second');
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('Add rule');
    expect(gui.pageErrors).toEqual([]);
  });

  it('in a short window, the header fields that scroll in their box can be scrolled by keyboard', async () => {
    // no Date, no Message-ID: both are said in the header, under its other fields
    await gui.send({
      envelope: { from: 'app@example.test', to: ['bob@example.test'] },
      raw: [
        'From: Promo <promo@example.test>',
        'To: bob@example.test',
        'Subject: Header problems',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Hello.',
        '',
      ].join('\r\n'),
    });
    await page.setViewportSize({ width: 800, height: 600 });
    try {
      await gui.openLive();
      await gui.openMessage('Header problems');
      const header = page.locator('.message-header');
      const problem = header.getByText(/^No Message-ID/);
      await problem.waitFor();
      await eventually(() => header.evaluate((box) => box.scrollHeight > box.clientHeight)).toBe(
        true,
      );
      // nothing in it past Add a tag to Tab to: the problems under it could not be reached
      await header.getByRole('button').first().focus();
      await page.keyboard.press('Shift+Tab');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
        'Message header (scrolls)',
      );
      await page.keyboard.press('End');
      await eventually(() =>
        header.evaluate((box) => box.scrollTop + box.clientHeight >= box.scrollHeight - 1),
      ).toBe(true);
      const [shown, box] = await Promise.all([problem.boundingBox(), header.boundingBox()]);
      expect(shown && box && shown.y + shown.height <= box.y + box.height + 1).toBe(true);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
    expect(gui.pageErrors).toEqual([]);
  });

  it('Analyze and Test connection keep the focus on their button while they work', async () => {
    await gui.openLive();
    await page.keyboard.press('a');
    const dialog = page.getByRole('dialog', { name: 'Analyze headers' });
    await dialog
      .getByRole('textbox')
      .fill(
        'Received: from a.example ([192.0.2.1]) by b.example with ESMTP id 1; Mon, 7 Dec 2026 07:00:00 +0000\nSubject: hello\n',
      );
    await dialog.getByRole('button', { name: 'Analyze', exact: true }).focus();
    await page.keyboard.press('Enter');
    // disabled while it worked, the button dropped the focus to the page's body
    await dialog.getByText('b.example').first().waitFor();
    await eventually(focused).toBe('Analyze');
    await page.keyboard.press('Escape');

    await page.goto('about:blank');
    await gui.openLive('#settings');
    const upstream = page.locator('#section-upstream');
    await upstream.getByLabel('Relay through an upstream smart host').check();
    // a port nothing listens on: the test fails at once, as a mistyped port does
    await upstream.getByLabel('Upstream host', { exact: true }).fill('127.0.0.1');
    await upstream.getByLabel('Upstream port', { exact: true }).fill(String(await closedPort()));
    await upstream.getByLabel(/^Security/).selectOption('none');
    const test = upstream.getByRole('button', { name: 'Test connection', exact: true });
    await test.focus();
    await page.keyboard.press('Enter');
    await upstream.locator('.test-verdict, .field-error').first().waitFor();
    await eventually(focused).toBe('Test connection');
    expect(gui.pageErrors).toEqual([]);
  });

  it('sending quotas: after Remove the focus is on the Remove in its place, else Add', async () => {
    await page.goto('about:blank');
    await gui.openLive('#settings');
    const quotas = page.getByRole('group', { name: 'Sending quotas' });
    await quotas.getByRole('button', { name: 'Add a quota', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    const remove = (n: number) => quotas.getByRole('button', { name: `Remove quota ${n}` });
    await remove(2).waitFor();
    // the last one's button goes with it: the focus fell to the page's body
    await remove(2).focus();
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('Remove quota 1');
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('Add a quota');
    expect(gui.pageErrors).toEqual([]);
  });
});

/** A loopback port nothing listens on: listened on, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

describe.skipIf(!chromiumPath)('the focus after a button that leaves its page', () => {
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: await closedPort(), security: 'none' },
      },
    });
    page = gui.page;
    await gui.send({
      from: 'app@example.test',
      to: 'customer@example.com',
      subject: 'Order confirmation',
      text: 'Thanks.',
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  /** The focused element's tag and words, '(body)' when the focus is lost. */
  const focused = () =>
    page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) return '(body)';
      return `${element.tagName.toLowerCase()}: ${element.textContent?.trim() ?? ''}`;
    });

  it('lands on the message opened from the Queue, on the session opened from a message', async () => {
    await page.goto('about:blank');
    await gui.openLive('#queue');
    const entry = page.locator('[data-testid="queue-entry"][data-address="customer@example.com"]');
    await eventually(() => entry.getAttribute('data-state')).toBe('deferred');
    await entry.getByRole('button', { name: 'Order confirmation' }).focus();
    await page.keyboard.press('Enter');
    // the Queue and its button are gone: the focus fell to the body, and the next Tab went to
    // the search box at the top of the window
    await eventually(focused).toBe('h2: Order confirmation');

    await page.getByRole('link', { name: 'SMTP session', exact: true }).focus();
    await page.keyboard.press('Enter');
    await eventually(focused).toMatch(/^h3: Session from 127\.0\.0\.1/);
    expect(gui.pageErrors).toEqual([]);
  });

  it('a message opened from the Queue or a session is shown, not the Senders pane left open', async () => {
    await page.goto('about:blank');
    await gui.openLive();
    await page.getByRole('button', { name: /^More actions/ }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Senders' }).click();
    await page.getByTestId('suspensions').waitFor();
    await page.getByTestId('nav-queue').click();
    await page.getByRole('button', { name: 'Order confirmation' }).click();
    // the pane still showed Suspended senders: the message asked for was nowhere
    await eventually(() => page.getByTestId('message-subject').count()).toBe(1);
    expect(await page.getByTestId('suspensions').count()).toBe(0);

    await page.getByRole('button', { name: /^More actions/ }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Senders' }).click();
    await page.getByTestId('suspensions').waitFor();
    await page.getByTestId('nav-sessions').click();
    await page
      .getByRole('button', { name: /^Show the session/ })
      .first()
      .click();
    await page.getByRole('button', { name: /^Open message / }).click();
    await eventually(() => page.getByTestId('message-subject').count()).toBe(1);
    expect(await page.getByTestId('suspensions').count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });

  it('lands on Suspended senders opened from Settings', async () => {
    await page.goto('about:blank');
    await gui.openLive('#settings');
    await page.getByTestId('open-senders').focus();
    await page.keyboard.press('Enter');
    await eventually(focused).toBe('h2: Suspended senders');
    // and goes on into the pane
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('.suspensions'))).toBe(true);
    expect(gui.pageErrors).toEqual([]);
  });
});
