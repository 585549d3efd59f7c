// Received stamps that are steps inside one machine or one provider, and the providers and
// gateways whose stamps read as broken chains, as the Analyze headers dialog shows them in real
// Chromium: amavis's `by localhost`, Yahoo's gateway by HTTP, IBM's gateway banner, Zoho's two
// domains.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { startAnalyzeScreen, type AnalyzeScreen } from './analyze-dialog.js';

const chromiumPath = requireTool(tools.chromium);

/** A corpus chain's header block, as a reader pastes it. */
const corpusHeaders = async (name: string): Promise<string> => {
  const text = await readFile(
    join(import.meta.dirname, '..', 'route-analysis', 'corpus', `${name}.eml`),
    'utf8',
  );
  return text.slice(0, text.indexOf('\n\n'));
};

describe('steps inside one machine or one provider, in Analyze headers', () => {
  let screen: AnalyzeScreen;
  let dialog: Locator;

  beforeAll(async () => {
    screen = await startAnalyzeScreen(chromiumPath as string);
    dialog = screen.dialog;
  }, 120_000);
  afterAll(async () => screen?.gui.close());
  afterEach(async () => screen.closeDialog());

  const analyze = async (name: string) => screen.analyze(await corpusHeaders(name));
  const shoot = (name: string, target: Locator) => screen.shoot(`route-steps-${name}`, target);

  it('amavis’s `by localhost` is the content filter on the MX, not a host called localhost', async () => {
    await analyze('postfix-amavis');
    const hops = dialog.getByTestId('hop');
    await eventually(() => hops.count()).toBe(4);
    // before: "Hop 3 mail.example.com → localhost", and "verified … at 2 of 4 hops"
    expect(await hops.nth(2).getByTestId('hop-by').innerText()).toBe(
      'content filter on mail.example.com',
    );
    expect(await hops.nth(2).getByTestId('hop-internal').innerText()).toBe('same machine');
    expect(await dialog.locator('.route-summary').innerText()).toBe(
      '4 hops (2 of them on one machine, not between servers), 5 s from first to last. Client ' +
        'verified (reverse DNS and address) at 1 of 2 hops.',
    );
    await shoot('amavis', hops.nth(2));
  });

  it('Yahoo’s gateway by HTTP is an in-network submission, not a broken chain', async () => {
    await analyze('yahoo-hermes-http');
    const gateway = dialog.getByTestId('hop').nth(2);
    await eventually(() => gateway.getByTestId('hop-internal').innerText()).toBe('in-network');
    // before: "Hop 3 was received from sonic.gate.mail.ne1.yahoo.com, which is not hermes…"
    expect(await dialog.getByRole('note').count()).toBe(0);
    expect(await gateway.getByTestId('hop-unverified').count()).toBe(0);
    expect(await gateway.getByTestId('hop-client-check').innerText()).toBe(
      'yahoo.com’s own gateway, by HTTP: no client address to check',
    );
    await shoot('yahoo', gateway);
  });

  it('IBM’s gateway reads ESMTP, and Zoho’s two domains join up', async () => {
    await analyze('gateway-proofpoint');
    const relayed = dialog.getByTestId('hop').nth(2);
    await eventually(() => relayed.innerText()).toContain('ProtocolESMTP\n');
    expect(await relayed.innerText()).not.toContain('Authorized Use Only');
    await screen.closeDialog();
    await analyze('zoho-sibling-domains');
    await eventually(() => dialog.getByTestId('hop').count()).toBe(3);
    // before: "Hop 2 was received from sender4-of-o51.zoho.com, which is not mx.zohomail.com…"
    expect(await dialog.getByRole('note').count()).toBe(0);
  });
});
