// The Chromium the browser benchmarks drive: Debian's, launched as the tests launch it
// (scripts/chromium-launch.js: the flags TOOLCHAIN.md lists, the browser's unused UI off).
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../scripts/chromium-launch.js';

export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium() {
  return chromium.launch(chromiumLaunchOptions(chromiumPath));
}
