// A test suite moved over from MailDev or smtp4dev calls their REST paths, which Relaydesk does
// not serve (nor MailHog's release to a server the request names): each gets its 404 naming the
// route that does the same here, and that route, called as the hint says, answers for a real
// message.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessageSummary } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let id: string;
let partId: string;
beforeAll(async () => {
  relay = await startTestRelaydesk();
  await relay.transport().sendMail({
    from: 'app@example.com',
    to: 'dev@example.com',
    subject: 'moved over',
    text: 'plain words',
    html: '<p>html words</p>',
    attachments: [{ filename: 'report.txt', content: 'the report' }],
  });
  const page = await relay.api<{ messages: MessageSummary[] }>('/api/v1/messages');
  id = page.messages[0]?.ID as string;
  const message = await relay.api<{ Attachments: Array<{ PartID: string }> }>(
    `/api/v1/message/${id}`,
  );
  partId = message.Attachments[0]?.PartID as string;
});
afterAll(async () => relay?.dispose());

async function notFound(method: string, path: string): Promise<string> {
  const res = await relay.fetch(path, { method });
  expect(res.status, `${method} ${path}`).toBe(404);
  return ((await res.json()) as { error: string }).error;
}

it.each([
  ['GET', '/email', "MailDev's route for the list of messages; use GET /api/v1/messages"],
  ['GET', '/api/email/summary', "MailDev's route for the list of messages"],
  [
    'DELETE',
    '/email/all',
    "MailDev's route for deleting every message; use DELETE /api/v1/messages",
  ],
  ['GET', '/email/ID/html', 'use GET /view/{ID}.html'],
  ['GET', '/email/ID/attachment/report.txt', 'use GET /api/v1/message/{ID}/part/{PartID}'],
  ['GET', '/api/email/ID/download', 'use GET /api/v1/message/{ID}/raw?dl=1'],
  ['POST', '/email/ID/relay/qa@example.com', 'use POST /api/v1/message/{ID}/release'],
  ['GET', '/healthz', 'use GET /livez'],
  ['GET', '/api/messages', "smtp4dev's route for the list of messages; use GET /api/v1/messages"],
  ['GET', '/api/messages/ID/plaintext', 'use GET /view/{ID}.txt'],
  ['DELETE', '/api/messages/*', 'use DELETE /api/v1/messages'],
  ['GET', '/api/sessions', 'use GET /api/v1/audit/log'],
  [
    'POST',
    '/api/v1/messages/ID/release',
    "MailHog's route for releasing a message to an SMTP server named in the request; use POST /api/v1/message/{ID}/release",
  ],
  ['POST', '/mailhog/api/v1/messages/ID/release', 'a server named in the request is never used'],
])('%s %s names what to use instead', async (method, path, hint) => {
  expect(await notFound(method, path)).toContain(`no such route: ${method} ${path} (`);
  expect(await notFound(method, path)).toContain(hint);
});

it.each([
  // MailHog's npm client writes its release JSON with no Content-Type header at all
  ['no Content-Type', undefined],
  // curl -d
  ['a form', 'application/x-www-form-urlencoded'],
  ['JSON that is not', 'application/json'],
])('the hint is not hidden by a body the route would have taken (%s)', async (_what, type) => {
  const path = `/api/v1/messages/${id}/release`;
  const res = await relay.fetch(path, {
    method: 'POST',
    headers: type ? { 'content-type': type } : {},
    // a byte array: fetch adds no Content-Type of its own
    body: new TextEncoder().encode(
      '{"Host": "smtp.example.com", "Port": "25", "Email": "qa@example.com"',
    ),
  });
  expect(res.status).toBe(404);
  expect(((await res.json()) as { error: string }).error).toContain(
    "MailHog's route for releasing a message to an SMTP server named in the request",
  );
});

it('a route a hint names answers for a real message, as the hint says to call it', async () => {
  const text = async (path: string) => {
    const res = await relay.fetch(path);
    expect(res.status, path).toBe(200);
    return Buffer.from(await res.arrayBuffer()).toString();
  };
  expect(await text('/view/' + id + '.html')).toContain('html words');
  expect(await text('/view/' + id + '.txt')).toContain('plain words');
  expect(await text(`/api/v1/message/${id}/part/${partId}`)).toBe('the report');
  const download = await relay.fetch(`/api/v1/message/${id}/raw?dl=1`);
  expect(download.headers.get('content-disposition')).toBe(`attachment; filename="${id}.eml"`);
  expect(await text('/api/v1/search?query=mailbox:inbox')).toContain(id);
  expect((await relay.fetch('/livez')).status).toBe(200);
  expect(await text('/api/v1/audit/log')).toContain('smtp-audit');
  const deleted = await relay.fetch('/api/v1/messages', {
    method: 'DELETE',
    body: JSON.stringify({ IDs: [id] }),
  });
  expect(deleted.status).toBe(200);
  expect((await relay.fetch(`/api/v1/message/${id}`)).status).toBe(404);
});

it('an unknown path of no other tool still says only that there is no such route', async () => {
  expect(await notFound('GET', '/emails')).toBe('no such route: GET /emails');
});
