// How the tests and the browser benchmarks launch Debian's Chromium through Playwright: the flags
// TOOLCHAIN.md lists, plus the browser features a test never uses turned off.
//
// Chromium's headless mode is the whole browser without a screen: every window (Playwright opens
// one per browser context) preloads the omnibox popup's two WebUI pages in a renderer of their
// own, ~1.3 s of CPU per context on the 2-core machine, more than most of our pages cost. The
// switch that turns them off is `--disable-features`, and Chromium reads only the last one given,
// while Playwright passes its own list (features that make pages behave predictably under
// automation): ours is merged into Playwright's switch, which is read from its bundle since
// Playwright does not export it. If an upgrade of playwright-core moves it, the launch keeps
// Playwright's switch untouched (slower, same behaviour) and test/e2e/chromium-launch.test.ts
// fails to say so.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const chromiumFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Features a headless test never uses: the browser's own UI, and the spare renderer, a process
 * Chromium starts ahead for the next navigation. Each browser context gets one of its own and a
 * test's context is closed after a page or two, so it is mostly started for nothing (~0.1 s of
 * CPU per context on the 2-core machine, a tenth of loading the app).
 */
export const unusedFeatures = [
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  'SpareRendererForSitePerProcess',
];

/** Playwright's own `--disable-features` list, or null when its bundle no longer shows it. */
export function playwrightDisabledFeatures() {
  const require = createRequire(import.meta.url);
  let bundle;
  try {
    bundle = readFileSync(require.resolve('playwright-core/lib/coreBundle'), 'utf8');
  } catch {
    return null;
  }
  // `disabledFeatures = [ "A", // why … "B" ].filter(Boolean);`, joined into the one switch
  const list = /\bdisabledFeatures = \[([^\]]*)\]\.filter\(Boolean\)/.exec(bundle)?.[1];
  if (!list || !bundle.includes('"--disable-features=" + disabledFeatures.join(",")')) return null;
  const names = [...list.replace(/\/\/[^\n]*/g, '').matchAll(/"([A-Za-z0-9]+)"/g)].map((m) => m[1]);
  return names.length > 0 ? names : null;
}

/** Options for `chromium.launch`. */
export function chromiumLaunchOptions(executablePath) {
  const theirs = playwrightDisabledFeatures();
  if (theirs === null) return { executablePath, args: chromiumFlags };
  return {
    executablePath,
    args: [...chromiumFlags, `--disable-features=${[...theirs, ...unusedFeatures].join(',')}`],
    ignoreDefaultArgs: [`--disable-features=${theirs.join(',')}`],
  };
}
