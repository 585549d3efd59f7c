// Mailpit compatibility: a recipient in the envelope but in no To/Cc/Bcc header (how Laravel and
// others send Bcc) is listed as Bcc in the message summary, in the message and in `bcc:` search,
// as Mailpit lists it; the stored source is not changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk({ greetingDelayMs: 0, reverseDnsTimeoutMs: 0 });
});
afterAll(async () => relay?.dispose());

async function send(to: string[], headers: string): Promise<string> {
  const info = await relay.transport().sendMail({
    envelope: { from: 'app@sender.example', to },
    raw: `From: app@sender.example\r\n${headers}Subject: bcc test\r\n\r\nbody\r\n`,
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

describe('envelope-only recipients are Bcc', () => {
  it('in the summary, the message and bcc: search; the source keeps its headers', async () => {
    const id = await send(
      ['to@team.example', 'CC@team.example', 'hidden@team.example'],
      'To: To <to@team.example>\r\nCc: cc@team.example\r\n',
    );
    const page = await relay.api<MessagesPage>('/api/v1/messages');
    const summary = page.messages.find((m) => m.ID === id);
    expect(summary?.Bcc).toEqual([{ Name: '', Address: 'hidden@team.example' }]);
    expect(summary?.To).toEqual([{ Name: 'To', Address: 'to@team.example' }]);

    const detail = await relay.api<MessageDetail>(`/api/v1/message/${id}`);
    expect(detail.Bcc).toEqual([{ Name: '', Address: 'hidden@team.example' }]);

    const found = await relay.api<MessagesPage>('/api/v1/search?query=bcc:hidden@team.example');
    expect(found.messages.map((m) => m.ID)).toEqual([id]);

    const raw = await (await relay.fetch(`/api/v1/message/${id}/raw`)).text();
    expect(raw).not.toMatch(/^Bcc:/im);
  });

  it('adds to a Bcc header the message has, and lists nothing when every recipient is named', async () => {
    const withHeader = await send(
      ['to@team.example', 'named@team.example', 'extra@team.example'],
      'To: to@team.example\r\nBcc: named@team.example\r\n',
    );
    const detail = await relay.api<MessageDetail>(`/api/v1/message/${withHeader}`);
    expect(detail.Bcc).toEqual([
      { Name: '', Address: 'named@team.example' },
      { Name: '', Address: 'extra@team.example' },
    ]);
    const allNamed = await send(['to@team.example'], 'To: to@team.example\r\n');
    expect((await relay.api<MessageDetail>(`/api/v1/message/${allNamed}`)).Bcc).toEqual([]);
  });
});
