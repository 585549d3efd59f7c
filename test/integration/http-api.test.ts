// Relaydesk's HTTP API beyond the client libraries: its OpenAPI document, errors, the wait
// endpoint, live events, and the guards that keep web pages from driving it.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { MessageSummary, RelaydeskEvent } from '../../preload/api-contract.js';
import { waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let messageId: string;

async function send(subject: string, to = 'bob@rcpt.example'): Promise<string> {
  const info = await relay
    .transport()
    .sendMail({ from: 'ada@sender.example', to, subject, text: subject });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

beforeAll(async () => {
  relay = await startTestRelaydesk();
  messageId = await send('First message');
});
afterAll(async () => relay?.dispose());

interface OpenApiDocument {
  paths: Record<
    string,
    Record<string, { parameters?: Array<{ name: string; in: string; required?: boolean }> }>
  >;
}

describe('the OpenAPI document', () => {
  it('describes every route, and every documented route answers', async () => {
    const doc = await relay.api<OpenApiDocument>('/api/v1/openapi.json');
    const paths = Object.keys(doc.paths);
    for (const expected of [
      '/api/v1/messages',
      '/api/v1/search',
      '/api/v1/message/{id}',
      '/api/v1/message/{id}/headers',
      '/api/v1/message/{id}/raw',
      '/api/v1/message/{id}/part/{partId}',
      '/api/v1/info',
      '/api/v1/wait',
      '/api/v2/messages',
      '/api/v2/search',
      '/api/v1/messages/{id}',
      '/api/v1/auth/lockouts',
      '/api/v1/auth/lockouts/release',
      '/metrics',
      '/api/v1/tags',
      '/api/v1/tags/{tag}',
      '/api/v1/send',
      '/api/v1/chaos',
      '/api/v1/webhooks',
      '/api/v1/ingest',
    ]) {
      expect(paths).toContain(expected);
    }
    // Each documented GET answers with something other than "no such route"; writes are
    // checked with an unknown ID so nothing is changed.
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods)) {
        const url =
          path
            .replace('{id}', method === 'get' ? messageId : 'unknown-id')
            .replace('{partId}', '1') +
          (path.endsWith('/search') ? '?query=first&kind=containing' : '') +
          (path.endsWith('/wait') ? '?timeout=0.1' : '');
        // live streams stay open: their own tests read them
        if (/\/(events|websocket)$/.test(path)) continue;
        if (method !== 'get' && !path.includes('{id}')) continue;
        const res = await relay.fetch(url, { method: method.toUpperCase() });
        const body = await res.text();
        expect(body, `${method.toUpperCase()} ${url}`).not.toMatch(/no such route/);
        expect(res.status, `${method.toUpperCase()} ${url}: ${body}`).toBeLessThan(500);
      }
    }
  });
});

describe('errors', () => {
  it("answers 404 for an unknown message ID with Mailpit's text", async () => {
    const res = await relay.fetch('/api/v1/message/no-such-id');
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('404 page not found');
  });

  // bad paging is no longer one: Mailpit ignores start/limit it cannot use (mailpit-route-parity)
  it('answers 400 naming the parameter that is missing', async () => {
    // a Relaydesk route: its errors are JSON (Mailpit's are text, mailpit-route-parity)
    const res = await relay.fetch('/api/v1/routing/test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/^body\.recipient: must have required property/);
  });

  it('answers 400 naming the term for a bad search', async () => {
    const res = await relay.fetch(
      `/api/v1/search?query=${encodeURIComponent('before:not-a-date')}`,
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/before/);
  });

  it('answers 400 for a MailHog search of an unknown kind', async () => {
    const res = await relay.fetch('/api/v2/search?kind=subject&query=x');
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/kind/);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await relay.fetch('/api/v1/messages', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/not valid JSON/);
  });
});

describe('GET /api/v1/wait', () => {
  it('answers at once with a matching message that is already there', async () => {
    const res = await relay.api<MessageSummary>('/api/v1/wait?query=subject:first&timeout=5');
    expect(res.ID).toBe(messageId);
  });

  it('answers when a matching message arrives', async () => {
    const waiters = relay.service.listenerCount('event');
    const waiting = relay.api<MessageSummary>(
      `/api/v1/wait?query=${encodeURIComponent('subject:"arrives later"')}&timeout=10`,
    );
    // send only once the request waits, so the message really arrives later
    await waitFor(
      'the wait request to listen',
      () => relay.service.listenerCount('event') > waiters,
    );
    await send('Arrives later');
    expect((await waiting).Subject).toBe('Arrives later');
  });

  it('with since, passes over a match received before it and answers the next one', async () => {
    // "first" is there already, from before the time the suite took
    const since = new Date(Date.now() + 1).toISOString();
    const waiters = relay.service.listenerCount('event');
    const waiting = relay.api<MessageSummary>(
      `/api/v1/wait?query=subject:first&since=${encodeURIComponent(since)}&timeout=10`,
    );
    await waitFor(
      'the wait request to listen',
      () => relay.service.listenerCount('event') > waiters,
    );
    const again = await send('First again');
    expect((await waiting).ID).toBe(again);
    const bad = await relay.fetch('/api/v1/wait?query=x&since=yesterday&timeout=1');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe(
      'since: "yesterday" is not valid; give an RFC 3339 time such as 2026-12-03T10:00:00Z',
    );
  });

  it('answers 408 at the timeout', async () => {
    const res = await relay.fetch('/api/v1/wait?query=subject:never&timeout=0.2');
    expect(res.status).toBe(408);
    expect((await res.json()).error).toMatch(/no message matching "subject:never"/);
  });
});

describe('live events on /api/events', () => {
  it('answers a plain GET with 426 Upgrade Required, saying it is a WebSocket endpoint and where', async () => {
    // what a browser tab or `curl http://…/api/events` sends: no Upgrade, no handshake
    const res = await fetch(`http://127.0.0.1:${relay.http.port}/api/events?shape=relaydesk`);
    expect(res.status).toBe(426);
    expect(res.headers.get('upgrade')).toBe('websocket');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: `/api/events is a WebSocket endpoint: connect with a WebSocket client to ws://127.0.0.1:${relay.http.port}/api/events (a plain HTTP GET gets no events)`,
    });
    // the handshake on the same path still opens the socket
    const socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events`);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.close();
  });

  it("with ?shape=relaydesk, as our GUI asks, include the Logs view's lines", async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events?shape=relaydesk`);
    const events: RelaydeskEvent[] = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as RelaydeskEvent));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    try {
      const id = await send('Logged one');
      await expect
        .poll(() =>
          events.some((e) => e.Type === 'log' && e.Data.line.includes(`result=accepted id=${id}`)),
        )
        .toBe(true);
    } finally {
      socket.close();
    }
  });

  it('sends new, update, delete and stats events', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events`);
    const events: RelaydeskEvent[] = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as RelaydeskEvent));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    try {
      const id = await send('Live one');
      await relay.fetch(`/api/v1/message/${id}`);
      await relay.fetch('/api/v1/messages', {
        method: 'DELETE',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ IDs: [id] }),
      });
      await expect
        .poll(() => events.map((e) => e.Type))
        .toEqual(expect.arrayContaining(['new', 'stats', 'update', 'delete']));
      expect(events.find((e) => e.Type === 'new')?.Data).toMatchObject({
        ID: id,
        Subject: 'Live one',
      });
      expect(events.find((e) => e.Type === 'update')?.Data).toEqual({ ID: id, Read: true });
      // Mailpit's shape: one event per message deleted
      expect(events.find((e) => e.Type === 'delete')?.Data).toEqual({ ID: id });
      // nor the Logs view's lines (the SMTP audit of that message), which Mailpit never sends
      expect(events.map((e) => e.Type)).not.toContain('log');
    } finally {
      socket.close();
    }
  });
});

function rawRequest(
  path: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: relay.http.port, path, method, headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the update event of a tag save', () => {
  it("answers each save of a message's tags with its update event, also one that changed nothing", async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events?shape=relaydesk`);
    const tagEvents: string[][] = [];
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as RelaydeskEvent;
      if (event.Type === 'update' && event.Data.Tags) tagEvents.push(event.Data.Tags);
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    try {
      const id = await send('Tagged twice');
      const setTags = (tags: string[]) =>
        relay.fetch('/api/v1/tags', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ IDs: [id], Tags: tags }),
        });
      expect((await setTags(['alpha', 'beta'])).status).toBe(200);
      // the second save finds them so (another window set them a moment before): the GUI's tag
      // editor counts on an answer to each of its saves, or it takes the next real change from
      // elsewhere for it and does not show it
      expect((await setTags(['alpha', 'beta'])).status).toBe(200);
      expect((await setTags(['alpha'])).status).toBe(200);
      await expect.poll(() => tagEvents).toEqual([['alpha', 'beta'], ['alpha', 'beta'], ['alpha']]);
    } finally {
      socket.close();
    }
  });
});

describe('a web page cannot drive the local API', () => {
  it('refuses a state change from another origin', async () => {
    const res = await rawRequest('/api/v1/messages', 'DELETE', {
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error).toMatch(
      /cross-origin DELETE from https:\/\/evil\.example refused/,
    );
    expect((await relay.api<{ total: number }>('/api/v1/messages')).total).toBeGreaterThan(0);
  });

  it('allows a state change from its own UI origin', async () => {
    // with a body, as the GUI sends it: a PUT without one is refused as Mailpit refuses it
    const res = await rawRequest(
      `/api/v1/messages`,
      'PUT',
      {
        origin: `http://127.0.0.1:${relay.http.port}`,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/json',
      },
      '{"Read": true}',
    );
    expect(res.status).toBe(200);
  });

  it('refuses a request whose Host is not a loopback name (DNS rebinding)', async () => {
    const res = await rawRequest('/api/v1/messages', 'GET', {
      host: `evil.example:${relay.http.port}`,
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error).toMatch(/DNS rebinding/);
  });

  it('refuses a WebSocket opened by another origin', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}/api/events`, {
      origin: 'https://evil.example',
    });
    const outcome = await new Promise<string>((resolve) => {
      socket.once('open', () => resolve('open'));
      socket.once('unexpected-response', (_req, res) => resolve(`status ${res.statusCode}`));
      socket.once('error', (err) => resolve(`error ${err.message}`));
    });
    socket.terminate();
    expect(outcome).toBe('status 403');
  });

  it('sends no CORS headers, so other origins cannot read mail', async () => {
    const res = await relay.fetch('/api/v1/messages', {
      headers: { origin: 'https://evil.example' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('a preflight (OPTIONS) without --api-cors', () => {
  it("answers as Mailpit's does, and lets no other origin read", async () => {
    const url = `http://127.0.0.1:${relay.http.port}/api/v1/message/${messageId}`;
    const plain = await fetch(url, { method: 'OPTIONS' });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await plain.text()).toBe('');
    expect(plain.headers.get('access-control-allow-methods')).toBe(
      'GET, POST, DELETE, PUT, OPTIONS',
    );
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();

    // the UI's own origin: the same answer
    const own = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: `http://127.0.0.1:${relay.http.port}` },
    });
    expect(own.status).toBe(200);

    // another origin: refused, as Mailpit's "Blocked due to CORS violation", with no Allow-Origin
    const other = await fetch(url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' },
    });
    expect(other.status).toBe(403);
    expect(await other.text()).toMatch(/Blocked due to CORS violation.*evil\.example.*--api-cors/);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // as a browser sends it: the request guard refuses it first
    const browser = await fetch(url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://evil.example',
        'access-control-request-method': 'DELETE',
        'sec-fetch-site': 'cross-site',
        'sec-fetch-mode': 'cors',
        'sec-fetch-dest': 'empty',
      },
    });
    expect(browser.status).toBe(403);
    expect(browser.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS, when set', () => {
  it('lets only the listed origins read and change through the API', async () => {
    const cors = await startTestRelaydesk({ apiCors: 'http://localhost:3000' });
    try {
      const port = cors.http.port;
      const read = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
        headers: { origin: 'http://localhost:3000' },
      });
      expect(read.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      const preflight = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:3000', 'access-control-request-method': 'DELETE' },
      });
      // Mailpit's answer: 200, empty, its methods and headers, and the origin that may read
      expect(preflight.status).toBe(200);
      expect(await preflight.text()).toBe('');
      expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      expect(preflight.headers.get('access-control-allow-methods')).toBe(
        'GET, POST, DELETE, PUT, OPTIONS',
      );
      expect(preflight.headers.get('access-control-allow-headers')).toContain('*');
      const otherPreflight = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:4000', 'access-control-request-method': 'GET' },
      });
      expect(otherPreflight.status).toBe(403);
      expect(otherPreflight.headers.get('access-control-allow-origin')).toBeNull();
      const change = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
        method: 'DELETE',
        headers: { origin: 'http://localhost:3000' },
      });
      expect(change.status).toBe(200);
      const other = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
        method: 'DELETE',
        headers: { origin: 'http://localhost:4000' },
      });
      expect(other.status).toBe(403);
      const otherRead = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
        headers: { origin: 'http://localhost:4000' },
      });
      expect(otherRead.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await cors.dispose();
    }
  });

  it('refuses "*" and names the setting', async () => {
    await expect(startTestRelaydesk({ apiCors: '*' })).rejects.toThrow(
      /"apiCors" in the settings file: "\*" is not valid; use a comma-separated list of exact origins/,
    );
  });
});
