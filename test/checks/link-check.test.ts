// The link check against a real local HTTP server that answers 200, 301, 404, 405, a redirect to
// ftp: and never (slow), through Mailpit's own client (`linkCheck`) and plain HTTP.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MailpitClient } from 'mailpit-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { extractLinks } from '../../main/core/checks/link-check/index.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

interface Seen {
  method: string;
  path: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
const hanging = new Set<ServerResponse>();
let slowOpen = 0;
let slowMostAtOnce = 0;

function answer(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  seen.push({ method: req.method ?? '', path });
  if (path.startsWith('/slow')) {
    // never answers: the check's time limit must end it
    slowOpen++;
    slowMostAtOnce = Math.max(slowMostAtOnce, slowOpen);
    hanging.add(res);
    res.on('close', () => {
      slowOpen--;
      hanging.delete(res);
    });
    return;
  }
  if (path === '/ok' || path.startsWith('/img/')) return void res.writeHead(200).end();
  if (path === '/moved') return void res.writeHead(301, { location: '/ok' }).end();
  if (path === '/to-ftp')
    return void res.writeHead(302, { location: 'ftp://files.example/x' }).end();
  if (path === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
  if (path === '/get-only') return void res.writeHead(req.method === 'GET' ? 200 : 405).end();
  res.writeHead(404).end();
}

beforeAll(async () => {
  server = createServer(answer);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  seen.length = 0;
});

async function sendLinks(relay: TestRelaydesk, paths: string[], text = ''): Promise<string> {
  const html =
    `<p>${paths.map((p) => `<a href="${base}${p}">${p}</a>`).join(' ')}</p>` +
    `<img src="${base}/img/logo.png" alt=""> <a href="mailto:help@example.com">mail us</a>`;
  const info = await relay.transport().sendMail({
    from: 'app@sender.example',
    to: 'bob@rcpt.example',
    subject: 'Links',
    html,
    text: text || 'See the HTML part.',
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

describe('the link check', () => {
  let relay: TestRelaydesk;
  let client: MailpitClient;

  beforeAll(async () => {
    relay = await startTestRelaydesk({
      allowInternalHttpRequests: true,
      linkCheckTimeoutMs: 500,
    });
    client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
  });
  afterAll(async () => relay?.dispose());

  it('gives each link and image its status with HEAD, without following redirects', async () => {
    const id = await sendLinks(
      relay,
      ['/ok', '/moved', '/missing', '/slow'],
      `Confirm at ${base}/ok/text, or <${base}/missing/\n  wrapped>.`,
    );
    const result = await client.linkCheck(id, false);
    const byUrl = Object.fromEntries(result.Links.map((l) => [l.URL.slice(base.length), l]));
    expect(byUrl['/ok']).toMatchObject({ StatusCode: 200, Status: 'OK' });
    expect(byUrl['/moved']).toMatchObject({ StatusCode: 301, Status: 'Moved Permanently' });
    expect(byUrl['/missing']).toMatchObject({ StatusCode: 404, Status: 'Not Found' });
    expect(byUrl['/slow']?.StatusCode).toBe(0);
    expect(byUrl['/slow']?.Status).toMatch(/Timeout/);
    expect(byUrl['/img/logo.png']).toMatchObject({ StatusCode: 200 });
    // from the text part, and a bracketed URL wrapped over two lines
    expect(byUrl['/ok/text']).toMatchObject({ StatusCode: 404 });
    expect(byUrl['/missing/wrapped']).toMatchObject({ StatusCode: 404 });
    expect(result.Links.some((l) => l.URL.startsWith('mailto:'))).toBe(false);
    expect(result.Errors).toBe(4); // /missing, /slow, and the two text links
    // HEAD only: a GET could use up a one-time link
    expect(seen.every((s) => s.method === 'HEAD')).toBe(true);
  });

  it('follows redirects when asked, but never to a scheme other than http(s)', async () => {
    const id = await sendLinks(relay, ['/moved', '/to-ftp', '/loop']);
    const result = await client.linkCheck(id, true);
    const byUrl = Object.fromEntries(result.Links.map((l) => [l.URL.slice(base.length), l]));
    expect(byUrl['/moved']).toMatchObject({ StatusCode: 200, Status: 'OK' });
    expect(byUrl['/to-ftp']?.StatusCode).toBe(302);
    expect(byUrl['/to-ftp']?.Status).toMatch(/redirect to ftp: not followed/);
    expect(byUrl['/loop']?.Status).toMatch(/more than 5 redirects/);
    expect(seen.filter((s) => s.path === '/ok')).toHaveLength(1);
  });

  it('retries with GET only when asked', async () => {
    const id = await sendLinks(relay, ['/get-only']);
    const headOnly = await relay.api<{ Links: Array<{ URL: string; StatusCode: number }> }>(
      `/api/v1/message/${id}/link-check`,
    );
    expect(headOnly.Links.find((l) => l.URL.endsWith('/get-only'))?.StatusCode).toBe(405);
    expect(seen.some((s) => s.method === 'GET')).toBe(false);

    const withGet = await relay.api<{ Links: Array<{ URL: string; StatusCode: number }> }>(
      `/api/v1/message/${id}/link-check?get=true`,
    );
    expect(withGet.Links.find((l) => l.URL.endsWith('/get-only'))?.StatusCode).toBe(200);
    expect(seen.filter((s) => s.method === 'GET').map((s) => s.path)).toEqual(['/get-only']);
  });

  it('checks several links at once, but at most two on one host', async () => {
    slowMostAtOnce = 0;
    const id = await sendLinks(relay, ['/slow/1', '/slow/2', '/slow/3', '/slow/4', '/slow/5']);
    const result = await client.linkCheck(id);
    expect(result.Links.filter((l) => l.URL.includes('/slow/')).map((l) => l.StatusCode)).toEqual([
      0, 0, 0, 0, 0,
    ]);
    expect(slowMostAtOnce).toBe(2);
  });

  it('answers 400 for a bad follow value and 404 for an unknown message', async () => {
    expect((await relay.fetch('/api/v1/message/latest/link-check?follow=maybe')).status).toBe(400);
    expect((await relay.fetch('/api/v1/message/no-such-id/link-check')).status).toBe(404);
  });
});

describe('the link check by default', () => {
  it('does not reach loopback or private addresses', async () => {
    const relay = await startTestRelaydesk();
    try {
      // by address, and by a name that resolves to loopback
      const byName = base.replace('127.0.0.1', 'localhost');
      const id = await sendLinks(relay, ['/ok'], `Also ${byName}/ok/by-name here.`);
      const result = await new MailpitClient(`http://127.0.0.1:${relay.http.port}`).linkCheck(id);
      for (const url of [`${base}/ok`, `${byName}/ok/by-name`]) {
        const link = result.Links.find((l) => l.URL === url);
        expect(link?.StatusCode, url).toBe(451);
        // Relaydesk's mark, so a window can tell it from a link that failed
        expect((link as { Blocked?: boolean } | undefined)?.Blocked, url).toBe(true);
        expect(link?.Status).toMatch(
          /Blocked private\/reserved address.*--allow-internal-http-requests/,
        );
      }
      expect(seen).toEqual([]);
    } finally {
      await relay.dispose();
    }
  });
});

describe('link extraction', () => {
  it('finds links in attributes, srcset and text, and skips other schemes and credentials', () => {
    const html = `<a href="https://a.example/x">a</a><img srcset="https://cdn.example/1x.png 1x, https://cdn.example/2x.png 2x">
      <td background="https://bg.example/b.gif"></td><a href="tel:123">t</a><a href="https://user:pw@a.example/">c</a>`;
    const text = 'Read (https://wiki.example/Foo_(bar)) and https://a.example/end.';
    expect(extractLinks(html, text)).toEqual([
      'https://a.example/x',
      'https://cdn.example/1x.png',
      'https://cdn.example/2x.png',
      'https://bg.example/b.gif',
      'https://wiki.example/Foo_(bar)',
      'https://a.example/end',
    ]);
  });
});
