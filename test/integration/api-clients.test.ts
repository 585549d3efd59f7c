// Test suites written for Mailpit and MailHog run unchanged against Relaydesk: their own npm
// clients drive our API here.
import { MailpitClient } from 'mailpit-api';
import mailhog from 'mailhog';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

async function sendSample(
  relay: TestRelaydesk,
  subject: string,
  to = 'bob@rcpt.example',
  shape: 'rich' | 'text' = 'rich',
) {
  return relay.transport().sendMail({
    from: '"Ada" <ada@sender.example>',
    to,
    cc: 'carol@rcpt.example',
    subject,
    text: `Body of ${subject}: café`,
    ...(shape === 'rich'
      ? {
          html: `<p>Body of ${subject}</p>`,
          attachments: [{ filename: 'notes.txt', content: 'attached notes\n' }],
        }
      : {}),
  });
}

describe('the mailpit-api client', () => {
  let relay: TestRelaydesk;
  let client: MailpitClient;

  beforeAll(async () => {
    relay = await startTestRelaydesk();
    client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
  });
  afterAll(async () => relay?.dispose());
  beforeEach(async () => {
    await client.deleteMessages();
  });

  it('lists, reads, searches and deletes messages', async () => {
    await sendSample(relay, 'Welcome aboard');
    await sendSample(relay, 'Password reset', 'erin@rcpt.example');

    const list = await client.listMessages();
    expect(list.total).toBe(2);
    expect(list.messages_count).toBe(2);
    expect(list.unread).toBe(2);
    expect(list.messages.map((m) => m.Subject)).toEqual(['Password reset', 'Welcome aboard']);
    expect(list.messages[0]?.To).toEqual([{ Name: '', Address: 'erin@rcpt.example' }]);

    const latest = await client.getMessageSummary();
    expect(latest.Subject).toBe('Password reset');
    expect(latest.Text).toContain('Body of Password reset: café');
    expect(latest.HTML).toContain('<p>Body of Password reset</p>');
    expect(latest.Attachments[0]?.FileName).toBe('notes.txt');

    const attachment = await client.getMessageAttachment(
      latest.ID,
      latest.Attachments[0]?.PartID as string,
    );
    expect(Buffer.from(await attachment.arrayBuffer()).toString()).toBe('attached notes\n');

    const headers = await client.getMessageHeaders(latest.ID);
    expect(headers['Subject']).toEqual(['Password reset']);
    const source = await client.getMessageSource(latest.ID);
    expect(source).toMatch(/^Received: from /);

    const found = await client.searchMessages({ query: 'to:erin@rcpt.example' });
    expect(found.messages.map((m) => m.Subject)).toEqual(['Password reset']);
    const phrase = await client.searchMessages({ query: '"welcome aboard"' });
    expect(phrase.messages_count).toBe(1);

    await client.setReadStatus({ IDs: [found.messages[0]?.ID as string], Read: false });
    expect((await client.listMessages()).unread).toBe(2);
    await client.setReadStatus({ Read: true });
    expect((await client.listMessages()).unread).toBe(0);

    expect(await client.deleteMessagesBySearch({ query: 'subject:welcome' })).toBe('ok');
    expect((await client.listMessages()).messages.map((m) => m.Subject)).toEqual([
      'Password reset',
    ]);

    const info = await client.getInfo();
    expect(info.Messages).toBe(1);
    // a string, as the client types it (Mailpit's answer with its update check turned off)
    expect(info.LatestVersion).toBe('disabled');
    expect(await client.deleteMessages()).toBe('ok');
    expect((await client.listMessages()).total).toBe(0);
  });

  it('renders a message for a frame (embed=1) and reads the instance configuration', async () => {
    await relay.transport().sendMail({
      from: 'ada@sender.example',
      to: 'bob@rcpt.example',
      subject: 'Links',
      html:
        '<p>Read <A HREF="https://docs.example/?a=1&amp;b=2" target="_self" rel="opener">the docs</A>' +
        ' or <a href=\'https://x.example/"q"\'>quoted</a>.</p><!-- <a href="no"> -->',
    });
    const plain = await client.renderMessageHTML();
    expect(plain).toContain(
      '<A HREF="https://docs.example/?a=1&amp;b=2" target="_self" rel="opener">',
    );
    const framed = await client.renderMessageHTML('latest', 1);
    expect(framed).toContain(
      '<a href="https://docs.example/?a=1&amp;b=2" target="_blank" rel="noreferrer noopener">the docs</A>',
    );
    expect(framed).toContain(
      '<a href="https://x.example/&quot;q&quot;" target="_blank" rel="noreferrer noopener">quoted</a>',
    );
    // the rest of the markup as it was, a comment's link too
    expect(framed).toContain('<p>Read ');
    expect(framed).toContain('<!-- <a href="no"> -->');

    const configuration = await client.getConfiguration();
    expect(configuration.MessageRelay.Enabled).toBe(false);
    expect(configuration.SpamAssassin).toBe(false);
  });

  it('waits for a message with waitForMessage', async () => {
    // the client polls: send only once it has searched and found nothing
    const found: number[] = [];
    const watched = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
    const search = watched.searchMessages.bind(watched);
    watched.searchMessages = async (request) => {
      const result = await search(request);
      found.push(result.messages_count);
      return result;
    };
    const waiting = watched.waitForMessage(
      { query: 'subject:"Late arrival"' },
      { timeout: 5000, interval: 100 },
    );
    await waitFor('the client to search once', () => found.length > 0);
    await sendSample(relay, 'Late arrival');
    expect((await waiting).Subject).toBe('Late arrival');
    expect(found[0]).toBe(0);
  });
});

interface MailhogItem {
  ID: string;
  From: { Mailbox: string; Domain: string };
  To: Array<{ Mailbox: string; Domain: string }>;
  Content: { Headers: Record<string, string[]>; Body: string };
  Raw: { From: string; To: string[]; Data: string; Helo: string };
  subject: string;
  text: string;
  html: string;
  attachments: Array<{ name: string; content: string }>;
}
interface MailhogPage {
  total: number;
  count: number;
  start: number;
  items: MailhogItem[];
}

describe('the mailhog client', () => {
  let relay: TestRelaydesk;

  beforeAll(async () => {
    relay = await startTestRelaydesk();
  });
  afterAll(async () => relay?.dispose());

  it('works under /mailhog/api, where the clashing paths are MailHog’s', async () => {
    const api = mailhog({ host: '127.0.0.1', port: relay.http.port, basePath: '/mailhog/api' });
    await api.deleteAll();
    await sendSample(relay, 'Invoice 42', 'frank@rcpt.example');
    // MailHog's client reads text from top-level parts only, as with MailHog itself
    await sendSample(relay, 'Newsletter', 'grace@rcpt.example', 'text');

    const page = (await api.messages()) as unknown as MailhogPage;
    expect(page.total).toBe(2);
    expect(page.count).toBe(2);
    const [latest] = page.items;
    expect(latest?.Content.Headers['Subject']).toEqual(['Newsletter']);
    expect(`${latest?.To[0]?.Mailbox}@${latest?.To[0]?.Domain}`).toBe('grace@rcpt.example');
    expect(latest?.Raw.From).toBe('ada@sender.example');
    expect(latest?.Raw.To).toEqual(['grace@rcpt.example', 'carol@rcpt.example']);
    expect(latest?.subject).toBe('Newsletter');
    expect(latest?.text).toContain('Body of Newsletter: café');

    const invoice = (await api.latestTo('frank@rcpt.example')) as unknown as MailhogItem;
    expect(invoice.subject).toBe('Invoice 42');
    expect(invoice.attachments.map((a) => a.name)).toEqual(['notes.txt']);
    const fromAda = (await api.search('ada@sender.example', 'from')) as unknown as MailhogPage;
    expect(fromAda.total).toBe(2);
    const containing = (await api.latestContaining('Body of Invoice')) as unknown as MailhogItem;
    expect(containing.ID).toBe(invoice.ID);

    await api.deleteMessage(invoice.ID);
    expect(((await api.messages()) as unknown as MailhogPage).total).toBe(1);
    await api.deleteAll();
    expect(((await api.messages()) as unknown as MailhogPage).total).toBe(0);
  });

  it('is told why releaseMessage is not served, and nothing is sent', async () => {
    const api = mailhog({ host: '127.0.0.1', port: relay.http.port, basePath: '/mailhog/api' });
    await api.deleteAll();
    await sendSample(relay, 'Release me');
    const [message] = ((await api.messages()) as unknown as MailhogPage).items;
    // the client resolves with the answer's JSON (it has no status to look at)
    const answer = (await api.releaseMessage(message?.ID as string, {
      host: '127.0.0.1',
      port: String(relay.smtp.port),
      email: 'elsewhere@rcpt.example',
    })) as unknown as { error: string };
    expect(answer.error).toContain('a server named in the request is never used');
    expect(((await api.messages()) as unknown as MailhogPage).total).toBe(1);
  });

  it('pages as MailHog does: limit=1000 is taken (as at most 250), unusable values are the defaults', async () => {
    const api = mailhog({ host: '127.0.0.1', port: relay.http.port, basePath: '/mailhog/api' });
    await api.deleteAll();
    for (const subject of ['Page one', 'Page two', 'Page three']) await sendSample(relay, subject);
    // "give me everything", as test suites written for MailHog ask for it
    const all = (await api.messages(0, 1000)) as unknown as MailhogPage;
    expect(all.count).toBe(3);
    expect(all.items.map((m) => m.Content.Headers['Subject']?.[0])).toEqual([
      'Page three',
      'Page two',
      'Page one',
    ]);
    const found = (await api.search(
      'Body of Page',
      'containing',
      0,
      9999,
    )) as unknown as MailhogPage;
    expect(found.total).toBe(3);
    for (const query of ['limit=abc', 'limit=0', 'start=-1&limit=-5', 'start=x&limit=2.5']) {
      const res = await relay.fetch(`/api/v2/messages?${query}`);
      expect(res.status, query).toBe(200);
      const page = (await res.json()) as MailhogPage;
      expect([page.start, page.count], query).toEqual([0, 3]);
    }
    const second = await relay.api<MailhogPage>('/api/v2/messages?start=1&limit=1');
    expect([second.start, second.count, second.items[0]?.Content.Headers['Subject']]).toEqual([
      1,
      1,
      ['Page two'],
    ]);
    // MailHog refuses an empty search (400) rather than matching everything
    const empty = await relay.fetch('/api/v2/search?kind=to&query=');
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(/query: is empty/);
  });

  it('works on the bare /api paths when apiCompat is "mailhog"', async () => {
    const compat = await startTestRelaydesk({ apiCompat: 'mailhog' });
    try {
      const api = mailhog({ host: '127.0.0.1', port: compat.http.port });
      await sendSample(compat, 'Compat mode');
      const list = await compat.api<unknown[]>('/api/v1/messages');
      expect(Array.isArray(list)).toBe(true);
      expect(((await api.messages()) as unknown as MailhogPage).items[0]?.subject).toBe(
        'Compat mode',
      );
      await api.deleteAll();
      const empty = await compat.fetch('/api/v1/messages', { method: 'DELETE' });
      expect(await empty.text()).toBe('');
      expect(((await api.messages()) as unknown as MailhogPage).total).toBe(0);
    } finally {
      await compat.dispose();
    }
  });
});
