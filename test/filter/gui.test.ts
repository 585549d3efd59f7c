// Filtering and sender control in the GUI, in Debian's Chromium against the headless server:
// quarantined mail flagged and in its own view with the reason, the Senders panel, the alert.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshots, startGui, type Gui } from '../e2e/gui.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('filtering and sender control in the GUI', () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let page: Page;

  async function send(
    subject: string,
    attachment: Buffer,
    from = 'Ada <ada@example.test>',
  ): Promise<void> {
    await gui.send({
      from,
      to: 'bob@example.test',
      subject,
      text: 'see attached',
      attachments: [{ filename: 'invoice.pdf', content: attachment }],
    });
  }

  beforeAll(async () => {
    // the alert counts clock hours: a run that crossed one (a CI run at 02:00) counted the third
    // message in a new hour, so the relay's clock starts ten minutes into the hour and runs on
    const hour = 3_600_000;
    const startedAt = Date.now();
    const clockStart = Math.floor(startedAt / hour) * hour + 10 * 60_000;
    let shift = 0;
    gui = await startGui(chromiumPath as string, {
      now: () => clockStart + shift + (Date.now() - startedAt),
      settings: {
        attachments: { types: ['executable'], action: 'quarantine' },
        // the third message of the hour from 127.0.0.1 raises the alert (no pause: the default)
        anomalyFactor: 2,
        anomalyMinMessages: 3,
      },
    });
    ({ relaydesk, page } = gui);
    // the alert compares a sender with its own history: one message in each of the two hours
    // before this one (then deleted, so the list holds only what the tests below send)
    for (const hoursAgo of [2, 1]) {
      shift = -hoursAgo * hour;
      await send(`history ${hoursAgo}`, Buffer.from('x'));
    }
    shift = 0;
    await relaydesk.fetch('/api/v1/messages', { method: 'DELETE' });
    await send('Invoice (really a program)', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(400)]));
    await send('Invoice (a real one)', Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n'));
    await page.goto(relaydesk.url);
  }, 120_000);

  afterAll(async () => gui?.close());

  it('flags quarantined mail, lists it in its own view, and says why', async () => {
    const rows = page.getByTestId('message-row');
    await expect.poll(() => rows.count()).toBe(2);
    const flagged = rows.filter({ hasText: 'really a program' });
    // said once, as the row's state (no QUARANTINED flag beside it since e382bab)
    expect(await flagged.getByTestId('status-mark').innerText()).toBe('Quarantined');
    expect(await flagged.getByTestId('message-row-flag').count()).toBe(0);
    expect(
      await rows.filter({ hasText: 'a real one' }).getByTestId('message-row-flag').count(),
    ).toBe(0);

    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-quarantine').click();
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByTestId('search-input').inputValue()).toBe('tag:quarantined');
    await page.getByTestId('more-actions').click();
    expect(await page.getByTestId('show-quarantine').getAttribute('aria-checked')).toBe('true');
    await page.keyboard.press('Escape');

    await flagged.click();
    const decision = page.getByTestId('filter-decision');
    await decision.waitFor();
    const text = await decision.innerText();
    expect(text).toContain('Quarantined: kept here and never relayed');
    expect(text).toMatch(/attachment "invoice\.pdf" is exe content .*named as \.pdf/);
    await page.screenshot({ path: join(screenshots, 'filter-quarantine-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'filter-quarantine-dark.png') });
  });

  it('shows nothing about the filter on a message it let through', async () => {
    await page.getByTestId('search-input').fill('');
    const clean = page.getByTestId('message-row').filter({ hasText: 'a real one' });
    await clean.click();
    await page.getByTestId('message-view').waitFor();
    expect(await page.getByTestId('message-subject').innerText()).toBe('Invoice (a real one)');
    expect(await page.getByTestId('filter-decision').count()).toBe(0);
  });

  it('suspends a sender from the Senders panel, and lifts it', async () => {
    await page.getByTestId('more-actions').click();
    await page.getByTestId('show-suspensions').click();
    await page.getByTestId('suspend-kind').selectOption('sender');
    await page.getByTestId('suspend-value').fill('spammer@example.test');
    await page.getByTestId('suspend-reason').fill('sends invoices that are programs');
    await page.getByTestId('suspend-submit').click();
    const entry = page.getByTestId('suspension');
    await expect.poll(() => entry.count()).toBe(1);
    expect(await entry.innerText()).toContain('sends invoices that are programs');
    expect(await page.getByTestId('suspend-notice').innerText()).toBe(
      'sender spammer@example.test suspended',
    );
    await page.screenshot({ path: join(screenshots, 'filter-suspensions-dark.png') });
    await expect(send('again', Buffer.from('x'), 'spammer@example.test')).rejects.toThrow(
      /554 5\.7\.1 Sender suspended: sends invoices that are programs/,
    );

    await page.getByTestId('suspend-kind').selectOption('ip');
    await page.getByTestId('suspend-value').fill('10.0.0.0/8');
    await page.getByTestId('suspend-reason').fill('wrong kind');
    await page.getByTestId('suspend-submit').click();
    expect(await page.getByTestId('suspend-error').innerText()).toMatch(
      /Value: "10\.0\.0\.0\/8" is not an IP address/,
    );

    await entry.getByTestId('unsuspend').click();
    await expect.poll(() => entry.count()).toBe(0);
    expect(await page.getByTestId('suspend-notice').innerText()).toBe(
      'sender spammer@example.test is no longer suspended; what it held stays held for review in the Queue',
    );
    expect(relaydesk.service.suspensions()).toEqual([]);
  });

  it('tells at once when a sender’s volume jumps (the anomaly alert)', async () => {
    await send('a third message this hour', Buffer.from('hello'));
    const alert = page.getByTestId('sender-alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(
      /Client 127\.0\.0\.1 sent 3 messages this hour \(usually 1 an hour\)/,
    );
  });
});
