// GET /api/v1/message/{A}/compare/{B}: two versions of an app's password-reset mail, sent over
// SMTP as nodemailer sends them, compared as a developer who changed the template would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageComparison } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
beforeAll(async () => {
  relay = await startTestRelaydesk();
});
afterAll(async () => relay?.dispose());

async function send(message: Parameters<ReturnType<TestRelaydesk['transport']>['sendMail']>[0]) {
  const transport = relay.transport();
  try {
    const info = await transport.sendMail(message);
    return /queued as (\S+)/.exec(info.response)?.[1] as string;
  } finally {
    transport.close();
  }
}

const resetHtml = (colour: string) =>
  [
    '<h1>Reset your password</h1>',
    '<p>Hello Ada,</p>',
    '<p>Someone asked to reset the password of your account.</p>',
    `<p><a href="https://app.example/reset?t=abc" style="background:${colour}">Reset</a></p>`,
    '<p>If it was not you, ignore this mail.</p>',
    '<p>The Example team</p>',
  ].join('\n');

const compare = (a: string, b: string) =>
  relay.api<MessageComparison>(`/api/v1/message/${a}/compare/${b}`);

describe('comparing two messages', () => {
  it('shows what changed between two versions of a mail, and nothing that did not', async () => {
    const older = await send({
      from: 'App <no-reply@app.example>',
      to: 'ada@example.com',
      subject: 'Reset your password',
      // minutes apart, as two runs of an app are: sent within one second, both Dates were equal
      date: new Date('2026-12-07T10:00:00Z'),
      text: 'Hello Ada,\nOpen https://app.example/reset?t=abc\nThe Example team\n',
      html: resetHtml('#06c'),
      attachments: [
        { filename: 'terms.txt', content: 'terms, version 1' },
        { filename: 'old.txt', content: 'dropped later' },
      ],
    });
    const newer = await send({
      from: 'App <no-reply@app.example>',
      to: 'ada@example.com',
      subject: 'Reset your Example password',
      date: new Date('2026-12-07T10:05:00Z'),
      text: 'Hello Ada,\nOpen https://app.example/reset?t=abc&utm_source=mail\nThe Example team\n',
      html: resetHtml('#0a7'),
      attachments: [
        { filename: 'terms.txt', content: 'terms, version 2' },
        { filename: 'logo.png', content: Buffer.from('89504e470d0a1a0a', 'hex') },
      ],
    });

    const result = await compare(older, newer);
    expect(result.A).toMatchObject({ ID: older, Subject: 'Reset your password' });
    expect(result.B).toMatchObject({ ID: newer, Subject: 'Reset your Example password' });

    // what the template change did, and the fields every message has its own of, apart; the
    // multipart boundaries (new in every message) are no difference
    const own = result.Headers.filter((h) => !h.PerMessage);
    expect(own).toEqual([
      {
        Name: 'Subject',
        A: ['Reset your password'],
        B: ['Reset your Example password'],
        PerMessage: false,
      },
    ]);
    const perMessage = result.Headers.filter((h) => h.PerMessage).map((h) => h.Name.toLowerCase());
    expect(perMessage).toEqual(expect.arrayContaining(['date', 'message-id', 'received']));

    expect(result.Text.Same).toBe(false);
    expect(result.Text.Hunks).toEqual([
      {
        AStart: 1,
        ALines: 3,
        BStart: 1,
        BLines: 3,
        Lines: [
          ' Hello Ada,',
          '-Open https://app.example/reset?t=abc',
          '+Open https://app.example/reset?t=abc&utm_source=mail',
          ' The Example team',
        ],
      },
    ]);
    // one changed line of six, with three lines of context on each side
    const html = result.HTML.Hunks.flatMap((h) => h.Lines);
    expect(html.filter((l) => !l.startsWith(' '))).toEqual([
      '-<p><a href="https://app.example/reset?t=abc" style="background:#06c">Reset</a></p>',
      '+<p><a href="https://app.example/reset?t=abc" style="background:#0a7">Reset</a></p>',
    ]);

    expect(result.Attachments.map((p) => [p.Name, p.A !== null, p.B !== null])).toEqual([
      ['terms.txt', true, true],
      ['old.txt', true, false],
      ['logo.png', false, true],
    ]);
    const terms = result.Attachments[0];
    expect(terms?.A?.SHA256).not.toBe(terms?.B?.SHA256);

    // comparing is not reading: both stay unread
    const listed = await relay.api<{ messages: { ID: string; Read: boolean }[] }>(
      '/api/v1/messages',
    );
    for (const id of [older, newer]) {
      expect(listed.messages.find((m) => m.ID === id)?.Read).toBe(false);
    }
  });

  it('finds two sends of one mail the same but for their per-message fields', async () => {
    const message = {
      from: 'app@example.com',
      to: 'dev@example.net',
      subject: 'Weekly digest',
      text: 'Nothing new this week.\n',
      html: '<p>Nothing new this week.</p>',
    };
    const a = await send(message);
    const b = await send(message);
    const result = await compare(a, b);
    expect(result.Headers.filter((h) => !h.PerMessage)).toEqual([]);
    expect(result.Text).toEqual({ Same: true, Hunks: [], Note: '' });
    expect(result.HTML).toEqual({ Same: true, Hunks: [], Note: '' });
    expect(result.Attachments).toEqual([]);
  });

  it('says why two bodies are not compared line by line, and names a message that is not there', async () => {
    const a = await send({
      from: 'a@example.com',
      to: 'b@example.net',
      text: 'x\n'.repeat(300_000),
    });
    const b = await send({ from: 'a@example.com', to: 'b@example.net', text: 'y\n' });
    const result = await compare(a, b);
    expect(result.Text.Same).toBe(false);
    expect(result.Text.Hunks).toEqual([]);
    expect(result.Text.Note).toContain('too long to compare line by line');

    const missing = await relay.fetch(`/api/v1/message/${a}/compare/no-such-id`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('no-such-id');
  });
});
