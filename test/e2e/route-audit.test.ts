// A support engineer's path through the route screens (pasted headers, a dropped file, real mail
// through the relay), where an audit found them misleading: a phish's made-up hops named as the
// origin, a route whose last stamp reads earlier than its first summed as a time taken, and a
// photo or a 30 MB file dropped on the window (the whole file in the text field, a frozen page,
// then "No header fields were found" or "failed with 413"). Real Chromium, real SMTP.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const headerSet = (name: string): Promise<string> =>
  readFile(join(import.meta.dirname, '..', 'route-analysis', 'header-sets', `${name}.eml`), 'utf8');

/** Drops a file made in the page (a DataTransfer cannot cross from Node) on the window. */
async function dropFile(page: Page, kind: 'photo' | 'big'): Promise<void> {
  const transfer = await page.evaluateHandle((what) => {
    const data = new DataTransfer();
    if (what === 'photo') {
      const bytes = new Uint8Array(200_000);
      bytes.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
      for (let i = 10; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
      data.items.add(new File([bytes], 'photo.jpg', { type: 'image/jpeg' }));
    } else {
      // 30 MB of text with no empty line: no header block ends anywhere in it
      data.items.add(
        new File(['X'.repeat(30 * 1024 * 1024)], 'export.txt', { type: 'text/plain' }),
      );
    }
    return data;
  }, kind);
  await page.dispatchEvent('[data-testid=app]', 'drop', { dataTransfer: transfer });
}

describe('route screens, as a support engineer reads them', () => {
  let gui: Gui;
  let page: Page;
  let dialog: Locator;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 900 } });
    page = gui.page;
    dialog = page.getByRole('dialog', { name: 'Analyze headers' });
    await gui.send({
      envelope: { from: 'bounce@mailer.example', to: ['client@victim.example'] },
      raw: await headerSet('forged'),
    });
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  // a failed test leaves its dialog open, which would hide the next test's button
  afterEach(async () => {
    if (await dialog.isVisible()) await page.keyboard.press('Escape');
  });

  const analyze = async (text: string) => {
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    await dialog.getByRole('textbox').fill(text);
    await dialog.getByRole('button', { name: 'Analyze', exact: true }).click();
    await dialog.getByTestId('route-view').waitFor();
  };

  it('names the client the real receiver saw as the origin of a phish, not its made-up hops', async () => {
    await analyze(await headerSet('forged'));
    const hops = dialog.getByTestId('hop');
    await eventually(() => hops.count()).toBe(3);
    // before: "Origin: the message entered the Internet here, from 192.0.2.11" on the forger's Hop 1
    await expect(dialog.getByTestId('hop-origin').count()).resolves.toBe(1);
    expect(await hops.nth(2).getByTestId('hop-origin').innerText()).toBe(
      'Origin: 198.51.100.66, as mx.victim.example saw it; the hops below it were checked by no ' +
        'receiver (the sender’s claim).',
    );
    expect(await hops.nth(2).getByRole('note').innerText()).toMatch(
      /^Hop 3 came from 198\.51\.100\.66, which has no reverse-DNS name; only its own greeting \(HELO bank\.example\)/,
    );
    expect(await dialog.getByTestId('date-to-first-hop').innerText()).toBe(
      'Date header → Hop 3 (the first a receiver vouches for): 1 min 46 s',
    );
    for (const [width, scheme] of [
      [1280, 'light'],
      [1280, 'dark'],
      [420, 'light'],
      [420, 'dark'],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await hops.nth(2).scrollIntoViewIfNeeded();
      await page.screenshot({
        path: join(screenshots, `route-audit-forged-${width}-${scheme}.png`),
      });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Escape');
  });

  it('the same phish received for real: its Route tab names the same origin', async () => {
    await gui.openTab('Verify your account', 'Route');
    const hops = page.getByTestId('route-view').getByTestId('hop');
    await eventually(() => hops.count()).toBe(4);
    expect(await hops.nth(2).getByTestId('hop-origin').innerText()).toMatch(
      /^Origin: 198\.51\.100\.66, as mx\.victim\.example saw it/,
    );
    // the relay's own stamp is 600-odd days after the pasted ones (a saved message sent again):
    // before, "4 hops, 626 days from first to last", then "1 min 44 s from first to last before
    // it was sent again" (timed from the made-up stamps below Hop 3)
    expect(await page.locator('.route-summary').innerText()).toMatch(
      /^4 hops; no time in transit is given: the stamps below Hop 3 are the sender’s claim and are not counted\./,
    );
  });

  it('says the clocks disagree when the last stamp reads earlier than the first', async () => {
    await analyze(await headerSet('skew'));
    // before: "2 hops, 3 min 38 s from first to last"
    expect(await dialog.locator('.route-summary').innerText()).toMatch(
      /^2 hops; the last stamp reads 3 min 38 s earlier than the first, so the servers’ clocks disagree and the time in transit is unknown\./,
    );
    await page.keyboard.press('Escape');
  });

  it('names a dropped photo as no mail message and says what to drop', async () => {
    await dropFile(page, 'photo');
    await eventually(() => dialog.getByRole('alert').innerText()).toBe(
      '“photo.jpg” (image/jpeg) is not a mail message: it holds binary data. Drop or open an ' +
        '.eml or Outlook .msg file (a message saved from a mail program), or paste the headers ' +
        '(Gmail: ⋮ → Show original; Outlook: File → Properties → Internet headers).',
    );
    // before: 188,281 characters of the JPEG in the text field
    expect(await dialog.getByRole('textbox').inputValue()).toBe('');
    await page.screenshot({ path: join(screenshots, 'route-audit-photo-dropped.png') });
    await page.keyboard.press('Escape');
  });

  it('reads only the head of a 30 MB file dropped by mistake, and says why it is refused', async () => {
    await dropFile(page, 'big');
    // before: the 30 MB went into the text field and to the API (~40 s here), then
    // "POST /api/v1/analyze failed with 413: Request body is too large"
    await eventually(() => dialog.getByRole('alert').innerText()).toMatch(
      /^“export\.txt” \(text\/plain\) is not a mail message: its first 1 MB \(of 30 MB\) hold no end of a header block \(an empty line\)\. Drop or open/,
    );
    expect(await dialog.getByRole('textbox').inputValue()).toBe('');
    await page.keyboard.press('Escape');
  });

  it('reads a bounce opened in Analyze: its report, then the route of the message it returns', async () => {
    // before: the route of the bounce alone, one hop from the mailer-daemon back to the sender
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    await dialog.locator('input[type=file]').setInputFiles({
      name: 'Undelivered Mail.eml',
      mimeType: 'message/rfc822',
      buffer: await readFile(
        join(import.meta.dirname, '..', 'unit', 'delivery-reports', 'exim.eml'),
      ),
    });
    const report = dialog.getByTestId('delivery-report');
    await report.waitFor();
    expect(await report.getByTestId('report-recipient').allInnerTexts()).toEqual([
      expect.stringMatching(
        /^ghost@example\.org\s+✕?\s*Failed[\s\S]*550 5\.1\.1 No such user here/,
      ),
    ]);
    const returned = dialog.getByTestId('returned-route');
    expect(await returned.getByRole('heading').first().innerText()).toBe(
      'The route of the returned message “Welcome — confirm your address”',
    );
    expect(await returned.getByTestId('hop').allInnerTexts()).toEqual([
      expect.stringMatching(/^Hop 1 app → relay\.example\.com/),
    ]);
    // and below it, the report's own way back, so named
    expect(await dialog.getByRole('heading', { name: 'The route of this report' }).count()).toBe(1);
    expect(await dialog.getByTestId('hop').count()).toBe(2);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(screenshots, `route-audit-bounce-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Escape');
  });

  it('works from the keyboard alone: a, paste, Ctrl+Enter, Esc', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('a');
    // before: the focus was on the Close button, so a paste right after `a` went nowhere
    await eventually(() =>
      page.evaluate(() => document.activeElement?.tagName.toLowerCase() ?? null),
    ).toBe('textarea');
    await page.keyboard.insertText(await headerSet('late-hop'));
    await page.keyboard.press('Control+Enter');
    const hops = dialog.getByTestId('hop');
    await eventually(() => hops.count()).toBe(3);
    expect(await hops.nth(2).getByTestId('hop-delay').innerText()).toBe('+3 h 3 min slowest hop');
    await page.keyboard.press('Escape');
    await eventually(() => dialog.count()).toBe(0);
  });

  it('says where to find the whole header when a paste has no Received fields', async () => {
    await analyze('Subject: Invoice 2291\nFrom: billing@example.com\n');
    await eventually(() => dialog.locator('.route-warning').allInnerTexts()).toEqual([
      'The header has no Received fields, so there is no route to show. Paste the whole header ' +
        'as the mail program shows it (Gmail: ⋮ → Show original; Outlook: File → Properties → ' +
        'Internet headers): a forwarded or replied copy leaves them out.',
    ]);
    await page.keyboard.press('Escape');
    expect(gui.pageErrors).toEqual([]);
  });
});
