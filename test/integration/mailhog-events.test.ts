// MailHog's live events (MailHog-Server api/v1.go `eventstream` over ian-kent/goose, api/v2.go
// `websocket`): a message sent with swaks reaches a Server-Sent Events reader and a WebSocket
// client in MailHog's exact shape, at /api/… and /mailhog/api/…; a web page's origin and a
// missing UI password are refused as on our own socket; a stop ends the streams.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { eventually, waitFor } from '../helpers/eventually.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const run = promisify(execFile);
const swaks = requireTool(tools.swaks);

async function swaksSend(relay: TestRelaydesk, subject: string): Promise<string> {
  const { stdout } = await run(swaks as string, [
    '--server',
    `127.0.0.1:${relay.smtp.port}`,
    '--from',
    'app@sender.example',
    '--to',
    'dev@rcpt.example',
    '--header',
    `Subject: ${subject}`,
    '--body',
    'Live from swaks',
  ]);
  return /queued as (\S+)/.exec(stdout)?.[1] as string;
}

/** An EventSource-style reader: the stream's text as it comes, over fetch. */
async function readStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  const chunks: string[] = [];
  let ended = false;
  const reading = (async () => {
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) break;
      chunks.push(decoder.decode(value, { stream: true }));
    }
    ended = true;
  })();
  const stop = async (): Promise<void> => {
    abort.abort();
    await reading;
  };
  return { res, text: () => chunks.join(''), ended: () => ended, reading, stop };
}

/** The `data:` lines of the first SSE event, joined as EventSource joins them. */
function firstEventData(text: string): string | null {
  const end = text.indexOf('\n\n');
  if (end === -1) return null;
  return text
    .slice(0, end)
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length))
    .join('\n');
}

async function openSocket(url: string): Promise<{ socket: WebSocket; frames: string[] }> {
  const socket = new WebSocket(url);
  const frames: string[] = [];
  socket.on('message', (data) => frames.push(String(data)));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  return { socket, frames };
}

describe.skipIf(!swaks)("MailHog's live events", () => {
  let relay: TestRelaydesk;
  let base: string;

  beforeAll(async () => {
    relay = await startTestRelaydesk({ greetingDelayMs: 0 });
    base = `127.0.0.1:${relay.http.port}`;
  });
  afterAll(async () => relay?.dispose());

  for (const prefix of ['', '/mailhog']) {
    it(`sends a new message on ${prefix}/api/v1/events as goose does: data lines of its indented JSON`, async () => {
      const stream = await readStream(`http://${base}${prefix}/api/v1/events`);
      expect(stream.res.status).toBe(200);
      expect(stream.res.headers.get('content-type')).toBe('text/event-stream');
      expect(stream.res.headers.get('cache-control')).toBe('no-cache');
      const id = await swaksSend(relay, `SSE ${prefix}`);
      const data = await waitFor('an event', () => firstEventData(stream.text()));
      // MailHog's message as its own v1 route gives it, indented by two spaces, line by line
      const message = await relay.api(`/mailhog/api/v1/messages/${id}`);
      expect(data).toBe(JSON.stringify(message, null, 2));
      expect(stream.text()).toBe(
        `${JSON.stringify(message, null, 2)
          .split('\n')
          .map((line) => `data: ${line}\n`)
          .join('')}\n`,
      );
      expect(JSON.parse(data)).toMatchObject({
        ID: id,
        From: { Mailbox: 'app', Domain: 'sender.example' },
        To: [{ Mailbox: 'dev', Domain: 'rcpt.example' }],
        Content: { Headers: { Subject: [`SSE ${prefix}`] } },
      });
      await stream.stop();
    });

    it(`sends a new message on ${prefix}/api/v2/websocket as MailHog's UI reads it`, async () => {
      const { socket, frames } = await openSocket(`ws://${base}${prefix}/api/v2/websocket`);
      try {
        const id = await swaksSend(relay, `WS ${prefix}`);
        await eventually(() => frames.length).toBe(1);
        const page = await relay.api<{ items: unknown[] }>('/api/v2/messages?limit=1');
        // gorilla's WriteJSON: the compact JSON and a newline
        expect(frames[0]).toBe(`${JSON.stringify(page.items[0])}\n`);
        expect(JSON.parse(frames[0] as string)).toMatchObject({ ID: id });
      } finally {
        socket.close();
      }
    });

    it(`answers a plain GET of ${prefix}/api/v2/websocket with 400 Bad Request, as MailHog does`, async () => {
      // gorilla/websocket's Upgrader: not a handshake → http.Error(w, "Bad Request", 400)
      const res = await fetch(`http://${base}${prefix}/api/v2/websocket`);
      expect(res.status).toBe(400);
      expect(res.headers.get('sec-websocket-version')).toBe('13');
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe('Bad Request\n');
    });
  }

  it('refuses a web page’s origin on both, as on /api/events', async () => {
    const evil = { origin: 'http://evil.example' };
    const sse = await fetch(`http://${base}/api/v1/events`, { headers: evil });
    expect(sse.status).toBe(403);
    expect((await sse.json()).error).toMatch(/cross-origin event stream from http:\/\/evil/);
    const crossSite = await fetch(`http://${base}/mailhog/api/v1/events`, {
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    for (const path of ['/api/v2/websocket', '/mailhog/api/v2/websocket', '/api/events']) {
      const socket = new WebSocket(`ws://${base}${path}`, { headers: evil });
      const status = await new Promise<number>((resolve) =>
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
      );
      expect(status, path).toBe(403);
    }
    // the UI itself (same origin) is let in
    const own = await readStream(`http://${base}/api/v1/events`, { origin: `http://${base}` });
    expect(own.res.status).toBe(200);
    await own.stop();
  });
});

describe.skipIf(!swaks)("MailHog's live events behind the UI password, and at a stop", () => {
  let relay: TestRelaydesk;
  let base: string;
  const auth = `Basic ${Buffer.from('anyone:ui-password-1').toString('base64')}`;

  beforeAll(async () => {
    const dir = await makeDataDir();
    const file = join(dir, 'ui-password');
    await writeFile(file, 'ui-password-1\n');
    relay = await startTestRelaydesk({ greetingDelayMs: 0, uiPasswordFile: file });
    base = `127.0.0.1:${relay.http.port}`;
  });
  afterAll(async () => relay?.dispose());

  it('asks for the password, and ends both streams when the server stops', async () => {
    expect((await fetch(`http://${base}/api/v1/events`)).status).toBe(401);
    const refused = new WebSocket(`ws://${base}/api/v2/websocket`);
    const status = await new Promise<number>((resolve) =>
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(401);

    const stream = await readStream(`http://${base}/api/v1/events`, { authorization: auth });
    expect(stream.res.status).toBe(200);
    const socket = new WebSocket(`ws://${base}/api/v2/websocket`, {
      headers: { authorization: auth },
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));

    await relay.close();
    await stream.reading;
    expect(stream.ended()).toBe(true);
    expect(await closed).toBe(true);
  });
});
