// A text-only password reset (Django's default, a Rails mailer's text part): its link in the Text
// tab is a link, opened in a new tab, as Mailpit's text view makes it; it was plain text to copy,
// a tracking URL wrapped over several lines. Real SMTP (nodemailer), the real renderer in
// Chromium, light and dark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { shootLightAndDark, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

const reset =
  'https://app.example/accounts/reset/MQ/c4k9x2-1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d/?utm_source=email&utm_medium=reset';

describe.skipIf(!chromiumPath)('links in the Text tab', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    await gui.send({
      from: 'webmaster@app.example',
      to: 'dev@project.example',
      subject: 'Password reset on app.example',
      text: `You're receiving this email because you requested a password reset.\n\nPlease go to the following page and choose a new password:\n\n${reset}.\n\nThanks for using our site!`,
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('makes the reset address a link that opens in a new tab', async () => {
    const { page } = gui;
    await gui.openLive();
    await gui.openTab('Password reset on app.example', 'Text');
    const body = page.getByTestId('text-body');
    await eventually(() => body.innerText()).toContain('choose a new password');
    const link = body.getByRole('link');
    expect(await link.count()).toBe(1);
    // the sentence's full stop is not part of it
    expect(await link.getAttribute('href')).toBe(reset);
    expect(await link.innerText()).toBe(reset);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    // the text reads as sent, the link inside it
    expect(await body.innerText()).toContain(`${reset}.\n\nThanks for using our site!`);
    await shootLightAndDark(page, 'text-links');
    // the address's site answered here, so the new tab loads it instead of an error page
    await page
      .context()
      .route('https://app.example/**', (route) =>
        route.fulfill({ contentType: 'text/html', body: '<p>Choose a new password</p>' }),
      );
    const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
    await popup.waitForLoadState();
    expect(popup.url()).toBe(reset);
    await popup.close();
    expect(gui.pageErrors).toEqual([]);
  });
});
