// Mailpit's /proxy (the HTML screenshot's remote images, style sheets and fonts) against a real
// local HTTP server standing in for the sender's site. It fetches only an address the message
// loads, never this machine's unless allowInternalHttpRequests is on (the remote site here is
// 127.0.0.1, so the positive cases turn that on, and a second relay without it is refused),
// only images, CSS and fonts, within a size limit, and carries nothing of the caller's.
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { maxAssetBytes } from '../../main/core/asset-proxy/index.js';
import { proxyData } from '../../preload/api-methods.js';
import { solidPng } from '../helpers/solid-png.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const logo = solidPng(4, 3, [200, 30, 90]);
const background = solidPng(2, 2, [10, 125, 60]);

let site: Server;
let base: string;
const asked: { path: string; headers: IncomingHttpHeaders }[] = [];

beforeAll(async () => {
  site = createServer((req, res) => {
    const path = req.url ?? '/';
    asked.push({ path, headers: req.headers });
    if (path === '/logo.png')
      return void res.writeHead(200, { 'content-type': 'image/png' }).end(logo);
    if (path === '/img/bg.png')
      return void res.writeHead(200, { 'content-type': 'image/png' }).end(background);
    if (path === '/css/style.css')
      return void res
        .writeHead(200, { 'content-type': 'text/css; charset=utf-8' })
        .end(
          ".hero { background: url('../img/bg.png') } .x { background: url(data:image/gif;base64,R0lG) }",
        );
    if (path === '/page.html')
      return void res.writeHead(200, { 'content-type': 'text/html' }).end('<p>secret page</p>');
    if (path === '/big.png') {
      // said by its Content-Length: refused before a byte is read
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': maxAssetBytes + 1 });
      return void res.end(Buffer.alloc(maxAssetBytes + 1));
    }
    if (path === '/big-chunked.png') {
      // no length given: counted as it comes
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(1024 * 1024);
      let sent = 0;
      const more = (): void => {
        while (sent <= maxAssetBytes) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('error', () => undefined);
      return more();
    }
    if (path === '/moved.png') return void res.writeHead(302, { location: '/logo.png' }).end();
    res.writeHead(404).end();
  });
  site.listen(0, '127.0.0.1');
  await once(site, 'listening');
  base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
});
afterAll(async () => {
  site.closeAllConnections();
  await new Promise((resolve) => site.close(resolve));
});
beforeEach(() => {
  asked.length = 0;
});

async function sendNewsletter(relay: TestRelaydesk): Promise<string> {
  const html =
    `<html><head><link rel="stylesheet" href="${base}/css/style.css"></head><body>` +
    `<img src="${base}/logo.png" alt="logo"><img src="${base}/page.html" alt="">` +
    `<img src="${base}/big.png" alt=""><img src="${base}/big-chunked.png" alt="">` +
    `<img src="${base}/moved.png" alt=""><a href="${base}/linked.png">a link, not loaded</a>` +
    '</body></html>';
  const info = await relay.transport().sendMail({
    from: 'news@sender.example',
    to: 'you@rcpt.example',
    subject: 'Newsletter',
    html,
    text: 'the newsletter',
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

const proxied = (relay: TestRelaydesk, id: string, url: string, init?: RequestInit) =>
  relay.fetch(`/proxy?data=${encodeURIComponent(proxyData(id, url))}`, init);

describe("the screenshot's proxy, with allowInternalHttpRequests on", () => {
  let relay: TestRelaydesk;
  let id: string;

  beforeAll(async () => {
    relay = await startTestRelaydesk({ allowInternalHttpRequests: true });
    id = await sendNewsletter(relay);
  });
  afterAll(async () => relay?.dispose());

  it("passes on an image of the message, byte for byte, and nothing of the caller's", async () => {
    const res = await proxied(relay, id, `${base}/logo.png`, {
      headers: {
        cookie: 'session=s3cret',
        authorization: 'Bearer t0ken',
        referer: 'http://127.0.0.1/',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    // the sender's bytes on the API's origin: no script of theirs runs if opened here
    expect(res.headers.get('content-security-policy')).toBe('sandbox');
    expect(Buffer.from(await res.arrayBuffer()).equals(logo)).toBe(true);
    expect(asked.map((a) => a.path)).toEqual(['/logo.png']);
    const headers = asked[0]?.headers ?? {};
    expect(headers.cookie).toBeUndefined();
    expect(headers.authorization).toBeUndefined();
    expect(headers.referer).toBeUndefined();
    expect(headers['user-agent']).toMatch(/^Relaydesk\//);
  });

  it('follows a redirect of an image of the message', async () => {
    const res = await proxied(relay, id, `${base}/moved.png`);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(logo)).toBe(true);
  });

  it('refuses an address the message does not load, without asking it', async () => {
    for (const url of [`${base}/linked.png`, `${base}/other.png`]) {
      const res = await proxied(relay, id, url);
      expect(res.status).toBe(403);
      expect(await res.text()).toBe(
        `${url} refused: neither the HTML of message ${id} nor a style sheet of it that went through the proxy names it (the proxy fetches only what the message loads)`,
      );
    }
    expect(asked).toEqual([]);
  });

  it('refuses what is not an image, a style sheet or a font', async () => {
    const res = await proxied(relay, id, `${base}/page.html`);
    expect(res.status).toBe(403);
    const words = await res.text();
    expect(words).toBe(
      `${base}/page.html refused: its Content-Type is "text/html"; the screenshot's proxy passes on only images, style sheets (text/css) and fonts`,
    );
    expect(words).not.toContain('secret page');
  });

  it('refuses what is larger than its limit, whether its length is said or not', async () => {
    for (const path of ['/big.png', '/big-chunked.png']) {
      const res = await proxied(relay, id, `${base}${path}`);
      expect(res.status).toBe(502);
      expect(await res.text()).toBe(
        `${base}${path} refused: it is larger than 50 MB, the most the screenshot's proxy passes on`,
      );
    }
  });

  it('passes on a style sheet with its url(…) made absolute, then the images it names', async () => {
    const bg = `${base}/img/bg.png`;
    // not in the HTML: only once its sheet has gone through
    expect((await proxied(relay, id, bg)).status).toBe(403);
    const sheet = await proxied(relay, id, `${base}/css/style.css`);
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await sheet.text()).toBe(
      `.hero { background: url('${bg}') } .x { background: url(data:image/gif;base64,R0lG) }`,
    );
    const image = await proxied(relay, id, bg);
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer()).equals(background)).toBe(true);
  });

  it('says which field is wrong when data is not an ID and a URL', async () => {
    const cases: [string, RegExp][] = [
      ['', /^data is missing: give base64 of "MESSAGE-ID:URL"/],
      ['%%%', /^data: "%%%" is not base64: give base64 of "MESSAGE-ID:URL"/],
      [
        Buffer.from('no-colon').toString('base64'),
        /^data: "bm8tY29sb24=" holds no "MESSAGE-ID:URL"/,
      ],
    ];
    for (const [data, words] of cases) {
      const res = await relay.fetch(`/proxy?data=${encodeURIComponent(data)}`);
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(words);
    }
    const notHttp = await proxied(relay, id, 'file:///etc/passwd');
    expect(notHttp.status).toBe(400);
    expect(await notHttp.text()).toMatch(
      /^url: "file:\/\/\/etc\/passwd" is not an http or https URL/,
    );
    const noMessage = await proxied(relay, 'nosuchmessage', `${base}/logo.png`);
    expect(noMessage.status).toBe(404);
    expect(asked).toEqual([]);
  });
});

describe("the screenshot's proxy, with allowInternalHttpRequests off (the default)", () => {
  let relay: TestRelaydesk;

  beforeAll(async () => {
    relay = await startTestRelaydesk();
  });
  afterAll(async () => relay?.dispose());

  it('refuses an image of the message on this machine, by its address, and says how to allow it', async () => {
    const id = await sendNewsletter(relay);
    const res = await proxied(relay, id, `${base}/logo.png`);
    expect(res.status).toBe(403);
    expect(await res.text()).toBe(
      `${base}/logo.png refused: 127.0.0.1 is a private, loopback or link-local address, and a message must not make Relaydesk reach this machine or its network (--allow-internal-http-requests true allows it)`,
    );
    // a name that resolves here is refused by the address it resolves to
    const named = `http://localhost:${new URL(base).port}/logo.png`;
    const info = await relay.transport().sendMail({
      from: 'news@sender.example',
      to: 'you@rcpt.example',
      subject: 'By name',
      html: `<img src="${named}">`,
    });
    const byName = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const refused = await proxied(relay, byName, named);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(
      /^http:\/\/localhost:\d+\/logo\.png refused: localhost \((127\.0\.0\.1|::1)\) is a private, loopback or link-local address/,
    );
    expect(asked).toEqual([]);
  });
});
