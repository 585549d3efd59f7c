// What the route audits left, in real Chromium: qmail's bottom stamp `(qmail 1234 invoked by uid
// 1001)` read "local submission → unknown server", and a forged hop's delay ("+1 min 42 s") was
// drawn as a bar of time in transit though the summary says the stamps below are not counted.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startAnalyzeScreen, type AnalyzeScreen } from './analyze-dialog.js';

const chromiumPath = requireTool(tools.chromium);

const headerSet = (name: string): Promise<string> =>
  readFile(join(import.meta.dirname, '..', 'route-analysis', 'header-sets', `${name}.eml`), 'utf8');

describe('the route audits’ leftovers', () => {
  let screen: AnalyzeScreen;
  let dialog: Locator;

  beforeAll(async () => {
    screen = await startAnalyzeScreen(chromiumPath as string);
    dialog = screen.dialog;
  }, 120_000);
  afterAll(async () => screen?.gui.close());
  afterEach(async () => screen.closeDialog());

  const analyze = (text: string) => screen.analyze(text);
  const shoot = (name: string, target: Locator) =>
    screen.shoot(`route-leftovers-${name}`, target, 'page');

  it('qmail’s “invoked by uid” is a local submission by that user on the qmail host', async () => {
    await analyze(await headerSet('qmail'));
    const first = dialog.getByTestId('hop').first();
    // before: "Hop 1 local submission → unknown server"
    await eventually(() => first.getByTestId('hop-local-submission').innerText()).toBe(
      'Hop 1 local submission by uid 1001 on mx.qmailhost.example (qmail 1234 invoked by uid 1001)',
    );
    expect(await first.getByTestId('hop-by').count()).toBe(0);
    await shoot('qmail', first);
  });

  it('a forged hop’s delay shows as not counted, with no bar', async () => {
    await analyze(await headerSet('forged'));
    const hops = dialog.getByTestId('hop');
    await eventually(() => hops.count()).toBe(3);
    expect(await dialog.locator('.route-summary').innerText()).toMatch(
      /^3 hops; no time in transit is given: the stamps below Hop 3 are the sender’s claim/,
    );
    // before: "+1 min 42 s" beside a full-width bar, "+2 s" beside a short one
    expect(await hops.nth(2).getByTestId('hop-delay').innerText()).toBe(
      '+1 min 42 s, not counted: from the sender’s claim',
    );
    expect(await hops.nth(1).getByTestId('hop-delay').innerText()).toBe(
      '+2 s, not counted: the sender’s claim',
    );
    expect(await dialog.locator('.hop-bar').count()).toBe(0);
    await shoot('forged', hops.nth(1));
  });

  it('the hops after a forged route keep their bars', async () => {
    await analyze(
      'Received: from mx.victim.example (mx.victim.example [203.0.113.5]) by imap.victim.example ' +
        '(Postfix) with ESMTP id 9; Wed, 19 Mar 2025 03:12:49 +0000\n' +
        (await headerSet('forged')),
    );
    const hops = dialog.getByTestId('hop');
    await eventually(() => hops.count()).toBe(4);
    expect(await hops.nth(3).getByTestId('hop-delay').innerText()).toBe('+5 s slowest hop');
    expect(await hops.nth(3).locator('.hop-bar').count()).toBe(1);
    expect(await dialog.locator('.hop-bar').count()).toBe(1);
    await shoot('forged-above', hops.nth(2));
  });
});
