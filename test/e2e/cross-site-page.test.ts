// A web page on another site, in a real Chromium, against the local API: it may link to
// Relaydesk, but it must not learn what mail is captured by timing or watching what it embeds
// (/api/v1/wait answered at once for a match and at the timeout otherwise, so a page could search
// the mail letter by letter), nor frame the UI to clickjack it. The browser says where a request
// comes from in Sec-Fetch-*; the guard (main/server/request-guard.ts) reads it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proxyData } from '../../preload/api-methods.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, launchChromium, type ChromiumSession } from './browser.js';
import { ensureRendererBuilt } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);

/** The attacker's page, served from 127.0.0.2 (another site than 127.0.0.1) on a free port. */
async function attackerSite(html: string): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  return { server, url: `http://127.0.0.2:${(server.address() as AddressInfo).port}/` };
}

/** The status of every answer the relay gave the page (that Chromium lets it see), by path. */
function relayAnswers(page: Page, relayBase: string): Map<string, number> {
  const answers = new Map<string, number>();
  page.on('response', (res) => {
    if (res.url().startsWith(relayBase))
      answers.set(res.url().slice(relayBase.length), res.status());
  });
  return answers;
}

describe.skipIf(!chromiumPath)('a page on another site, in Chromium', () => {
  let relaydesk: TestRelaydesk;
  let browser: ChromiumSession;
  const servers: Server[] = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
    // internal addresses allowed, so the screenshot's proxy would fetch the local "sender's
    // site" below for anyone the request guard lets through
    relaydesk = await startTestRelaydesk({ allowInternalHttpRequests: true });
    browser = await launchChromium(chromiumPath as string);
    const transport = relaydesk.transport();
    await transport.sendMail({
      from: 'bank@example.com',
      to: 'me@example.net',
      subject: 'Your reset code 4242',
      text: 'code 4242',
    });
    transport.close();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) server.close();
    await relaydesk?.dispose();
  });

  it('cannot search the mail through what it embeds, nor frame the UI', async () => {
    const base = `http://127.0.0.1:${relaydesk.http.port}`;
    const probe = (query: string) =>
      `${base}/api/v1/wait?timeout=60&query=${encodeURIComponent(query)}`;
    // each probe records when its load or error event fires
    const site = await attackerSite(`<!doctype html><title>evil</title>
      <script>
        window.probes = {};
        function probe(name, url) {
          const script = document.createElement('script');
          script.src = url;
          script.onload = script.onerror = (e) => { window.probes[name] = e.type; };
          document.head.append(script);
        }
        probe('match', ${JSON.stringify(probe('subject:4242'))});
        probe('miss', ${JSON.stringify(probe('subject:9999'))});
      </script>
      <iframe src="${base}/"></iframe>
      <a id="link" href="${base}/view/latest">open the latest mail</a>`);
    servers.push(site.server);
    const page = await browser.newPage();
    const answers = relayAnswers(page, base);
    await page.goto(site.url);
    // refused, the miss ends as soon as the match: answered, it would end only at the timeout
    await eventually(() => page.evaluate(() => (window as { probes?: object }).probes)).toEqual({
      match: 'error',
      miss: 'error',
    });
    await eventually(() => answers.get('/')).toBe(403);
    const framed = page.frames().find((frame) => frame !== page.mainFrame());
    expect(await framed?.locator('#root').count()).toBe(0);

    // a link the user follows still opens the mail
    await page.click('#link');
    await page.waitForURL(`${base}/?message=*`);
    await page.getByText('Your reset code 4242').first().waitFor();
  });

  it('cannot time the API in a window of its own either: an API address is no link target', async () => {
    const base = `http://127.0.0.1:${relaydesk.http.port}`;
    // a window the page opened once can be sent from one /api/v1/wait to the next, and the page
    // sees when each answer arrives (the window is no longer its own from that moment)
    const wait = `${base}/api/v1/wait?timeout=60&query=subject%3A4242`;
    const site = await attackerSite(`<!doctype html><title>evil</title>
      <a id="wait" href="${wait}">prize</a>`);
    servers.push(site.server);
    const page = await browser.newPage();
    await page.goto(site.url);
    const [answer] = await Promise.all([page.waitForResponse(wait), page.click('#wait')]);
    expect(answer.status()).toBe(403);
    expect(((await answer.json()) as { error: string }).error).toMatch(
      /opened from another site's page .* refused: .*type or paste the address/,
    );
    // typed into the address bar, the same address answers
    expect((await page.goto(wait))?.status()).toBe(200);
  });

  it("cannot make the screenshot's proxy fetch a captured mail's image, embedded or linked", async () => {
    const base = `http://127.0.0.1:${relaydesk.http.port}`;
    // the sender's site: a fetch of its image tells the sender the mail was opened
    const hits: string[] = [];
    const sender = createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'image/png' }).end();
    });
    servers.push(sender);
    await new Promise<void>((resolve) => sender.listen(0, '127.0.0.1', resolve));
    const image = `http://127.0.0.1:${(sender.address() as AddressInfo).port}/open.png`;
    const transport = relaydesk.transport();
    const info = await transport.sendMail({
      from: 'news@example.com',
      to: 'me@example.net',
      subject: 'Tracked newsletter',
      html: `<img src="${image}">`,
    });
    transport.close();
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const proxy = `${base}/proxy?data=${encodeURIComponent(proxyData(id, image))}`;
    const site = await attackerSite(`<!doctype html><title>evil</title>
      <img id="embedded" src="${proxy}" onload="window.embedded='load'" onerror="window.embedded='error'">
      <a id="proxy" href="${proxy}">prize</a>`);
    servers.push(site.server);
    const page = await browser.newPage();
    await page.goto(site.url);
    // refused: Chromium reports no answer for the <img> to the page's events here, so the
    // sender's site (below) is the witness
    await eventually(() => page.evaluate(() => (window as { embedded?: string }).embedded)).toBe(
      'error',
    );
    const [answer] = await Promise.all([page.waitForResponse(proxy), page.click('#proxy')]);
    expect(answer.status()).toBe(403);
    expect(((await answer.json()) as { error: string }).error).toMatch(
      /^GET \/proxy opened from another site's page \(Sec-Fetch-Site: cross-site\) refused/,
    );
    expect(hits).toEqual([]);
    // a client that is no browser page (the app's own screenshot, a script) is served
    expect((await relaydesk.fetch(proxy.slice(base.length))).status).toBe(200);
    expect(hits).toEqual(['/open.png']);
  });

  it('answers every request with nosniff and no framing by another origin', async () => {
    const res = await relaydesk.fetch('/');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const raw = await relaydesk.fetch('/api/v1/message/latest/raw');
    expect(raw.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
