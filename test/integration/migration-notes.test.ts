// The README's "Coming from Mailpit or MailHog" and "Coming from MailDev or smtp4dev" tables are
// read as their reader reads them: every flag named on Relaydesk's side is a flag of `serve`,
// every one of the other tool's flags is one `serve` answers with the flag to use, and every
// route named on Relaydesk's side answers for a real message.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { MessageSummary } from '../../preload/api-contract.js';
import { otherToolFlagHint } from '../../main/cli/other-tool-flags.js';
import { serveFlags } from '../../main/cli/serve-flags.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const sectionOf = (title: string): string =>
  new RegExp(`## ${title}\\n([\\s\\S]*?)\\n## `).exec(readme)?.[1] ?? '';
const rows = [
  sectionOf('Coming from Mailpit or MailHog'),
  sectionOf('Coming from MailDev or smtp4dev'),
]
  .join('\n')
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| ---'))
  .map((line) => line.split(/(?<!\\)\|/).map((cell) => cell.trim()))
  .map((cells) => ({ theirs: cells[1] ?? '', ours: cells[2] ?? '' }))
  .filter((row) => row.ours !== 'Relaydesk');
const ourFlags = new Set(['--config', ...serveFlags.map((f) => f.flag)]);

const flagsIn = (text: string): string[] =>
  [...text.matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)].map((m) => m[0]);
const routesIn = (text: string): string[] =>
  [...text.matchAll(/`((?:GET|DELETE|POST) )?(\/[^`\s]*)`/g)].map(
    (m) => `${m[1] ?? 'GET '}${m[2] as string}`,
  );

describe('the migration notes name what exists', () => {
  it('has the four tables', () => {
    expect(rows.length).toBeGreaterThan(40);
    for (const tool of ['Mailpit', 'MailHog', 'MailDev', 'smtp4dev']) {
      expect(readme).toContain(`| ${tool} | Relaydesk |`);
    }
  });

  it("names only serve's own flags on Relaydesk's side", () => {
    for (const row of rows) {
      for (const flag of flagsIn(row.ours)) expect(ourFlags, row.ours).toContain(flag);
    }
  });

  it("names only the other tools' flags that serve answers with the flag to use", () => {
    for (const row of rows) {
      for (const flag of flagsIn(row.theirs)) {
        if (!ourFlags.has(flag)) expect(otherToolFlagHint(flag), flag).not.toBeNull();
      }
      // MailHog's Go flags and Mailpit's short ones take one dash
      for (const [flag] of row.theirs.matchAll(/(?<![\w-])-[a-z][a-z0-9-]*/g)) {
        const long = flag.length > 2 ? `-${flag}` : flag;
        if (!ourFlags.has(long)) expect(otherToolFlagHint(long), flag).not.toBeNull();
      }
    }
  });
});

describe("the routes on Relaydesk's side", () => {
  let relay: TestRelaydesk;
  let id: string;
  let partId: string;
  let sessionId: string;
  beforeAll(async () => {
    relay = await startTestRelaydesk();
    await relay.transport().sendMail({
      from: 'app@example.com',
      to: 'dev@example.com',
      subject: 'migration',
      text: 'plain',
      html: '<p>html</p>',
      attachments: [{ filename: 'a.txt', content: 'attached' }],
    });
    const page = await relay.api<{ messages: MessageSummary[] }>('/api/v1/messages');
    id = page.messages[0]?.ID as string;
    const message = await relay.api<{ Attachments: Array<{ PartID: string }> }>(
      `/api/v1/message/${id}`,
    );
    partId = message.Attachments[0]?.PartID as string;
    const sessions = await relay.api<{ sessions: Array<{ id: string }> }>('/api/v1/smtp/sessions');
    sessionId = sessions.sessions[0]?.id as string;
  });
  afterAll(async () => relay?.dispose());

  it('answer for a real message', async () => {
    const routes = [...new Set(rows.flatMap((row) => routesIn(row.ours)))];
    expect(routes).toContain('GET /view/{ID}.html');
    // the deletes last, so the message is there for the others
    routes.sort((a, b) => Number(a.startsWith('DELETE')) - Number(b.startsWith('DELETE')));
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      if (path === '/api/events') {
        // a WebSocket: it opens
        const socket = new WebSocket(`ws://127.0.0.1:${relay.http.port}${path}`);
        await new Promise((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
        socket.close();
        continue;
      }
      const url = path
        .replace('{ID}', id)
        .replace('{PartID}', partId)
        .replace('{SessionID}', sessionId)
        .replace(/query=$/, 'query=html');
      const res = await relay.fetch(url, {
        method,
        ...(method === 'POST'
          ? {
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ To: ['qa@example.com'] }),
            }
          : {}),
      });
      // a release without an upstream says to set one: not a missing route
      expect(res.status, route).not.toBe(404);
      expect(res.status, route).toBeLessThan(500);
    }
  });
});
