// The quarantine is listed by its tags (`quarantined`, and `released` once released): the
// Quarantine view, GET /api/v1/quarantine, `relaydesk queue --state quarantined` and its count.
// A tag edit through Mailpit's tag API (a test suite setting its own tags on every message, or
// deleting a tag) took them off, and a message the filter still held vanished from every list of
// the quarantine, or a released one was listed as held again. Real SMTP, the real HTTP API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage, QueueView } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(400)]);

describe("tag edits and the filter's tags", () => {
  let relay: TestRelaydesk;

  const put = (path: string, body: unknown) =>
    relay.fetch(path, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const held = async () =>
    (await relay.api<MessagesPage>('/api/v1/quarantine')).messages.map((m) => m.ID);
  const tagsOf = async (id: string) =>
    (await relay.api<{ Tags: string[] }>(`/api/v1/message/${id}`)).Tags;

  async function quarantined(subject: string): Promise<string> {
    const info = await relay.transport().sendMail({
      from: 'app@sender.example',
      to: 'ann@office.example',
      subject,
      text: 'see attached',
      attachments: [{ filename: 'setup.exe', content: program }],
    });
    return /queued as (\S+)/.exec(info.response)?.[1] as string;
  }

  beforeAll(async () => {
    relay = await startTestRelaydesk({
      attachments: { types: ['executable'], action: 'quarantine' },
    });
  });

  afterAll(async () => relay?.dispose());

  it('a held message stays listed in the quarantine whatever tags are set or deleted', async () => {
    const first = await quarantined('first');
    const second = await quarantined('second');
    expect(await held()).toEqual(expect.arrayContaining([first, second]));

    // a test suite marking every message as seen, Mailpit's way
    expect((await put('/api/v1/tags', { IDs: [first, second], Tags: ['seen'] })).status).toBe(200);
    expect(await tagsOf(first)).toEqual(expect.arrayContaining(['seen', 'quarantined']));
    expect((await relay.fetch('/api/v1/tags/quarantined', { method: 'DELETE' })).status).toBe(200);
    expect((await put('/api/v1/tags/quarantined', { Name: 'checked' })).status).toBe(200);

    expect(await held()).toEqual(expect.arrayContaining([first, second]));
    const queue = await relay.api<QueueView>('/api/v1/queue');
    expect(queue.quarantined).toBe(2);
  });

  it('a released message is not listed as held again when its tags are cleared', async () => {
    const id = await quarantined('released one');
    const release = await relay.fetch(`/api/v1/quarantine/${id}/release`, { method: 'POST' });
    expect(release.status).toBe(200);
    expect(await held()).not.toContain(id);

    expect((await put('/api/v1/tags', { IDs: [id], Tags: [] })).status).toBe(200);
    expect(await held()).not.toContain(id);
    expect(await tagsOf(id)).toEqual(expect.arrayContaining(['quarantined', 'released']));
  });
});
