// Mailpit's attachment details (checksums to copy) and its iCalendar summary, in Chromium: a
// calendar invitation as nodemailer's icalEvent sends it (a text/calendar alternative and an
// .ics attachment), read in the viewer's time zone.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { berlinInvite } from '../helpers/calendar-invites.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { seriousAxeViolations } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const invite = berlinInvite;

describe.skipIf(!chromiumPath)('attachment details and calendar invitations', () => {
  let gui: Gui;
  let page: Page;
  const dialog = () => page.getByTestId('calendar-dialog');

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string, { timezoneId: 'America/New_York' });
    page = gui.page;
    await gui.send({
      from: 'ada@example.com',
      to: 'bob@example.net',
      subject: 'Invitation: Sprint review',
      text: 'You are invited',
      icalEvent: { method: 'request', content: invite },
    });
    await gui.send({
      from: 'ada@example.com',
      to: 'bob@example.net',
      subject: 'A broken invite',
      text: 'See the attachment',
      attachments: [{ filename: 'broken.ics', content: 'not a calendar at all\r\n' }],
    });
    await gui.openLive();
  }, 60_000);
  afterAll(async () => gui?.close());

  it('shows each attachment’s checksums of its content, on request and remembered', async () => {
    await gui.openMessage('Invitation: Sprint review');
    await expect.poll(() => page.getByTestId('attachment-details').count()).toBe(0);
    await page.getByRole('button', { name: 'Show attachment details (checksums)' }).click();
    const details = page.getByTestId('attachment-details');
    await expect.poll(() => details.count()).toBe(2);
    const sha256 = createHash('sha256').update(invite).digest('hex');
    const md5 = createHash('md5').update(invite).digest('hex');
    // both parts carry the same calendar, as nodemailer's icalEvent sends it
    for (const text of await details.allInnerTexts()) {
      expect(text).toContain(sha256);
      expect(text).toContain(md5);
    }
    await page.reload();
    await gui.openMessage('Invitation: Sprint review');
    await expect.poll(() => details.count()).toBe(2);
    await page.screenshot({ path: join(screenshots, 'attachment-details-light.png') });
    await page.getByRole('button', { name: 'Hide attachment details' }).click();
    await expect.poll(() => details.count()).toBe(0);
  });

  it('reads the invitation: what, when in its zone and the viewer’s, who', async () => {
    // the text/calendar alternative, named for what it is rather than by its part number
    const first = page.getByTestId('attachment').filter({ hasText: 'invitation.ics' });
    await first.getByRole('button', { name: 'Show the event' }).click();
    await expect.poll(() => dialog().getByTestId('calendar-event').count()).toBe(1);
    expect(await dialog().getByTestId('calendar-method').innerText()).toBe(
      'This is an invitation (REQUEST): the recipient is asked to answer.',
    );
    const event = await dialog().getByTestId('calendar-event').innerText();
    expect(event).toContain('Sprint review');
    expect(event).toContain('Thu, 10 Dec 2026, 14:00 – 15:00 (Europe/Berlin)');
    expect(event).toContain('Your time: Thu, 10 Dec 2026, 08:00 (America/New_York)');
    expect(event).toContain('every week, 4 times');
    expect(event).toContain('Ada Lovelace <ada@example.com>');
    expect(event).toContain('Bob <bob@example.net>');
    expect(event).toContain('REQ-PARTICIPANT, NEEDS-ACTION');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'calendar-event-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'calendar-event-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog().count()).toBe(0);
  });

  it('shows the MIME structure above the source, each part’s headers on request', async () => {
    await gui.openMessage('Invitation: Sprint review');
    await page.getByRole('tab', { name: 'Source', exact: true }).click();
    const parts = page.getByTestId('mime-part');
    await expect.poll(() => parts.count()).toBe(0);
    await page.getByRole('button', { name: 'MIME structure' }).click();
    await expect.poll(() => parts.count()).toBe(5);
    const lines = (await parts.allInnerTexts()).map((line) => line.replace(/\s+/g, ' ').trim());
    expect(lines[0]).toMatch(/^message multipart\/mixed \d/);
    expect(lines[1]).toMatch(/^1 multipart\/alternative /);
    // a part with content of its own offers it; a multipart does not
    expect(lines[1]).not.toMatch(/content$/);
    expect(lines[2]).toMatch(/^1\.1 text\/plain charset utf-8 · 7bit · 15 B content$/);
    expect(lines[3]).toMatch(/^1\.2 text\/calendar charset utf-8 · quoted-printable · .* content$/);
    expect(lines[4]).toMatch(/^2 application\/ics base64 · attachment "invite\.ics" · .* content$/);
    await parts
      .nth(3)
      .getByRole('button', { name: /its headers$/ })
      .click();
    await expect
      .poll(() => page.getByLabel('Headers of part 1.2').innerText())
      .toBe(
        'Content-Type: text/calendar; charset=utf-8; method=REQUEST\nContent-Transfer-Encoding: quoted-printable',
      );
    // the calendar part decoded from its quoted-printable, and as sent on request
    await page.getByRole('button', { name: 'Content of part 1.2' }).click();
    const decoded = page.getByLabel('Part 1.2 decoded');
    await expect.poll(() => decoded.innerText()).toMatch(/^BEGIN:VCALENDAR/);
    expect(await decoded.innerText()).toContain('SUMMARY:Sprint review');
    expect(await page.getByTestId('mime-part-content').innerText()).toContain(
      'Decoded from quoted-printable, in utf-8:',
    );
    await page.getByTestId('mime-part-content').getByRole('button', { name: 'As sent' }).click();
    const sent = await page.getByLabel('Part 1.2 as sent').innerText();
    expect(sent).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=REQUEST\r?\n/);
    expect(sent).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(screenshots, 'mime-structure-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'mime-structure-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    // kept open for the next message's source, as a reader going through several wants it
    await gui.openMessage('A broken invite');
    await page.getByRole('tab', { name: 'Source', exact: true }).click();
    await expect.poll(() => parts.count()).toBe(3);
    await page.getByRole('button', { name: 'MIME structure' }).click();
  });

  it('warns under a part whose Content-ID another part has, as smtp4dev does', async () => {
    const png = [
      'Content-Type: image/png',
      'Content-Transfer-Encoding: base64',
      '',
      'iVBORw0KGgo=',
    ];
    await gui.send({
      envelope: { from: 'app@example.com', to: 'dev@example.net' },
      raw: [
        'From: app@example.com',
        'To: dev@example.net',
        'Subject: Two logos',
        'MIME-Version: 1.0',
        'Content-Type: multipart/related; boundary="r"',
        '',
        '--r',
        'Content-Type: text/html',
        '',
        '<img src="cid:logo">',
        '--r',
        'Content-ID: <logo>',
        ...png,
        '--r',
        'Content-ID: <logo>',
        ...png,
        '--r--',
        '',
      ].join('\r\n'),
    });
    await gui.openMessage('Two logos');
    await page.getByRole('tab', { name: 'Source', exact: true }).click();
    await page.getByRole('button', { name: 'MIME structure' }).click();
    const warnings = page.getByTestId('mime-part-warning');
    await expect
      .poll(() => warnings.allInnerTexts())
      .toEqual([
        "Warning: Its Content-ID is also part 2's: a cid:logo link shows one of the two, and which one depends on the mail client",
      ]);
    // under part 3's own line
    await expect
      .poll(() => page.getByTestId('mime-part').nth(3).getByTestId('mime-part-warning').count())
      .toBe(1);
    await page.screenshot({ path: join(screenshots, 'mime-structure-warning-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'mime-structure-warning-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.getByRole('button', { name: 'MIME structure' }).click();
  });

  it('says why an .ics part cannot be read', async () => {
    await gui.openMessage('A broken invite');
    await page.getByRole('button', { name: 'Show the event' }).click();
    await expect
      .poll(() => dialog().getByRole('alert').innerText())
      .toMatch(/^broken\.ics could not be read: it is not an iCalendar file that can be read \(/);
    await page.keyboard.press('Escape');
    expect(gui.pageErrors).toEqual([]);
  });
});
