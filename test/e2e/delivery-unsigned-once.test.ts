// The Delivery tab of a relay without a DKIM key for the sender's domain said "Signed by: not
// signed" on every attempt, a non-fact repeated: it says it once for the message, with the way to
// Settings → Signing. A key of the domain that did not sign (it waits for DNS) is news on the
// attempt it happened to, and keeps its line there. Real SMTP in and out, Debian's Chromium.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from '../helpers/delivery.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { shootLightAndDark, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('an unsigned message in the Delivery tab', () => {
  let upstream: RunningUpstream;
  let gui: Gui;
  let page: Page;

  beforeAll(async () => {
    upstream = await startUpstreamServer({ tls: 'none' });
    gui = await startGui(chromiumPath as string, {
      settings: {
        mode: 'relay',
        relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      },
    });
    ({ page } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  const send = async (from: string, subject: string) => {
    const info = await gui.relaydesk
      .transport()
      .sendMail({ from, to: ['anna@example.net', 'ben@example.net'], subject, text: '.' });
    return /queued as (\S+)/.exec(info.response)?.[1] as string;
  };

  const openDelivery = async (subject: string) => {
    await gui.openLive();
    await gui.openTab(subject, 'Delivery');
    await page.getByTestId('delivery-view').waitFor();
  };

  it('says once that no key signs it, not on each attempt, and leads to Settings → Signing', async () => {
    // two attempts each for two recipients: the first deferred, the retry taken
    upstream.setFailures({ mail: { code: 451, text: '4.3.0 try later' } });
    const id = await send('office@example.com', 'No key at all');
    await settled(gui.relaydesk, id, (d) => d.recipients.every((r) => r.state === 'deferred'));
    upstream.setFailures({});
    await gui.relaydesk.api('/api/v1/queue/retry', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [id] }),
    });
    await settled(gui.relaydesk, id, (d) => d.status === 'delivered');

    await openDelivery('No key at all');
    await eventually(() => page.getByTestId('attempt').count()).toBe(4);
    expect(await page.getByTestId('delivery-unsigned').innerText()).toBe(
      'Not DKIM-signed: no key for example.com — add one in Settings → Signing.',
    );
    expect(await page.getByTestId('attempt-signed-by').count()).toBe(0);
    expect(await page.getByText('Signed by:').count()).toBe(0);
    await shootLightAndDark(page, 'delivery-unsigned-once');

    await page.getByTestId('delivery-unsigned').getByRole('link').click();
    await eventually(() => page.evaluate(() => location.hash)).toBe('#settings');
    const signing = page.locator('#section-signing');
    await signing.waitFor();
    await eventually(() =>
      signing.evaluate((section) => {
        const box = section.getBoundingClientRect();
        return box.top >= 0 && box.top < window.innerHeight;
      }),
    ).toBe(true);
    expect(gui.pageErrors).toEqual([]);
  });

  it('keeps the line on each attempt when a key of the domain did not sign', async () => {
    // made in the app, the key waits for its DNS record before it signs
    await gui.relaydesk.api('/api/v1/dkim/keys', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'shop.example', selector: 's1', algorithm: 'ed25519' }),
    });
    const id = await send('office@shop.example', 'Key waits for DNS');
    await settled(gui.relaydesk, id, (d) => d.status === 'delivered');
    await openDelivery('Key waits for DNS');
    const signedBy = page.getByTestId('attempt-signed-by');
    await eventually(() => signedBy.count()).toBe(2);
    expect(await signedBy.first().innerText()).toMatch(
      /^not signed: the key of shop\.example waits for DNS/,
    );
    expect(await page.getByTestId('delivery-unsigned').count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });
});
