// Tags through Mailpit's own npm client: set, list, rename, delete; automatic tags from plus
// addressing, X-Tags and the routing rules; `tag:` search; and tags surviving a restart (they
// live in the sidecars).
import { MailpitClient } from 'mailpit-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { rm } from 'node:fs/promises';

async function send(
  relay: TestRelaydesk,
  mail: { to: string; subject: string; headers?: Record<string, string>; from?: string },
): Promise<string> {
  const info = await relay.transport().sendMail({
    from: mail.from ?? 'app@sender.example',
    to: mail.to,
    subject: mail.subject,
    text: mail.subject,
    ...(mail.headers ? { headers: mail.headers } : {}),
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

describe('tags with the mailpit-api client', () => {
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

  it('sets, lists, searches, renames and deletes tags', async () => {
    const a = await send(relay, { to: 'bob@rcpt.example', subject: 'First' });
    const b = await send(relay, { to: 'carol@rcpt.example', subject: 'Second' });
    expect(await client.getTags()).toEqual([]);

    expect(await client.setTags({ IDs: [a, b], Tags: ['Invoice', 'urgent!'] })).toBe('ok');
    // Mailpit's cleaning: invalid characters become spaces, then trimmed
    expect(await client.getTags()).toEqual(['Invoice', 'urgent']);
    expect((await client.getMessageSummary(a)).Tags).toEqual(['Invoice', 'urgent']);
    expect((await client.getInfo()).Tags).toEqual({ Invoice: 2, urgent: 2 });

    await client.setTags({ IDs: [b], Tags: ['invoice'] });
    // the same tag in another case joins the existing spelling
    expect((await client.getMessageSummary(b)).Tags).toEqual(['Invoice']);

    const found = await client.searchMessages({ query: 'tag:urgent' });
    expect(found.messages.map((m) => m.ID)).toEqual([a]);
    expect(
      (await client.searchMessages({ query: '!tag:urgent' })).messages.map((m) => m.ID),
    ).toEqual([b]);

    expect(await client.renameTag('Invoice', 'Billing')).toBe('ok');
    expect(await client.getTags()).toEqual(['Billing', 'urgent']);
    expect((await client.searchMessages({ query: 'tag:billing' })).messages_count).toBe(2);

    expect(await client.deleteTag('urgent')).toBe('ok');
    expect(await client.getTags()).toEqual(['Billing']);
    expect((await client.getMessageSummary(a)).Tags).toEqual(['Billing']);
    // no message is deleted with its tag
    expect((await client.listMessages()).total).toBe(2);

    await client.setTags({ IDs: [a, b] });
    expect(await client.getTags()).toEqual([]);
  });

  // Mailpit's routes answer errors as text, as Mailpit does: the quotes come through unescaped
  it('refuses what cannot be done, naming the tag', async () => {
    const a = await send(relay, { to: 'bob@rcpt.example', subject: 'One' });
    await client.setTags({ IDs: [a], Tags: ['alpha', 'beta'] });
    await expect(client.renameTag('gamma', 'delta')).rejects.toThrow(/400.*tag not found: "gamma"/);
    await expect(client.renameTag('alpha', 'beta')).rejects.toThrow(/tag "beta" already exists/);
    await expect(client.renameTag('alpha', '!!!')).rejects.toThrow(/not a valid tag name/);
    await expect(client.deleteTag('gamma')).rejects.toThrow(/tag not found/);
    await expect(client.setTags({ IDs: ['nope'], Tags: ['x'] })).rejects.toThrow(
      /"nope" not found/,
    );
  });

  it('tags mail from plus addresses and an X-Tags header on arrival', async () => {
    const id = await send(relay, {
      to: 'user+signup+welcome@rcpt.example',
      subject: 'Welcome',
      headers: { 'X-Tags': 'onboarding, Campaign 7' },
    });
    expect((await client.getMessageSummary(id)).Tags).toEqual([
      'Campaign 7',
      'onboarding',
      'signup',
      'welcome',
    ]);
    const bcc = await relay.transport().sendMail({
      from: 'app@sender.example',
      bcc: 'audit+archive@rcpt.example',
      subject: 'Hidden',
      text: 'x',
    });
    const bccId = /queued as (\S+)/.exec(bcc.response)?.[1] as string;
    expect((await client.getMessageSummary(bccId)).Tags).toEqual(['archive']);
  });
});

describe('tag settings and routing rules', () => {
  let relay: TestRelaydesk | undefined;
  afterEach(async () => {
    await relay?.dispose();
    relay = undefined;
  });

  it('turns automatic tags off with tagsDisable, and tags by SMTP user and by rule', async () => {
    relay = await startTestRelaydesk({
      tagsDisable: 'plus-addresses,x-tags',
      tagsUsername: true,
      mode: 'rules',
      rules: [
        {
          name: 'staging',
          match: { recipient: '*@staging.example' },
          action: { type: 'capture', mailbox: 'staging', tags: ['staging', 'qa'] },
        },
      ],
    });
    const transport = relay.transport({ user: 'project-a', pass: 'anything' });
    try {
      const info = await transport.sendMail({
        from: 'app@sender.example',
        to: 'user+signup@staging.example',
        subject: 'Rules',
        text: 'x',
        headers: { 'X-Tags': 'ignored' },
      });
      const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
      const message = await relay.api<{ Tags: string[]; Mailbox: string }>(`/api/v1/message/${id}`);
      expect(message.Tags).toEqual(['project-a', 'qa', 'staging']);
      expect(message.Mailbox).toBe('staging');
    } finally {
      transport.close();
    }
  });

  it('refuses a rule whose tags are not tag names, naming the field', async () => {
    await expect(
      startTestRelaydesk({
        mode: 'rules',
        rules: [{ match: {}, action: { type: 'capture', tags: ['ok', 'bad/tag'] } }],
      }),
    ).rejects.toThrow(/rules\[0\]\.action\.tags: "bad\/tag" is not a tag name/);
  });

  it('keeps tags across a restart: they are in the sidecars', async () => {
    const dir = await makeDataDir();
    try {
      relay = await startTestRelaydesk({}, dir);
      const id = await send(relay, { to: 'bob@rcpt.example', subject: 'Keep' });
      const put = await relay.fetch('/api/v1/tags', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ IDs: [id], Tags: ['kept'] }),
      });
      expect(await put.text()).toBe('ok');
      await relay.dispose();
      relay = await startTestRelaydesk({}, dir);
      const page = await relay.api<{ messages: Array<{ Tags: string[] }>; tags: string[] }>(
        '/api/v1/messages',
      );
      expect(page.messages[0]?.Tags).toEqual(['kept']);
      expect(page.tags).toEqual(['kept']);
    } finally {
      await relay?.dispose();
      relay = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  });
});
