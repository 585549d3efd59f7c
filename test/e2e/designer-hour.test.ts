// What a designer's first hour with the GUI left (a developer's day of mail, relayed through an
// upstream that refuses one recipient, every screen light and dark at 1280×800 and 800×600), in
// Chromium against the real headless server with mail sent over SMTP: a message opened on the tab
// the last one was left on, the message's buttons smaller than the others, the Delivery tab's
// state badge small beside its label, a dashed "Open .eml file" button, and Upstream's
// placeholders cut off in their boxes.
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from '../helpers/delivery.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';
import { upstreamSection } from './upstream-form.js';

const chromiumPath = requireTool(tools.chromium);

const windows = [
  { width: 1280, height: 800 },
  { width: 800, height: 600 },
] as const;

/** Light and dark screenshots of the page as it is, named `designer-<name>-<scheme>.png`. */
async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(screenshots, `designer-${name}-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const height = (locator: Locator) =>
  locator.evaluate((element) => Math.round(element.getBoundingClientRect().height * 10) / 10);

describe.skipIf(!chromiumPath)("a designer's first hour with the GUI, in Chromium", () => {
  let upstream: RunningUpstream;
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    upstream = await startUpstreamServer({
      tls: 'none',
      users: { 'dev@example.com': 'app-password' },
      failures: { rcpt: { 'gone@customer.example': { code: 550, text: '5.1.1 no such user' } } },
    });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: {
          host: '127.0.0.1',
          port: upstream.port,
          security: 'none',
          auth: { user: 'dev@example.com', password: 'app-password' },
        },
      },
      viewport: windows[0],
    });
    page = gui.page;
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  it('opens each message on its content, whatever tab the last one was left on', async () => {
    await gui.deleteAll();
    for (const subject of ['Build #812 passed', 'Build #813 failed']) {
      await gui.send({
        from: 'ci@example.com',
        to: 'dev@example.com',
        subject,
        text: subject,
        html: `<p>${subject}</p>`,
      });
    }
    await gui.send({
      from: 'alerts@example.com',
      to: 'dev@example.com',
      subject: 'Disk 91% full',
      text: 'on build-2',
    });
    await gui.openLive();
    await eventually(() => page.getByTestId('message-row').count()).toBe(3);
    const selected = () =>
      page.getByRole('tablist', { name: 'Message body' }).locator('[aria-selected="true"]');

    // the Spam tab says only that SpamAssassin is not set up: the next message must not open there
    await gui.openTab('Build #812 passed', 'Spam');
    await page.getByTestId('spam-check-notice').waitFor();
    await gui.openMessage('Build #813 failed');
    await eventually(() => selected().innerText()).toBe('HTML');
    expect(await page.getByTestId('spam-check-notice').count()).toBe(0);

    // nor does a tab every message has carry over, as in Mailpit; without HTML it opens on Text
    await page.getByRole('tab', { name: 'Headers', exact: true }).click();
    await eventually(() => selected().innerText()).toBe('Headers');
    await gui.openMessage('Disk 91% full');
    await eventually(() => selected().innerText()).toBe('Text');
    await page.getByRole('tab', { name: 'Route', exact: true }).click();
    await gui.openMessage('Build #812 passed');
    await eventually(() => selected().innerText()).toBe('HTML');
    await shoot(page, 'opened-on-content');
    expect(gui.pageErrors).toEqual([]);
  });

  /** A message the upstream refused (550 5.1.1), its delivery failed; sent once for the file. */
  let refused: Promise<void> | undefined;
  const refusedMessage = () =>
    (refused ??= (async () => {
      const transport = gui.relaydesk.transport();
      const info = await transport
        .sendMail({
          from: 'ci@example.com',
          to: 'gone@customer.example',
          subject: 'Nightly report',
          text: 'All green.',
        })
        .finally(() => transport.close());
      const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
      await settled(gui.relaydesk, id, (d) => d.status === 'failed');
    })());

  /** The refused message open on its Delivery tab, in a window of `size`. */
  const openDelivery = async (size: { width: number; height: number }) => {
    await refusedMessage();
    await page.setViewportSize(size);
    await gui.openLive();
    await gui.openTab('Nightly report', 'Delivery');
    await page.getByTestId('delivery-view').waitFor();
  };

  it("gives the message's own buttons the size of the list's toolbar buttons and the Delivery tab's", async () => {
    for (const size of windows) {
      await openDelivery(size);
      const list = await height(page.getByTestId('mark-all-read'));
      const delivery = await height(
        page.getByRole('group', { name: 'Delivery actions' }).getByRole('button', {
          name: 'Resend',
          exact: true,
        }),
      );
      const own = {
        read: await height(page.getByTestId('toggle-read')),
        delete: await height(page.getByTestId('delete-message')),
        download: await height(page.getByTestId('download-eml')),
      };
      expect({ ...size, list, delivery, ...own }).toEqual({
        ...size,
        list,
        delivery: list,
        read: list,
        delete: list,
        download: list,
      });
      await shoot(page, `delivery-failed-${size.width}x${size.height}`);
    }
    await page.setViewportSize(windows[0]);
    expect(gui.pageErrors).toEqual([]);
  });

  it('shows the Delivery tab\'s "✕ Failed" at the size of the "Status:" beside it', async () => {
    for (const size of windows) {
      await openDelivery(size);
      // its words and its icon
      const status = await page.locator('.delivery-status').evaluate((line) => {
        const mark = line.querySelector('[data-testid="status-mark"]') as HTMLElement;
        const icon = mark.querySelector('svg') as SVGElement;
        // where each text's line box ends: on one line, one baseline, the same bottom
        const bottom = (text: Node) => {
          const range = document.createRange();
          range.selectNodeContents(text);
          return Math.round(range.getBoundingClientRect().bottom);
        };
        const words = Array.from(mark.childNodes).find((node) => node.nodeType === Node.TEXT_NODE);
        return {
          state: mark.dataset.status,
          label: parseFloat(getComputedStyle(line).fontSize),
          mark: parseFloat(getComputedStyle(mark).fontSize),
          icon: icon.getBoundingClientRect().height,
          labelBottom: bottom(line.firstChild as Node),
          markBottom: bottom(words as Node),
        };
      });
      expect(status).toMatchObject({
        state: 'failed',
        mark: status.label,
        markBottom: status.labelBottom,
      });
      expect(status.icon).toBeGreaterThanOrEqual(status.label * 0.9);
    }
    await page.setViewportSize(windows[0]);
    expect(gui.pageErrors).toEqual([]);
  });

  it('draws "Open .eml file" as the buttons beside it, and rings it when the keyboard reaches it', async () => {
    await gui.openLive();
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    const dialog = page.getByRole('dialog', { name: 'Analyze headers' });
    const file = dialog.locator('label.file-button');
    const analyze = dialog.getByRole('button', { name: 'Analyze', exact: true });
    const look = (locator: Locator) =>
      locator.evaluate((element) => {
        const style = getComputedStyle(element);
        return {
          border: `${style.borderTopStyle} ${style.borderTopWidth} ${style.borderTopColor}`,
          radius: style.borderTopLeftRadius,
          background: style.backgroundColor,
          height: Math.round(element.getBoundingClientRect().height),
        };
      });
    expect(await look(file)).toEqual(await look(analyze));

    // typed into the paste field (so Analyze is enabled and takes the focus on Tab), then Tab:
    // the file input inside the label has the focus, and the label shows the ring
    await dialog.getByRole('textbox').fill('Subject: hello\n');
    await analyze.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe(
      'file',
    );
    const ring = await file.evaluate((label) => {
      const style = getComputedStyle(label);
      return `${style.outlineStyle} ${style.outlineWidth}`;
    });
    expect(ring).toBe('solid 2px');
    await shoot(page, 'analyze-file-button-focused');
    await page.keyboard.press('Escape');
    expect(gui.pageErrors).toEqual([]);
  });

  it("fits each of Settings → Upstream's placeholders in its box", async () => {
    for (const size of windows) {
      await page.setViewportSize(size);
      await gui.openLive('#settings');
      const section = upstreamSection(page);
      await section.getByLabel('Upstream host').waitFor();
      // each placeholder's words in a hidden span of the input's font, against the room inside
      // the input's padding
      const cut = await section.evaluate((element) => {
        const probe = document.createElement('span');
        probe.style.cssText = 'position: absolute; visibility: hidden; white-space: pre;';
        document.body.append(probe);
        const fields = Array.from(element.querySelectorAll<HTMLInputElement>('input[placeholder]'))
          .filter((input) => input.placeholder !== '')
          .map((input) => {
            const style = getComputedStyle(input);
            for (const property of [
              'fontFamily',
              'fontSize',
              'fontWeight',
              'letterSpacing',
            ] as const)
              probe.style[property] = style[property];
            probe.textContent = input.placeholder;
            return {
              placeholder: input.placeholder,
              text: Math.ceil(probe.getBoundingClientRect().width),
              room:
                input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight),
            };
          });
        probe.remove();
        return fields;
      });
      // the fields measured: the host, the user name, the saved password, the CA file, the pin, HELO
      expect(cut.length).toBe(6);
      // with a tenth to spare: another system's font (Segoe UI, SF) sets the words wider
      expect({ ...size, cut: cut.filter((field) => field.text * 1.1 > field.room) }).toEqual({
        ...size,
        cut: [],
      });
      await section.scrollIntoViewIfNeeded();
      await page.getByLabel('CA certificate file (PEM)').scrollIntoViewIfNeeded();
      await shoot(page, `upstream-placeholders-${size.width}x${size.height}`);
    }
    await page.setViewportSize(windows[0]);
    expect(gui.pageErrors).toEqual([]);
  });
});
