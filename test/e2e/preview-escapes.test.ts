// Mail HTML that tries to leave the preview frame by what the quick look before parsing missed:
// a refresh named through a character reference (`http-equiv="&#82;efresh"`), which navigated the
// frame to a data: page of the sender's, and a link written `<a/href=…>`, which kept its opener.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the HTML preview', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    await gui.send({
      from: 'sender@example.com',
      to: 'me@example.net',
      subject: 'Session expired',
      text: 'see the HTML',
      html:
        '<meta http-equiv="&#82;efresh" content="0;url=data:text/html,<h1 id=phish>Log in again</h1>">' +
        '<p id="body">Hello</p><a/href="https://example.invalid/" id="slashed">account</a>',
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('drops a refresh however it is spelt and makes every link open outside, without opener', async () => {
    const { page } = gui;
    await gui.openLive();
    await gui.openTab('Session expired', 'HTML');
    const frame = page.frameLocator('[data-testid="html-preview"]');
    await frame.locator('#body').waitFor();
    const srcdoc = (await page.getByTestId('html-preview').getAttribute('srcdoc')) ?? '';
    const found = await page.evaluate((html) => {
      const doc = new DOMParser().parseFromString(html, 'text/html');
      return {
        refresh: Array.from(doc.querySelectorAll('meta[http-equiv]')).filter(
          (meta) => meta.getAttribute('http-equiv')?.trim().toLowerCase() === 'refresh',
        ).length,
        link: doc.querySelector('#slashed')?.getAttribute('rel'),
      };
    }, srcdoc);
    expect(found).toEqual({ refresh: 0, link: 'noopener noreferrer' });
    expect(page.frames().some((f) => f.url().startsWith('data:'))).toBe(false);
    expect(gui.pageErrors).toEqual([]);
  });
});
