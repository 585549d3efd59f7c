// The Chromium the browser benchmarks drive: Debian's, with the flags TOOLCHAIN.md lists (the
// tests' own copy is test/e2e/browser.ts, which the benchmarks, plain JS, cannot import).
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium() {
  return chromium.launch({
    executablePath: chromiumPath,
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
}
