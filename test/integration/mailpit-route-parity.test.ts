// Where Relaydesk's routes answered differently from Mailpit's (server/apiv1, server/server.go):
// tags with every page, IDs with a search, the raw download, JSON bodies sent
// without a JSON Content-Type, the /view/ routes, and paging values Mailpit ignores.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { greetedSession } from '../helpers/smtp-wire.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let htmlId: string;
let textId: string;

const pixel = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

async function send(mail: Record<string, unknown>): Promise<string> {
  const info = await relay.transport().sendMail({
    from: 'ada@sender.example',
    to: 'bob@rcpt.example',
    ...mail,
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

/** A request with exactly these headers (fetch adds its own Content-Type and Origin rules). */
function rawRequest(
  path: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: relay.http.port,
        path,
        method,
        // node frames no DELETE body by itself: unframed, it would be read as a bodiless DELETE
        headers:
          body === undefined
            ? headers
            : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: false,
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function setTags(ids: string[], tags: string[]): Promise<void> {
  const res = await relay.fetch('/api/v1/tags', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ IDs: ids, Tags: tags }),
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  relay = await startTestRelaydesk();
  textId = await send({ subject: 'Plain one', text: 'Just text, é' });
  htmlId = await send({
    subject: 'Html one',
    text: 'The text side',
    html: '<p>Hello <img src="cid:logo@relaydesk"> and <img src=\'cid:missing@x\'> cid:logo@relaydesk</p>',
    attachments: [{ filename: 'logo.png', content: pixel, cid: 'logo@relaydesk' }],
  });
});
afterAll(async () => relay?.dispose());

describe('tags in the list and in search results', () => {
  it('are every tag in the mailbox, not only those of the page', async () => {
    await setTags([textId], ['alpha']);
    await setTags([htmlId], ['beta']);
    const page = await relay.api<MessagesPage>('/api/v1/messages?limit=1');
    expect(page.messages.map((m) => m.ID)).toEqual([htmlId]);
    expect(page.tags).toEqual(['alpha', 'beta']);
    const found = await relay.api<MessagesPage>('/api/v1/search?query=subject:plain');
    expect(found.messages.map((m) => m.ID)).toEqual([textId]);
    expect(found.tags).toEqual(await relay.api<string[]>('/api/v1/tags'));
    expect(found.tags).toEqual(['alpha', 'beta']);
  });
});

describe('PUT /api/v1/messages', () => {
  it('refuses IDs and a search together, as Mailpit', async () => {
    const res = await relay.fetch('/api/v1/messages', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ IDs: [textId], Search: 'subject:html', Read: true }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('You may specify either IDs or a search query, not both');
  });

  it('refuses a request with no body, as Mailpit, and changes no read flag', async () => {
    const unread = async () => (await relay.api<MessagesPage>('/api/v1/messages')).unread;
    await relay.fetch(`/api/v1/message/${textId}`); // opened: read
    const before = await unread();
    // `curl -X PUT …/api/v1/messages`, and the same with curl's -H for JSON
    const asSent: Array<Record<string, string>> = [{}, { 'content-type': 'application/json' }];
    for (const headers of asSent) {
      const res = await rawRequest('/api/v1/messages', 'PUT', headers);
      expect(res.status).toBe(400);
      expect(res.body).toMatch(/^body: missing; give \{"Read": true\}/);
    }
    expect(await unread()).toBe(before);
    // a body without IDs or Search is still "all of them", as Mailpit reads it
    const all = await rawRequest('/api/v1/messages', 'PUT', {}, '{"Read": true}');
    expect([all.status, all.body, await unread()]).toEqual([200, 'ok', 0]);
  });

  it('refuses PUT /api/v1/tags with no body, as Mailpit, where it said ok having done nothing', async () => {
    const res = await rawRequest('/api/v1/tags', 'PUT', {});
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/^body: missing; give \{"IDs"/);
    // with a body it sets them, as before
    const set = await rawRequest(
      '/api/v1/tags',
      'PUT',
      {},
      JSON.stringify({ IDs: [textId], Tags: ['checked'] }),
    );
    expect([set.status, set.body]).toEqual([200, 'ok']);
    expect((await relay.api<{ Tags: string[] }>(`/api/v1/message/${textId}`)).Tags).toEqual([
      'checked',
    ]);
  });
});

describe('GET /api/v1/message/{ID}/raw?dl=1', () => {
  it('is an attachment named {ID}.eml, also for `latest`', async () => {
    const res = await relay.fetch(`/api/v1/message/${textId}/raw?dl=1`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${textId}.eml"`);
    expect(await res.text()).toMatch(/Subject: Plain one/);
    const latest = await relay.fetch('/api/v1/message/latest/raw?dl=1');
    expect(latest.headers.get('content-disposition')).toBe(`attachment; filename="${htmlId}.eml"`);
    const inline = await relay.fetch(`/api/v1/message/${textId}/raw`);
    expect(inline.headers.get('content-disposition')).toBeNull();
  });
});

describe('PUT and DELETE bodies without a JSON Content-Type', () => {
  const readOf = async (id: string): Promise<boolean> =>
    (await relay.api<MessagesPage>('/api/v1/messages')).messages.find((m) => m.ID === id)
      ?.Read as boolean;

  it('are read as JSON, as Mailpit does (curl -d, text/plain, none)', async () => {
    for (const [i, type] of ['application/x-www-form-urlencoded', 'text/plain', null].entries()) {
      const read = i % 2 === 0;
      const body = JSON.stringify({ IDs: [textId], Read: read });
      const res = await rawRequest(
        '/api/v1/messages',
        'PUT',
        type ? { 'content-type': type } : {},
        body,
      );
      expect(res.status, `${type}: ${res.body}`).toBe(200);
      await eventually(() => readOf(textId)).toBe(read);
    }
    const tagBody = JSON.stringify({ IDs: [textId], Tags: ['form-tag'] });
    const tagged = await rawRequest(
      '/api/v1/tags',
      'PUT',
      { 'content-type': 'application/x-www-form-urlencoded' },
      tagBody,
    );
    expect(tagged.status, tagged.body).toBe(200);
    const renamed = await rawRequest(
      '/api/v1/tags/form-tag',
      'PUT',
      { 'content-type': 'text/plain' },
      JSON.stringify({ Name: 'renamed-tag' }),
    );
    expect(renamed.status, renamed.body).toBe(200);
    expect(await relay.api<string[]>('/api/v1/tags')).toContain('renamed-tag');
  });

  it('answer 400 when the body is not JSON', async () => {
    const res = await rawRequest(
      '/api/v1/messages',
      'PUT',
      { 'content-type': 'application/x-www-form-urlencoded' },
      'Read=true',
    );
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/not valid JSON/);
  });

  it('are still refused from another site, and POST stays strict', async () => {
    const victim = await send({ subject: 'Keep me', text: 'keep' });
    const cross = await rawRequest(
      '/api/v1/messages',
      'DELETE',
      {
        'content-type': 'text/plain',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
      JSON.stringify({ IDs: [victim] }),
    );
    expect(cross.status).toBe(403);
    const form = await rawRequest(
      '/api/v1/send',
      'POST',
      { 'content-type': 'application/x-www-form-urlencoded' },
      JSON.stringify({ From: { Email: 'a@b.example' }, To: [{ Email: 'c@d.example' }] }),
    );
    expect(form.status).toBe(415);
    expect((await relay.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.ID)).toContain(
      victim,
    );
  });

  it('delete by IDs', async () => {
    const doomed = await send({ subject: 'Delete me by form', text: 'x' });
    const res = await rawRequest(
      '/api/v1/messages',
      'DELETE',
      { 'content-type': 'application/x-www-form-urlencoded' },
      JSON.stringify({ IDs: [doomed] }),
    );
    expect(res.status, res.body).toBe(200);
    const ids = (await relay.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.ID);
    expect(ids).not.toContain(doomed);
    expect(ids).toContain(textId);
  });
});

describe('the /view/ routes', () => {
  it('serve the HTML body with cid: images linked to their parts, under a CSP without scripts', async () => {
    const res = await relay.fetch(`/view/${htmlId}.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).not.toMatch(/script-src/);
    const html = await res.text();
    const src = /<img src="([^"]+)">/.exec(html)?.[1] as string;
    expect(src).toMatch(new RegExp(`^/api/v1/message/${htmlId}/part/[^/]+$`));
    // an unknown cid and a cid: in the text stay as written
    expect(html).toContain("src='cid:missing@x'");
    expect(html).toContain('> cid:logo@relaydesk</p>');
    const image = await relay.fetch(src);
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer())).toEqual(pixel);
  });

  it('serve the text body, and `latest` as the ID', async () => {
    const text = await relay.fetch(`/view/${textId}.txt`);
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await text.text()).trim()).toBe('Just text, é');
    await send({ subject: 'Newest', text: 'The newest text' });
    const latest = await relay.fetch('/view/latest.txt');
    expect(latest.status).toBe(200);
    expect((await latest.text()).trim()).toBe('The newest text');
  });

  it("redirect /view/latest to the UI with the newest message (matching `query`) open, as Mailpit's", async () => {
    const newest = await relay.fetch('/view/latest', { redirect: 'manual' });
    expect(newest.status).toBe(302);
    const page = await relay.api<MessagesPage>('/api/v1/messages?limit=1');
    expect(newest.headers.get('location')).toBe(`../?message=${page.messages[0]?.ID}`);
    // where the browser lands: the UI's page, with the message named in its address
    expect(new URL(newest.headers.get('location') ?? '', newest.url).pathname).toBe('/');
    const matching = await relay.fetch('/view/latest?query=subject:plain', { redirect: 'manual' });
    expect(matching.headers.get('location')).toBe(`../?message=${textId}`);
    const none = await relay.fetch('/view/latest?query=subject:nosuchsubject', {
      redirect: 'manual',
    });
    expect(none.status).toBe(302);
    expect(new URL(none.headers.get('location') ?? '', none.url).pathname).toBe('/');
  });

  it("send Mailpit's UI links (/view/{ID}, /search?q=) to the UI showing that message or search", async () => {
    const view = await relay.fetch(`/view/${textId}`, { redirect: 'manual' });
    expect(view.status).toBe(302);
    expect(view.headers.get('location')).toBe(`../?message=${textId}`);
    // where the browser lands: the UI's page, with the message named in its address
    expect(new URL(view.headers.get('location') ?? '', view.url).pathname).toBe('/');
    const search = await relay.fetch('/search?q=subject%3A%22big%20invoice%22', {
      redirect: 'manual',
    });
    expect(search.status).toBe(302);
    expect(search.headers.get('location')).toBe('./?q=subject%3A%22big+invoice%22');
    expect((await relay.fetch('/search', { redirect: 'manual' })).headers.get('location')).toBe(
      './',
    );
    // an ID that is no message is still a clear 404
    const unknown = await relay.fetch('/view/nosuchmessage');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(
      /^no such view "nosuchmessage"/,
    );
  });

  it('answer 404 with a clear error for an unknown ID or a message without HTML', async () => {
    const unknown = await relay.fetch('/view/no-such-id.html');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe(
      'message "no-such-id" not found',
    );
    const noHtml = await relay.fetch(`/view/${textId}.html`);
    expect(noHtml.status).toBe(404);
    expect(((await noHtml.json()) as { error: string }).error).toMatch(/has no HTML part/);
  });
});

describe('paging values Mailpit cannot use', () => {
  it('fall back to start 0 and limit 50 instead of a 400', async () => {
    const all = await relay.api<MessagesPage>('/api/v1/messages');
    for (const query of ['limit=abc', 'start=-5', 'start=x&limit=-1', 'start=1.5']) {
      const page = await relay.api<MessagesPage>(`/api/v1/messages?${query}`);
      expect(page.start, query).toBe(0);
      expect(
        page.messages.map((m) => m.ID),
        query,
      ).toEqual(all.messages.map((m) => m.ID));
    }
    const second = await relay.api<MessagesPage>('/api/v1/messages?start=1&limit=1');
    expect(second.messages.map((m) => m.ID)).toEqual([all.messages[1]?.ID]);
    const search = await relay.api<MessagesPage>('/api/v1/search?query=subject:one&limit=abc');
    expect(search.messages).toHaveLength(2);
  });

  it('lists every message for limit=0, as Mailpit does (no LIMIT), past the page of 50', async () => {
    const many = await startTestRelaydesk({});
    try {
      for (let n = 0; n < 55; n++) {
        await many.fetch('/api/v1/ingest', {
          method: 'POST',
          headers: { 'content-type': 'message/rfc822' },
          body: `From: a@x.example\r\nTo: b@y.example\r\nSubject: n${n}\r\n\r\nx\r\n`,
        });
      }
      // before: 50, the default page, and a client fetching "all" missed the rest
      const all = await many.api<MessagesPage>('/api/v1/messages?limit=0');
      expect(all.total).toBe(55);
      expect(all.messages).toHaveLength(55);
      // a search keeps its default page for 0 (Mailpit answers none, which no client wants)
      const found = await many.api<MessagesPage>('/api/v1/search?query=from:a@x.example&limit=0');
      expect(found.messages).toHaveLength(50);
    } finally {
      await many.dispose();
    }
  });
});

describe('a search without terms', () => {
  it('is refused with 400 "Error: no search query", as Mailpit refuses it', async () => {
    const before = (await relay.api<MessagesPage>('/api/v1/messages')).total;
    expect(before).toBeGreaterThan(0);
    // Mailpit's httpError: the words as text/plain; no query at all is an empty one
    for (const search of ['?query=', '?query=%20%20', '']) {
      const res = await relay.fetch(`/api/v1/search${search}`);
      expect(res.status, `GET ${search}`).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(await res.text()).toBe('Error: no search query');
      // blank terms delete nothing (they matched everything before)
      const deleted = await relay.fetch(`/api/v1/search${search}`, { method: 'DELETE' });
      expect(deleted.status, `DELETE ${search}`).toBe(400);
      expect(await deleted.text()).toBe('Error: no search query');
    }
    expect((await relay.api<MessagesPage>('/api/v1/messages')).total).toBe(before);
  });

  it('deletes nothing for a search of signs only, and says how to delete everything', async () => {
    const before = (await relay.api<MessagesPage>('/api/v1/messages')).total;
    expect(before).toBeGreaterThan(0);
    // each word is skipped as a search (typed on the way to `-from:` or a phrase); it deleted all
    for (const query of ['-', '<>', '! @']) {
      const res = await relay.fetch(`/api/v1/search?query=${encodeURIComponent(query)}`, {
        method: 'DELETE',
      });
      expect(res.status, query).toBe(400);
      expect(await res.text()).toBe(
        `the search ${JSON.stringify(query)} has nothing to search for, so it would delete every message: give a word or an operator to match, e.g. subject:report; every message is deleted by DELETE /api/v1/messages, or by Delete all with the search box empty`,
      );
    }
    expect((await relay.api<MessagesPage>('/api/v1/messages')).total).toBe(before);
  });

  it('leaves listing to GET /api/v1/messages, in Mailpit\'s shape also when apiCompat is "mailhog" if paged', async () => {
    const compat = await startTestRelaydesk({ apiCompat: 'mailhog' });
    try {
      const transport = compat.transport();
      try {
        await transport.sendMail({
          from: 'ada@sender.example',
          to: 'bob@rcpt.example',
          subject: 'Listed in compat mode',
          text: 'x',
        });
      } finally {
        transport.close();
      }
      // what the GUI asks for (preload's listMessages) is a Mailpit page in either mode
      const page = await compat.api<MessagesPage>('/api/v1/messages?start=0&limit=100');
      expect(page.messages.map((m) => m.Subject)).toEqual(['Listed in compat mode']);
      expect(page.total).toBe(1);
      // MailHog's clients, which send no paging, still get MailHog's array
      expect(Array.isArray(await compat.api<unknown>('/api/v1/messages'))).toBe(true);
    } finally {
      await compat.dispose();
    }
  });
});

describe("errors on Mailpit's routes", () => {
  // server/apiv1/api.go: fourOFour answers "404 page not found", httpError the message, both as
  // text/plain; Relaydesk's own routes keep {error}
  it('are text, as Mailpit answers them, where its clients read them', async () => {
    for (const path of [
      '/api/v1/message/no-such-id',
      '/api/v1/message/no-such-id/headers',
      '/api/v1/message/no-such-id/raw',
      '/api/v1/message/no-such-id/part/2',
      `/api/v1/message/${textId}/part/9`,
      '/api/v1/message/no-such-id/html-check',
      '/api/v1/message/no-such-id/link-check',
    ]) {
      const res = await relay.fetch(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/plain/);
      expect(await res.text(), path).toBe('404 page not found');
    }
    const badJson = await relay.fetch('/api/v1/messages', { method: 'PUT', body: '{"IDs": [' });
    expect(badJson.status).toBe(400);
    expect(badJson.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await badJson.text()).toMatch(/not valid JSON/);
    const badTags = await relay.fetch('/api/v1/tags', { method: 'PUT', body: 'nope' });
    expect([badTags.status, badTags.headers.get('content-type')]).toEqual([
      400,
      expect.stringMatching(/^text\/plain/),
    ]);
    // Relaydesk's own routes answer JSON, as before
    const delivery = await relay.fetch('/api/v1/message/no-such-id/delivery');
    expect(delivery.status).toBe(404);
    expect(await delivery.json()).toEqual({ error: 'message "no-such-id" not found' });
  });

  it("reach Mailpit's npm client as its words", async () => {
    const { MailpitClient } = await import('mailpit-api');
    const client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
    await expect(client.searchMessages({ query: '' })).rejects.toThrow(
      /400 Bad Request .*: Error: no search query$/,
    );
    await expect(client.getMessageSummary('no-such-id')).rejects.toThrow(
      /404 Not Found .*: 404 page not found$/,
    );
  });
});

describe('`latest` with a search (Mailpit storage.LatestID)', () => {
  it('is the newest message matching `query`, on every route that takes an ID', async () => {
    const older = await send({ subject: 'Latest older', to: 'ana@rcpt.example', text: 'older' });
    const newer = await send({ subject: 'Latest newer', to: 'leo@rcpt.example', html: '<p>x</p>' });
    const q = encodeURIComponent('to:ana@rcpt.example');
    expect((await relay.api<{ ID: string }>(`/api/v1/message/latest?query=${q}`)).ID).toBe(older);
    const headers = await relay.api<Record<string, string[]>>(
      `/api/v1/message/latest/headers?query=${q}`,
    );
    expect(headers['Subject']).toEqual(['Latest older']);
    const raw = await relay.fetch(`/api/v1/message/latest/raw?query=${q}&dl=1`);
    expect(raw.headers.get('content-disposition')).toBe(`attachment; filename="${older}.eml"`);
    expect(await raw.text()).toContain('Subject: Latest older');
    expect(await (await relay.fetch(`/view/latest.txt?query=${q}`)).text()).toContain('older');
    // without a query, still the newest of all
    expect((await relay.api<{ ID: string }>('/api/v1/message/latest')).ID).toBe(newer);
  });

  it('answers 404 when nothing matches and 400 naming the term for a query it cannot read', async () => {
    const none = await relay.fetch('/api/v1/message/latest?query=subject:nothing-has-this');
    expect(none.status).toBe(404);
    // Mailpit's words, then ours: not its bare "404 page not found", which reads as no such route
    expect(await none.text()).toBe(
      'Message not found: none matches "subject:nothing-has-this" (GET /api/v1/wait?query=… waits for one)',
    );
    const bad = await relay.fetch(
      `/api/v1/message/latest?query=${encodeURIComponent('before:soon')}`,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^before: "soon" cannot be read: use a date such as/);
  });

  it('says so in words when there is no message at all yet', async () => {
    const empty = await startTestRelaydesk();
    try {
      for (const path of ['/api/v1/message/latest', '/api/v1/message/latest/raw']) {
        const res = await empty.fetch(path);
        expect(res.status).toBe(404);
        expect(await res.text()).toBe(
          'Message not found: there are no messages yet (GET /api/v1/wait?query=… waits for one)',
        );
      }
      // an unknown ID keeps Mailpit's bare answer
      expect(await (await empty.fetch('/api/v1/message/nope')).text()).toBe('404 page not found');
    } finally {
      await empty.dispose();
    }
  });
});

describe('a search for an emoji or a sign beyond ASCII', () => {
  it('finds and deletes only the mail that has it, as Mailpit (every message, before)', async () => {
    const party = await send({ subject: 'Launch party 🎉', text: 'cake ✅' });
    const before = (await relay.api<MessagesPage>('/api/v1/messages')).total;
    expect(before).toBeGreaterThan(1);
    for (const query of ['🎉', '✅', 'subject:🎉']) {
      const found = await relay.api<MessagesPage>(
        `/api/v1/search?query=${encodeURIComponent(query)}`,
      );
      expect(
        found.messages.map((m) => m.ID),
        query,
      ).toEqual([party]);
    }
    const deleted = await relay.fetch(`/api/v1/search?query=${encodeURIComponent('🎉')}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(200);
    expect((await relay.api<MessagesPage>('/api/v1/messages')).total).toBe(before - 1);
  });
});

describe("Mailpit's API document", () => {
  it('is at /api/v1/swagger.json too, the same as /api/v1/openapi.json', async () => {
    const swagger = await relay.api<{ openapi: string; paths: Record<string, unknown> }>(
      '/api/v1/swagger.json',
    );
    expect(swagger).toEqual(await relay.api('/api/v1/openapi.json'));
    expect(swagger.paths).toHaveProperty('/api/v1/messages');
  });
});

describe('CR CR LF line ends over SMTP (Mailpit issues #87, #153)', () => {
  it('are one line end, so every header field is read', async () => {
    const wire = await greetedSession(relay.smtp.port);
    await wire.command('MAIL FROM:<ada@sender.example>');
    await wire.command('RCPT TO:<bob@rcpt.example>');
    expect(await wire.command('DATA')).toMatch(/^354/);
    const reply = await wire.command(
      'From: ada@sender.example\r\r\nTo: bob@rcpt.example\r\r\nSubject: doubled CR\r\r\n' +
        'Message-ID: <doubled-cr@sender.example>\r\r\n\r\r\nfirst line\r\r\nsecond line\r\n.',
    );
    await wire.command('QUIT');
    const id = /queued as (\S+)/.exec(reply)?.[1] as string;
    const message = await relay.api<{
      Subject: string;
      MessageID: string;
      To: { Address: string }[];
      Text: string;
    }>(`/api/v1/message/${id}`);
    expect(message).toMatchObject({
      Subject: 'doubled CR',
      MessageID: 'doubled-cr@sender.example',
      To: [{ Address: 'bob@rcpt.example' }],
    });
    expect(message.Text).toBe('first line\nsecond line\n');
    const raw = await (await relay.fetch(`/api/v1/message/${id}/raw`)).text();
    expect(raw).not.toContain('\r\r');
  });
});
