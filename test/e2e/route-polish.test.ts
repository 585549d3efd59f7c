// The route screens' loose ends a header reader noticed after the audit, in real Chromium: a
// phish's made-up stamps timed as its route, a loopback client read as a checked name, qmail's
// queue note as a hop between unknown hosts, "0 hops" above a pasted Subject, the same .eml picked
// twice doing nothing the second time, and a whole large message pasted ("failed with 413").
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const headerSetPath = (name: string): string =>
  join(import.meta.dirname, '..', 'route-analysis', 'header-sets', `${name}.eml`);
const headerSet = (name: string): Promise<string> => readFile(headerSetPath(name), 'utf8');

describe('the route screens’ loose ends', () => {
  let gui: Gui;
  let page: Page;
  let dialog: Locator;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 900 } });
    page = gui.page;
    dialog = page.getByRole('dialog', { name: 'Analyze headers' });
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  // a failed test leaves its dialog open, which would hide the next test's button
  afterEach(async () => {
    if (await dialog.isVisible()) await page.keyboard.press('Escape');
  });

  const open = async () => {
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    await dialog.waitFor();
  };
  const analyze = async (text: string) => {
    await open();
    await dialog.getByRole('textbox').fill(text);
    await dialog.getByRole('button', { name: 'Analyze', exact: true }).click();
    await dialog.getByTestId('route-view').waitFor();
  };

  const shoot = async (name: string, target: Locator) => {
    for (const [width, scheme] of [
      [1280, 'light'],
      [1280, 'dark'],
      [420, 'light'],
      [420, 'dark'],
    ] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme: scheme });
      await target.scrollIntoViewIfNeeded();
      await page.screenshot({
        path: join(screenshots, `route-polish-${name}-${width}-${scheme}.png`),
      });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  };

  it('a phish’s made-up stamps are not timed, and the summary says they were left out', async () => {
    await analyze(await headerSet('forged'));
    await eventually(() => dialog.getByTestId('hop').count()).toBe(3);
    // before: "3 hops, 1 min 44 s from first to last" and Hop 3 marked "slowest hop"
    expect(await dialog.locator('.route-summary').innerText()).toBe(
      '3 hops; no time in transit is given: the stamps below Hop 3 are the sender’s claim and ' +
        'are not counted. Client verified (reverse DNS and address) at 1 of 3 hops.',
    );
    expect(await dialog.locator('[data-testid=hop][data-slowest=true]').count()).toBe(0);
    await shoot('forged', dialog.locator('.route-summary'));
  });

  it('Microsoft 365’s hop from localhost reads as this machine', async () => {
    await analyze(await headerSet('m365'));
    const first = dialog.getByTestId('hop').first();
    await eventually(() => first.getByTestId('hop-client-check').innerText()).toBe(
      'this machine (a loopback address)',
    );
  });

  it('qmail’s queue note is no hop between unknown hosts', async () => {
    await analyze(await headerSet('qmail'));
    const hops = dialog.getByTestId('hop');
    await eventually(() => hops.count()).toBe(3);
    // before: "Hop 3 unknown client unverified → unknown server", Client "the stamp names no client"
    expect(await hops.nth(2).getByTestId('hop-queue-note').innerText()).toBe(
      'Hop 3 queued on mx.qmailhost.example (qmail 28741 invoked from network): the server’s ' +
        'note that it took the message in, not a hand-over',
    );
    expect(await hops.nth(2).getByTestId('hop-client-check').count()).toBe(0);
    // its time still counts (+0 s after Hop 2): it shows a delay like any hop
    expect(await hops.nth(2).getByTestId('hop-delay').innerText()).toBe('+under 1 s');
    await shoot('qmail', hops.nth(2));
  });

  it('a paste with no Received field shows only the sentence saying so', async () => {
    await analyze('Subject: Invoice overdue\n');
    const view = dialog.getByTestId('route-view');
    // before: "No Authentication-Results in the headers." and "0 hops" above it
    await eventually(() => view.locator('p').allInnerTexts()).toEqual([
      'The header has no Received fields, so there is no route to show. Paste the whole header ' +
        'as the mail program shows it (Gmail: ⋮ → Show original; Outlook: File → Properties → ' +
        'Internet headers): a forwarded or replied copy leaves them out.',
    ]);
    await shoot('no-received', view);
  });

  it('the same .eml opened again after the field was changed is read again', async () => {
    await open();
    const input = dialog.locator('input[type=file]');
    await input.setInputFiles(headerSetPath('forged'));
    await eventually(() => dialog.getByTestId('hop').count()).toBe(3);
    // cleared, so picking the same file fires a change again (before: it kept the file's name)
    expect(await input.inputValue()).toBe('');
    await dialog.getByRole('textbox').fill('Subject: something else\n');
    await dialog.getByRole('button', { name: 'Analyze', exact: true }).click();
    await eventually(() => dialog.getByTestId('hop').count()).toBe(0);
    await input.setInputFiles(headerSetPath('forged'));
    await eventually(() => dialog.getByTestId('hop').count()).toBe(3);
  });

  it('a whole large message pasted is cut to its header block as it arrives, with a note', async () => {
    const header = await headerSet('postfix-tls');
    const block = header.slice(0, header.indexOf('\n\n') + 2);
    await open();
    const field = dialog.getByRole('textbox');
    const paste = (text: string) =>
      field.evaluate((element, pasted) => {
        const area = element as HTMLTextAreaElement;
        const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
        setter?.call(area, pasted);
        area.dispatchEvent(new Event('input', { bubbles: true }));
      }, text);
    // a 3 MB body: before, all of it went to the API (a relay with a smaller message size limit
    // answered "POST /api/v1/analyze failed with 413: Request body is too large"), and the field
    // laid all of it out first (2 s of a frozen dialog here, over 10 s in a loaded CI run)
    await paste(block + 'QUJD'.repeat(800_000) + '\n');
    expect(await field.inputValue()).toBe(block);
    const sentence =
      /^The paste is 3 MB: only its header block \(\d+ KB, up to the first empty line\) was kept, which is all the route is read from; its DKIM signatures are listed but not verified, since each one covers the whole body\.$/;
    expect(await dialog.getByTestId('analyze-note').innerText()).toMatch(sentence);
    await dialog.getByRole('button', { name: 'Analyze', exact: true }).click();
    await eventually(() => dialog.getByTestId('hop').count()).toBe(3);
    // the note stays with what it is about
    expect(await dialog.getByTestId('analyze-note').innerText()).toMatch(sentence);
    expect(await field.inputValue()).toBe(block);
    expect(await dialog.getByRole('alert').count()).toBe(0);
    await shoot('large-paste', dialog.getByTestId('analyze-note'));
    // edited, the field is no longer what the note is about
    await field.press('Control+End');
    await field.pressSequentially('X-Edited: yes');
    expect(await dialog.getByTestId('analyze-note').count()).toBe(0);

    // no header block in the first megabyte: refused with the limit and what to paste, and not
    // kept (the field would freeze the dialog laying it out, for nothing)
    await paste('X'.repeat(2 * 1024 * 1024));
    expect(await dialog.getByRole('alert').innerText()).toMatch(
      /^The text is 2 MB, more than Analyze takes \(1 MB\), and has no header block that size/,
    );
    expect(await field.inputValue()).toBe('');
    expect(gui.pageErrors).toEqual([]);
  });
});

describe('a relay whose request limit is below what a paste encodes to', () => {
  let gui: Gui;

  beforeAll(async () => {
    // the API takes the largest message plus 1 MB; a paste of quotes doubles in JSON
    gui = await startGui(chromiumPath as string, { settings: { maxSize: 1024 } });
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('names the limit and what to paste, not "failed with 413"', async () => {
    const page = gui.page;
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    const dialog = page.getByRole('dialog', { name: 'Analyze headers' });
    await dialog.getByRole('textbox').evaluate((element) => {
      const area = element as HTMLTextAreaElement;
      const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set;
      setter?.call(area, 'Subject: "' + '"'.repeat(700_000));
      area.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await dialog.getByRole('button', { name: 'Analyze', exact: true }).click();
    // before: "POST /api/v1/analyze failed with 413: Request body is too large"
    await eventually(() => dialog.getByRole('alert').innerText()).toBe(
      'The text (684 KB) is more than this relay’s API takes (the largest message setting plus ' +
        '1 MB, counted as sent, where quotes and control characters take more). Only the ' +
        'headers are needed: paste the header block alone (the part up to the first empty ' +
        'line), or open the .eml file, of which the header block is read.',
    );
    await page.keyboard.press('Escape');
  });
});
