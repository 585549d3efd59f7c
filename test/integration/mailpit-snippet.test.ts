// The list's Snippet as Mailpit answers it (internal/tools/snippets.go): from the HTML when a
// message has any, else from its text; 200 bytes, then "...". Sent over SMTP with nodemailer,
// read back from GET /api/v1/messages and from a search.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;

async function snippetOf(mail: { subject: string; text?: string; html?: string }): Promise<string> {
  const info = await relay.transport().sendMail({
    from: 'ada@sender.example',
    to: 'bob@rcpt.example',
    ...mail,
  });
  const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
  const list = (await (await relay.fetch('/api/v1/messages')).json()) as {
    messages: { ID: string; Snippet: string }[];
  };
  const search = (await (
    await relay.fetch(`/api/v1/search?query=${encodeURIComponent(`subject:"${mail.subject}"`)}`)
  ).json()) as { messages: { ID: string; Snippet: string }[] };
  const listed = list.messages.find((m) => m.ID === id)?.Snippet;
  expect(search.messages.find((m) => m.ID === id)?.Snippet).toBe(listed);
  return listed as string;
}

const newsletter = [
  '<!doctype html><html><head><title>Issue 12</title>',
  '<style>.preheader { display: none }</style></head><body>',
  '<div class="preheader" style="display:none">Big news inside&nbsp;&zwnj;&nbsp;&zwnj;</div>',
  '<script>track()</script>',
  '<table><tr><td>Caf&eacute; &amp; bar</td><td>opens <b>Monday</b></td></tr></table>',
  '</body></html>',
].join('\n');

beforeAll(async () => {
  relay = await startTestRelaydesk();
});
afterAll(async () => relay?.dispose());

it('takes a text-only message from its text, whitespace collapsed', async () => {
  expect(
    await snippetOf({ subject: 'text only', text: 'Hello Bob,\n\n  the report\tis here.\n' }),
  ).toBe('Hello Bob, the report is here.');
});

it('takes an HTML-only newsletter from its HTML: no title, style or script; the preheader kept', async () => {
  expect(await snippetOf({ subject: 'html only', html: newsletter })).toBe(
    'Big news inside Café & bar opens Monday',
  );
});

it('takes the HTML over the text part when a message has both', async () => {
  expect(await snippetOf({ subject: 'both', text: 'The plain side of it', html: newsletter })).toBe(
    'Big news inside Café & bar opens Monday',
  );
});

it('cuts at 200 bytes and adds "..."', async () => {
  const words = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
  expect(await snippetOf({ subject: 'long', html: `<p>${words}</p>` })).toBe(
    `${words.slice(0, 200)}...`,
  );
});
