// A scanner's message to three people, one of whom the smart host refuses (550 5.1.1): the
// Delivery tab of the partly delivered message says who did not get it and why before the cards
// that list every attempt, the reply is read in a column wide enough for it, and the Resend box
// says that it goes only to the recipient that failed, not to everyone again.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDelivery, MessagesPage } from '../../preload/api-contract.js';
import { waitFor } from '../helpers/eventually.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const subject = 'Scan 2026-12-07 page 1';

describe.skipIf(!chromiumPath)('a partly delivered message, in Chromium', () => {
  let upstream: RunningUpstream;
  let gui: Gui;
  let relay: TestRelaydesk;
  let page: Page;

  beforeAll(async () => {
    upstream = await startUpstreamServer({
      tls: 'starttls',
      failures: {
        rcpt: {
          'nobody@rcpt.example': {
            code: 550,
            text: '5.1.1 <nobody@rcpt.example>: Recipient address rejected',
          },
        },
      },
    });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: {
          host: '127.0.0.1',
          port: upstream.port,
          security: 'starttls',
          caFile: upstream.certificate?.caFile,
        },
      },
      viewport: { width: 1280, height: 800 },
    });
    ({ relaydesk: relay, page } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  it('names the recipient that did not get it, with the reply, above the attempts', async () => {
    await gui.send({
      from: 'scanner@office.example',
      to: ['alice@rcpt.example', 'bob@rcpt.example', 'nobody@rcpt.example'],
      subject,
      text: 'page 1',
    });
    const id = await waitFor('the message', async () => {
      const list = await relay.api<MessagesPage>('/api/v1/messages');
      return list.messages[0]?.ID;
    });
    await eventually(
      async () => (await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).status,
    ).toBe('partial');

    await page.goto(relay.url);
    await gui.openTab(subject, 'Delivery');
    const summary = page.getByTestId('delivery-summary');
    await summary.waitFor();
    expect((await summary.innerText()).replace(/\n+/g, '\n')).toBe(
      'Not delivered to 1 of 3 recipients:\n' +
        'nobody@rcpt.example — Bounced: 550 5.1.1 <nobody@rcpt.example>: Recipient address rejected',
    );
    // before the cards: the delivered recipients' attempts come after it
    const summaryTop = (await summary.boundingBox())?.y ?? Infinity;
    const firstCard = page.getByTestId('recipient').first();
    expect(await firstCard.getAttribute('data-address')).toBe('alice@rcpt.example');
    expect(summaryTop).toBeLessThan((await firstCard.boundingBox())?.y ?? 0);

    // the address takes the reader to its card, with its attempts
    await summary.getByRole('button', { name: 'nobody@rcpt.example' }).click();
    await eventually(() =>
      page.evaluate(() =>
        document.activeElement?.closest('[data-testid="recipient"]')?.getAttribute('data-address'),
      ),
    ).toBe('nobody@rcpt.example');

    // an empty Resend box resends to nobody@ alone (resend.ts), not to all three again
    await page.getByLabel('Resend to (empty: only the recipient it failed for)').waitFor();

    // the reply has room: it was squeezed beside a TLS column as wide as its cipher name
    const row = page.getByTestId('recipient').first().getByTestId('attempt').first();
    const widths = await row.evaluate((tr) => {
      const cell = (label: string) =>
        tr.querySelector<HTMLElement>(`td[data-label="${label}"]`)?.getBoundingClientRect().width ??
        0;
      return { reply: cell('Reply'), tls: cell('TLS') };
    });
    expect(widths.reply).toBeGreaterThan(widths.tls);
    // today's attempt by its time to the second, on one line; the whole date in its title
    const time = row.locator('td[data-label="Time"] time');
    expect(await time.innerText()).not.toMatch(/\d{4}/);
    expect(await time.getAttribute('title')).toMatch(/\d{4}/);
    const lines = await time.evaluate((el) => {
      const box = el.getBoundingClientRect();
      return Math.round(box.height / parseFloat(getComputedStyle(el).lineHeight));
    });
    expect(lines).toBe(1);

    await page.evaluate(() => document.querySelector('.delivery')?.scrollIntoView());
    await page.screenshot({ path: join(screenshots, 'delivery-partly-delivered-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'delivery-partly-delivered-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });

  it('counts a recipient a rule captured as got, not as not delivered', async () => {
    // rules mode: the staging copy is kept here by a capture rule, the rest relayed
    const res = await relay.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        mode: 'rules',
        rules: [
          {
            name: 'staging',
            match: { recipient: '*@staging.example' },
            action: { type: 'capture', mailbox: 'staging' },
          },
          { name: 'rest', match: { recipient: '*' }, action: { type: 'relay' } },
        ],
      }),
    });
    expect(res.status, await res.text()).toBe(200);
    const subject3 = 'Scan 2026-12-07 page 3';
    await gui.send({
      from: 'scanner@office.example',
      to: ['alice@rcpt.example', 'qa@staging.example', 'nobody@rcpt.example'],
      subject: subject3,
      text: 'page 3',
    });
    await eventually(async () => {
      const list = await relay.api<MessagesPage>('/api/v1/messages');
      const id = list.messages.find((m) => m.Subject === subject3)?.ID;
      return id && (await relay.api<MessageDelivery>(`/api/v1/message/${id}/delivery`)).status;
    }).toBe('partial');
    await page.goto(relay.url);
    await gui.openTab(subject3, 'Delivery');
    const summary = page.getByTestId('delivery-summary');
    await summary.waitFor();
    expect((await summary.innerText()).replace(/\n+/g, '\n')).toBe(
      'Not delivered to 1 of 3 recipients:\n' +
        'nobody@rcpt.example — Bounced: 550 5.1.1 <nobody@rcpt.example>: Recipient address rejected',
    );
  });

  it('says nothing of the kind for a message every recipient got', async () => {
    const delivered = 'Scan 2026-12-07 page 2';
    await gui.send({
      from: 'scanner@office.example',
      to: ['alice@rcpt.example', 'bob@rcpt.example'],
      subject: delivered,
      text: 'page 2',
    });
    await eventually(() =>
      upstream.messages.some((m) => m.raw.toString('latin1').includes(delivered)),
    ).toBe(true);
    await page.goto(relay.url);
    await gui.openTab(delivered, 'Delivery');
    await eventually(() => page.getByTestId('recipient').count()).toBe(2);
    await eventually(() => page.getByTestId('recipient-state').first().innerText()).toBe('Relayed');
    expect(await page.getByTestId('delivery-summary').count()).toBe(0);
    await page.getByLabel('Resend to (empty: the same recipients)').waitFor();
  });
});
