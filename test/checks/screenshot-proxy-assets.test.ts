// What the screenshot's proxy counts as a message's remote assets (Mailpit's getAssets: <link
// href>, <img src>, `background`, url(…) in the HTML), how it makes a style sheet's addresses
// absolute, and its time limit against a real local server that never answers.
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { fetchAsset } from '../../main/core/asset-proxy/asset-fetch.js';
import { AssetProxy } from '../../main/core/asset-proxy/index.js';
import { absoluteSheet, messageAssets } from '../../main/core/asset-proxy/message-assets.js';
import { unusedPort } from '../helpers/ports.js';

describe("a message's remote assets", () => {
  it('are the addresses its HTML loads, absolute http(s) only, as the browser asks them', () => {
    const html = `<html><head>
      <link rel="stylesheet" href="https://cdn.example/a.css">
      <style>.hero { background: url("https://IMG.example/hero.png#top") }</style></head>
      <body background="http://img.example/paper.gif">
      <img src="https://img.example/a b.png"><img src="relative.png"><img src="cid:logo">
      <img src="data:image/gif;base64,R0lG"><img src="https://user:pw@img.example/x.png">
      <div style="background-image:url(http://img.example/inline.png)"></div>
      <a href="https://shop.example/buy">a link is not loaded</a></body></html>`;
    expect([...messageAssets(html)].sort()).toEqual([
      'http://img.example/inline.png',
      'http://img.example/paper.gif',
      'https://cdn.example/a.css',
      'https://img.example/a%20b.png',
      'https://img.example/hero.png',
    ]);
  });

  it("of a style sheet are its url(…) made absolute against the sheet's address", () => {
    const sheet = absoluteSheet(
      `@font-face { src: url('../fonts/f.woff2') }
       .a { background: url(img/a.png) } .b { background: url("//cdn.example/b.png") }
       .c { background: url(data:image/gif;base64,R0lG) } .d { background: url(javascript:x) }`,
      'https://news.example/css/site.css',
    );
    expect(sheet.css).toBe(
      `@font-face { src: url('https://news.example/fonts/f.woff2') }
       .a { background: url(https://news.example/css/img/a.png) } .b { background: url("https://cdn.example/b.png") }
       .c { background: url(data:image/gif;base64,R0lG) } .d { background: url(javascript:x) }`,
    );
    expect([...sheet.assets]).toEqual([
      'https://news.example/fonts/f.woff2',
      'https://news.example/css/img/a.png',
      'https://cdn.example/b.png',
    ]);
  });
});

describe("the proxy's fetch", () => {
  it("reads a message once for all of a screenshot's requests at once", async () => {
    let reads = 0;
    const proxy = new AssetProxy();
    const html = async () => {
      reads++;
      return '<img src="https://cdn.example/a.png"><img src="https://cdn.example/b.png">';
    };
    const asked = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        proxy.fetch('m1', html, `https://elsewhere.example/${i}.png`, {
          allowInternal: false,
          userAgent: 'test',
        }),
      ),
    );
    // each refused (not in the message), all from one reading of it
    expect(asked.map((a) => a.status)).toEqual(Array(5).fill('rejected'));
    expect(reads).toBe(1);
  });

  it('says a refused connection in words, as the link check does', async () => {
    const url = `http://127.0.0.1:${await unusedPort()}/logo.png`;
    await expect(fetchAsset(url, { allowInternal: true, userAgent: 'test' })).rejects.toMatchObject(
      { httpStatus: 502, message: `${url} failed: Connection refused` },
    );
  });

  it('gives up at its time limit and says so', async () => {
    const hanging = new Set<ServerResponse>();
    const server = createServer((_req, res) => void hanging.add(res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow.png`;
    try {
      await expect(
        fetchAsset(url, { allowInternal: true, userAgent: 'test', timeoutMs: 300 }),
      ).rejects.toMatchObject({
        httpStatus: 502,
        message: `${url} failed: no answer within 0.3 s`,
      });
    } finally {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
