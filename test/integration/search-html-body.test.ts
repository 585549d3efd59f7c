// What search reads of a message with an HTML body: Mailpit searches the HTML's words with each
// link's address (html2text.Strip(html, true)) and the attachments' file names, so a test that
// waits for the token of a verification link, or for an invoice by its file name, finds the
// message there; so it does here, and the text part's words are still found as well.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MessagesPage, MessageSummary } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relaydesk: TestRelaydesk;

beforeAll(async () => {
  relaydesk = await startTestRelaydesk();
  const transport = relaydesk.transport();
  await transport.sendMail({
    from: 'App <app@example.com>',
    to: 'ada@example.net',
    subject: 'Confirm your address',
    // a text part that names no link, as many templates write it
    text: 'Use the button in this message to confirm.',
    html:
      '<html><head><style>.promo-banner{color:red}</style></head><body>' +
      '<p>Welcome aboard, Ada.</p>' +
      '<p><a href="https://app.example/verify?token=Q7f9-ZK2&amp;u=42">Confirm</a></p>' +
      '<p><a href="mailto:help@support.example">Write to us</a></p></body></html>',
    attachments: [{ filename: 'welcome-guide-2026.pdf', content: Buffer.from('%PDF-1.4') }],
  });
  await transport.sendMail({
    from: 'app@example.com',
    to: 'bob@example.net',
    subject: 'Plain note',
    text: 'Nothing to confirm here.',
  });
});

afterAll(async () => {
  await relaydesk?.dispose();
});

async function subjects(query: string): Promise<string[]> {
  const page = await relaydesk.api<MessagesPage>(
    `/api/v1/search?query=${encodeURIComponent(query)}`,
  );
  return page.messages.map((m) => m.Subject);
}

it("finds a message by its HTML link's address, as Mailpit does", async () => {
  expect(await subjects('Q7f9-ZK2')).toEqual(['Confirm your address']);
  // the address as the link has it, its &amp; read as &
  expect(await subjects('"verify?token=q7f9-zk2&u=42"')).toEqual(['Confirm your address']);
  expect(await subjects('app.example/verify')).toEqual(['Confirm your address']);
  // a test waits for it without polling
  const waited = await relaydesk.api<MessageSummary>(
    `/api/v1/wait?query=${encodeURIComponent('Q7f9-ZK2')}&timeout=5`,
  );
  expect(waited.Subject).toBe('Confirm your address');
});

it('finds words only the HTML has, words only the text part has, and file names', async () => {
  expect(await subjects('aboard')).toEqual(['Confirm your address']);
  expect(await subjects('button')).toEqual(['Confirm your address']);
  expect(await subjects('welcome-guide-2026.pdf')).toEqual(['Confirm your address']);
  expect(await subjects('confirm')).toHaveLength(2);
});

it('leaves out what Mailpit leaves out: style sheets and links that are not http(s)', async () => {
  expect(await subjects('promo-banner')).toEqual([]);
  expect(await subjects('mailto')).toEqual([]);
});
