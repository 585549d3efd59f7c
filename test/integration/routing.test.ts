// Routing rules decide per recipient: capture into a mailbox, relay, redirect to a fixed
// address (with X-Original-To), or reject at RCPT; and say why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import nodemailer from 'nodemailer';

let server: RunningUpstream;
let relay: TestRelaydesk;

beforeAll(async () => {
  server = await startUpstreamServer({ tls: 'none' });
  relay = await startTestRelaydesk({
    mode: 'rules',
    relay: { host: '127.0.0.1', port: server.port, security: 'none' },
    rules: [
      {
        name: 'blocked',
        match: { recipient: '*@blocked.example' },
        action: { type: 'reject', code: 550, text: 'Not here' },
      },
      {
        name: 'staging',
        match: { recipient: '*@customers.example' },
        action: { type: 'redirect', to: 'qa@team.example' },
      },
      {
        name: 'project b',
        match: { user: 'project-b' },
        action: { type: 'capture', mailbox: 'project-b' },
      },
      { name: 'ours', match: { recipient: '/@ours\\.example$/i' }, action: { type: 'relay' } },
    ],
  });
});
afterAll(async () => {
  await relay?.dispose();
  await server?.close();
});

describe('routing rules', () => {
  it('rejects at RCPT with the rule’s reply, and keeps the other recipients', async () => {
    const info = await relay.transport().sendMail({
      from: 'app@sender.example',
      to: ['x@blocked.example', 'bob@ours.example'],
      subject: 'mixed',
      text: 'x',
    });
    expect(info.rejected).toEqual(['x@blocked.example']);
    expect(info.rejectedErrors?.[0]?.response).toMatch(/^550 5\.7\.1 Not here/);
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    await settled(relay, id, (d) => d.status === 'delivered');
  });

  it('redirects to a fixed address with X-Original-To, and captures what no rule names', async () => {
    const before = server.messages.length;
    const info = await relay.transport().sendMail({
      from: 'app@sender.example',
      to: ['alice@customers.example', 'bob@customers.example', 'nobody@elsewhere.example'],
      subject: 'staging mail',
      text: 'hello customers',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const delivery = await settled(relay, id, (d) => d.status === 'delivered');
    expect(delivery.recipients.map((r) => [r.address, r.deliverTo, r.state])).toEqual([
      ['alice@customers.example', 'qa@team.example', 'relayed'],
      ['bob@customers.example', 'qa@team.example', 'relayed'],
      ['nobody@elsewhere.example', 'nobody@elsewhere.example', 'captured'],
    ]);
    expect(delivery.recipients[0]?.rule).toMatch(/staging/);
    const sent = server.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.rcptTo).toEqual(['qa@team.example']);
    const text = sent[0]?.raw.toString('utf8') ?? '';
    expect(text).toMatch(/X-Original-To: <?alice@customers\.example>?/);
    expect(text).toMatch(/bob@customers\.example/);
    expect(text).toContain('hello customers');
    // the message is listed in the capturing mailbox
    const detail = await relay.api<{ Mailbox: string }>(`/api/v1/message/${id}`);
    expect(detail.Mailbox).toBe('inbox');
  });

  it('captures by SMTP user into a named mailbox, listed and searchable by mailbox', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: relay.smtp.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'project-b', pass: 'x' },
    });
    try {
      await transport.sendMail({
        from: 'b@sender.example',
        to: 'someone@ours.example',
        subject: 'for project b',
        text: 'b',
      });
    } finally {
      transport.close();
    }
    const boxes = await relay.api<Array<{ Name: string; Total: number }>>('/api/v1/mailboxes');
    expect(boxes.find((b) => b.Name === 'project-b')?.Total).toBe(1);
    const found = await relay.api<MessagesPage>('/api/v1/search?query=mailbox:project-b');
    expect(found.messages.map((m) => m.Subject)).toEqual(['for project b']);
  });

  it('tells which rule matches an address and why', async () => {
    const res = await relay.api<{
      decision: { ruleName: string; explanation: string; action: { type: string } };
    }>('/api/v1/routing/test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ recipient: 'carol@customers.example', sender: 'app@sender.example' }),
    });
    expect(res.decision.ruleName).toBe('staging');
    expect(res.decision.action.type).toBe('redirect');
    expect(res.decision.explanation).toMatch(/customers\.example/);
  });
});

describe('bad routing settings', () => {
  it('refuses to start with a bad rule, naming it', async () => {
    await expect(
      startTestRelaydesk({
        mode: 'rules',
        rules: [{ match: { recipient: '/[/' }, action: { type: 'capture' } }],
      }),
    ).rejects.toThrow(/rules\[0\]\.match\.recipient/);
  });

  it('refuses relay mode without an upstream', async () => {
    await expect(startTestRelaydesk({ mode: 'relay' })).rejects.toThrow(
      /--mode relay needs an upstream/,
    );
  });
});
