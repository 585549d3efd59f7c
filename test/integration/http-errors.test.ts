// How the API answers errors: a caller's mistake with its own status and message (an unknown ID
// is 404, wherever it is asked for); an internal failure as a 500 that names an id, which the
// log holds with the details (and, for a ReportedFailure, its outcome in the user's words).
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
const logLines: string[] = [];
beforeAll(async () => {
  relay = await startTestRelaydesk();
  relay.service.on('log', (line) => logLines.push(line));
});
afterAll(async () => relay?.dispose());

const post = (path: string, body: unknown): Promise<Response> =>
  relay.fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('answers 404 for a queue action or a release of a message that does not exist', async () => {
  for (const action of ['hold', 'release', 'retry', 'resend', 'cancel']) {
    const res = await post(`/api/v1/queue/${action}`, { IDs: ['no-such-message'] });
    expect(res.status, action).toBe(404);
    expect(await res.json()).toEqual({ error: 'message "no-such-message" not found' });
  }
  const release = await post('/api/v1/message/no-such-message/release', {
    To: ['someone@example.com'],
  });
  expect(release.status).toBe(404);
});

it('keeps 400 for bad input, with the message that names the fix', async () => {
  const res = await relay.fetch('/api/v1/search?query=before:notadate');
  expect(res.status).toBe(400);
  // a Mailpit route: its error is text (mailpitTextErrors)
  expect(await res.text()).toMatch(/^before: "notadate"/);
});

it('names the value given and what to give instead when a field has the wrong type or range', async () => {
  const wait = await relay.fetch('/api/v1/wait?query=x&timeout=abc');
  expect(wait.status).toBe(400);
  expect(await wait.json()).toEqual({ error: 'timeout: "abc" is not valid; give a number' });
  const logs = await relay.fetch('/api/v1/service/log?limit=0');
  expect(logs.status).toBe(400);
  expect((await logs.json()).error).toMatch(/^limit: 0 is not valid; give a number of at least 1$/);
});

it('answers 400 for a queue state that does not exist, naming it and the states there are', async () => {
  const res = await relay.fetch('/api/v1/queue?state=bogus');
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({
    error:
      'state: "bogus" is not valid; use "pending", "sending", "relayed", "deferred", "bounced", "expired", "held", "cancelled", "captured" or "quarantined"',
  });
});

it("answers an internal failure with 500 and an id, in the user's words when its outcome is theirs to know, and logs the details under that id", async () => {
  await relay.transport().sendMail({
    from: 'a@x.example',
    to: 'b@y.example',
    subject: 'its file goes missing',
    text: 'x',
  });
  const page = await relay.api<MessagesPage>('/api/v1/messages');
  const id = page.messages[0]?.ID as string;
  // the message's bytes vanish behind the relay's back: reading them fails inside the server
  await rm(join(relay.dataDir, 'spool', `${id}.eml`));

  // a Mailpit path: its 500 as text (Mailpit's httpError); the others' {error} in
  // unreadable-message.test.ts
  const res = await relay.fetch(`/api/v1/message/${id}/raw`);
  expect(res.status).toBe(500);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  const body = await res.text();
  const errorId = /^the message's file is missing \(ENOENT\): .* \(id ([0-9a-f]+)\)/.exec(
    body,
  )?.[1];
  expect(errorId).toBeDefined();
  // no path, no system error's words, no stack
  expect(body).not.toContain(relay.dataDir);
  expect(body).not.toContain('no such file');
  expect(body).not.toMatch(/\bat .+:\d+:\d+/);
  const logged = logLines.find((line) => line.includes(`id=${errorId}`));
  expect(logged).toContain('ENOENT');
  expect(logged).toContain(`${id}.eml`);
});
