// The SMTP sessions page in Chromium: a developer whose app's mail never arrived finds the
// session that stored nothing, reads why in its conversation, and goes between a message and the
// session that brought it.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelaydeskInfo } from '../../preload/api-contract.js';
import { greetedSession, plainToken, SmtpWire } from '../helpers/smtp-wire.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, seriousAxeViolations } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the SMTP sessions page', () => {
  let gui: Gui;
  let page: Page;
  const rows = () => page.locator('.session-row');
  const row = (text: string) => rows().filter({ hasText: text });
  const transcriptLines = () => page.getByRole('list', { name: 'Conversation' }).locator('li');

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, {
      viewport: { width: 1400, height: 800 },
      settings: { smtps: '127.0.0.1:0' },
    });
    page = gui.page;
  }, 60_000);
  afterAll(async () => gui?.close());

  it('lists sessions live and shows why one stored nothing', async () => {
    await gui.openLive();
    await page.getByTestId('nav-sessions').click();
    await expect.poll(() => page.url()).toMatch(/#sessions$/);
    await page.getByText('No SMTP sessions since Relaydesk started').waitFor();

    // a message sent as an app sends it, then a session that goes wrong, both after the page
    // opened: the rows come live
    await gui.send({
      from: 'app@example.com',
      to: 'dev@example.net',
      subject: 'Welcome aboard',
      text: 'Hello',
    });
    const wire = await greetedSession(gui.relaydesk.smtp.port, 'crashing-app.example');
    await wire.command(`AUTH PLAIN ${plainToken('app', 'Hunter2-Secret')}`);
    await wire.command('MAIL FROM:<app@example.com>');
    await wire.command('RCPT TO:<two words@example.net>');
    await wire.command('QUIT');

    await eventually(() => rows().count()).toBe(2);
    const failed = row('crashing-app.example');
    await expect
      .poll(() => failed.locator('.session-outcome').innerText())
      .toBe('501 5.1.3 Error: Bad recipient address syntax');
    await expect.poll(() => failed.getAttribute('class')).toContain('refused');
    await expect.poll(() => rows().first().innerText()).toContain('crashing-app.example');

    await failed.getByRole('button').click();
    await expect.poll(() => page.url()).toMatch(/#sessions\/[a-z0-9]+$/);
    await expect
      .poll(() => page.getByRole('heading', { level: 3 }).innerText())
      .toBe('Session from 127.0.0.1 (crashing-app.example)');
    const refused = transcriptLines().filter({ hasText: '501 5.1.3' });
    // the status code in words beside the reply
    await expect
      .poll(() => refused.innerText())
      .toContain('Bad destination mailbox address syntax (permanent failure)');
    const all = await transcriptLines().allInnerTexts();
    expect(all.join('\n')).not.toContain(plainToken('app', 'Hunter2-Secret'));
    expect(all.some((line) => line.includes('AUTH PLAIN (credentials hidden)'))).toBe(true);
    expect(all.at(-1)).toContain('Connection closed after QUIT');
    // the conversation copied as text, for a bug report
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(page.url()).origin,
    });
    await page.getByRole('button', { name: 'Copy the conversation' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const copiedLines = copied.split('\n');
    expect(copiedLines).toHaveLength(all.length);
    expect(copiedLines[1]).toMatch(/^ +\+\d+ ms C: EHLO crashing-app\.example$/);
    expect(copied).toMatch(/ S: 501 5\.1\.3 Error: Bad recipient address syntax\n/);
    expect(copiedLines.at(-1)).toMatch(/ -- Connection closed after QUIT$/);
    expect(copied).not.toContain(plainToken('app', 'Hunter2-Secret'));
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'smtp-sessions-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'smtp-sessions-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // in a narrow window the conversation goes under the list and shows whole, the page
    // scrolling to its end (a pane of its own there left it a strip of three lines)
    await page.setViewportSize({ width: 820, height: 600 });
    const pane = page.locator('.session-transcript-pane');
    await expect
      .poll(() => pane.evaluate((el) => el.scrollHeight - el.clientHeight))
      .toBeLessThanOrEqual(1);
    const lastLine = transcriptLines().last();
    await lastLine.scrollIntoViewIfNeeded();
    const box = await lastLine.boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(600);
    await page.setViewportSize({ width: 1400, height: 800 });

    // the filter: only the session with a refusal
    await page.getByLabel('Only sessions with a refusal').check();
    await eventually(() => rows().count()).toBe(1);
    await page.getByLabel('Only sessions with a refusal').uncheck();
    await page.getByLabel('Filter sessions').fill('crashing');
    await eventually(() => rows().count()).toBe(1);
    await page.getByLabel('Filter sessions').fill('');
  });

  it('goes from a message to the session that brought it, and back', async () => {
    await page.getByTestId('nav-all').click();
    await gui.openMessage('Welcome aboard');
    const envelope = page.getByTestId('envelope');
    if ((await envelope.getAttribute('class'))?.includes('closed')) {
      await page.getByTestId('envelope-toggle').click();
    }
    await page.getByTestId('envelope-session').click();
    await expect.poll(() => page.url()).toMatch(/#sessions\/[a-z0-9]+$/);
    const chosen = page.locator('.session-row.chosen');
    await expect
      .poll(() => chosen.locator('.session-outcome').innerText())
      .toBe('1 message stored');
    await eventually(() =>
      transcriptLines()
        .filter({ hasText: /queued as/ })
        .count(),
    ).toBe(1);

    await page.getByRole('button', { name: /^Open message / }).click();
    await expect.poll(() => page.getByTestId('message-subject').innerText()).toBe('Welcome aboard');
    expect(gui.pageErrors).toEqual([]);
  });

  it('lists a failed implicit-TLS handshake as a row of two lines at most, also in a narrow window', async () => {
    const info = await gui.relaydesk.api<RelaydeskInfo>('/api/v1/info');
    const smtpsPort = Number(/:(\d+)$/.exec(info.SMTPSecurity?.smtps ?? '')?.[1]);
    // an app set for plain SMTP on port 465
    const plain = await SmtpWire.connect(smtpsPort);
    plain.write('EHLO plain-on-465.example\r\n');
    await plain.waitClosed();
    await page.getByTestId('nav-sessions').click();
    const failed = rows().filter({ hasText: 'TLS handshake failed (wrong version number)' });
    await eventually(() => failed.count()).toBe(1);
    await expect.poll(() => failed.getAttribute('class')).toContain('refused');
    // the error and its advice run to a dozen lines: the row shows two, the tooltip all of it
    const outcome = failed.locator('.session-outcome .session-clamp');
    expect(await outcome.getAttribute('title')).toMatch(/check its port and security setting$/);
    const lineHeight = await outcome.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight));
    for (const width of [1400, 700]) {
      await page.setViewportSize({ width, height: 800 });
      await expect
        .poll(async () => (await outcome.boundingBox())?.height ?? 0)
        .toBeLessThanOrEqual(2 * lineHeight + 1);
    }
    // a client's EHLO name of 3,000 characters (refused, but the name it gave)
    const long = await SmtpWire.connect(gui.relaydesk.smtp.port);
    await long.reply();
    await long.command(`EHLO ${'x'.repeat(3000)}`);
    long.close();
    const named = rows().filter({ hasText: 'xxxxxxxxxx' }).locator('.session-helo .session-clamp');
    await eventually(() => named.count()).toBe(1);
    await expect
      .poll(async () => (await named.boundingBox())?.height ?? 0)
      .toBeLessThanOrEqual(2 * lineHeight + 1);

    await failed.getByRole('button').click();
    await expect
      .poll(() => transcriptLines().first().innerText())
      .toContain('the client did not speak TLS');
    await page.screenshot({ path: join(screenshots, 'smtp-sessions-narrow-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'smtp-sessions-narrow-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1400, height: 800 });
    expect(gui.pageErrors).toEqual([]);
  });

  it('deletes the chosen session, then every ended one, and keeps an open one', async () => {
    await page.getByTestId('nav-sessions').click();
    const open = await greetedSession(gui.relaydesk.smtp.port, 'still-talking.example');
    // the open session's row comes live, named by its EHLO once the client gave it
    await eventually(() => row('still-talking.example').count()).toBe(1);
    const before = await rows().count();

    await row('crashing-app.example').getByRole('button').click();
    await page.getByRole('button', { name: 'Delete this session' }).click();
    await eventually(() => row('crashing-app.example').count()).toBe(0);
    await expect.poll(() => page.url()).toMatch(/#sessions$/);
    await expect
      .poll(() => page.locator('.logs-count').innerText())
      .toContain('Deleted 1 session; 1 still open stays until it ends.');
    expect(await rows().count()).toBe(before - 1);

    await page.getByRole('button', { name: 'Delete ended sessions' }).click();
    await eventually(() => rows().count()).toBe(1);
    expect(await rows().first().innerText()).toContain('still-talking.example');
    // nothing left to delete while the one session is open
    expect(await page.getByRole('button', { name: 'Delete ended sessions' }).isDisabled()).toBe(
      true,
    );
    await open.command('QUIT');
    await expect
      .poll(() => page.getByRole('button', { name: 'Delete ended sessions' }).isDisabled())
      .toBe(false);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(gui.pageErrors).toEqual([]);
  });
});
