// Debian's Chromium for the e2e tests, started the way TOOLCHAIN.md says works on these machines
// (headless, no sandbox, nothing fetched in the background), with one 1280×800 page.
import { chromium, type Browser, type Page } from 'playwright-core';

export async function launchChromium(
  executablePath: string,
): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  });
  page.setDefaultTimeout(10_000);
  return { browser, page };
}
