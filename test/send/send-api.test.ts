// The Send API: Mailpit's POST /api/v1/send through Mailpit's own npm client; the MIME built,
// tags and headers applied, the routing rules followed (so it can be relayed), its own
// credentials, and the origin guard that keeps web pages from sending mail through it.
import { MailpitClient } from 'mailpit-api';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { settled } from '../helpers/delivery.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { upstreamsPerTest } from '../helpers/upstream-server.js';

let relay: TestRelaydesk | undefined;
afterEach(async () => {
  await relay?.dispose();
  relay = undefined;
});
const { upstream } = upstreamsPerTest();

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function postSend(r: TestRelaydesk, body: unknown, headers: Record<string, string> = {}) {
  return r.fetch('/api/v1/send', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('POST /api/v1/send', () => {
  it('builds the message from Mailpit JSON and captures it like SMTP mail', async () => {
    relay = await startTestRelaydesk();
    const client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
    const { ID } = await client.sendMessage({
      From: { Email: 'app@sender.example', Name: 'The App' },
      To: [{ Email: 'jane+welcome@rcpt.example', Name: 'Jane' }],
      Cc: [{ Email: 'manager@rcpt.example' }],
      Bcc: ['audit@rcpt.example'],
      ReplyTo: [{ Email: 'help@sender.example' }],
      Subject: 'Welcome, Jane',
      Text: 'Plain body',
      HTML: '<p>HTML body <img src="cid:logo"></p>',
      Attachments: [
        { Content: png.toString('base64'), Filename: 'logo.png', ContentID: 'logo' },
        {
          Content: `data:text/plain;base64,${Buffer.from('notes\n').toString('base64')}`,
          Filename: 'notes.txt',
          ContentType: 'text/plain',
        },
      ],
      Headers: { 'X-Campaign': 'spring' },
      Tags: ['Onboarding'],
    });
    expect(ID).toMatch(/^[0-9a-z]{22}$/);

    const message = await client.getMessageSummary(ID);
    expect(message.From).toEqual({ Name: 'The App', Address: 'app@sender.example' });
    expect(message.To).toEqual([{ Name: 'Jane', Address: 'jane+welcome@rcpt.example' }]);
    expect(message.Cc).toEqual([{ Name: '', Address: 'manager@rcpt.example' }]);
    expect(message.ReplyTo).toEqual([{ Name: '', Address: 'help@sender.example' }]);
    expect(message.Subject).toBe('Welcome, Jane');
    expect(message.Text.trim()).toBe('Plain body');
    expect(message.HTML).toContain('<img src="cid:logo">');
    expect(message.Inline.map((p) => p.FileName)).toEqual(['logo.png']);
    expect(message.Attachments.map((p) => [p.FileName, p.ContentType])).toEqual([
      ['notes.txt', 'text/plain'],
    ]);
    // tags from the request (X-Tags) and from plus addressing, as on SMTP
    expect(message.Tags).toEqual(['Onboarding', 'welcome']);
    const detail = message as unknown as { Envelope: { rcptTo: string[]; mailFrom: string } };
    // Bcc is an envelope recipient, never a header that would be sent on
    expect(detail.Envelope.rcptTo).toEqual([
      'jane+welcome@rcpt.example',
      'manager@rcpt.example',
      'audit@rcpt.example',
    ]);
    const headers = await client.getMessageHeaders(ID);
    expect(headers['X-Campaign']).toEqual(['spring']);
    expect(headers['Bcc']).toBeUndefined();
    expect(headers['Received']?.[0]).toMatch(/with HTTP id /);
    const attachment = await client.getMessageAttachment(ID, message.Attachments[0]?.PartID ?? '');
    expect(Buffer.from(await attachment.arrayBuffer()).toString()).toBe('notes\n');
  });

  it('answers Mailpit-style {"Error"} naming the field for a bad request', async () => {
    relay = await startTestRelaydesk();
    const cases: Array<[unknown, RegExp]> = [
      [{ To: [{ Email: 'a@b.example' }] }, /^From is missing/],
      [
        { From: { Email: 'not an address' }, To: [{ Email: 'a@b.example' }] },
        /^From\.Email: "not an address" is not an email address/,
      ],
      [{ From: { Email: 'a@b.example' } }, /^To: give at least one recipient/],
      [
        {
          From: { Email: 'a@b.example' },
          To: [{ Email: 'c@d.example' }],
          Headers: { Subject: 'x' },
        },
        /cannot overwrite header: "Subject"/,
      ],
      [
        {
          From: { Email: 'a@b.example' },
          To: [{ Email: 'c@d.example' }],
          Headers: { 'X-A': 'x\r\nBcc: e@f.example' },
        },
        /Headers\.X-A: .* must be a string on one line/,
      ],
      [
        {
          From: { Email: 'a@b.example' },
          To: [{ Email: 'c@d.example' }],
          Attachments: [{ Filename: 'a', Content: '%%%' }],
        },
        /Attachments\[0\]\.Content: is not base64/,
      ],
      [
        { From: { Email: 'a@b.example' }, To: 'c@d.example' },
        /^To: "c@d\.example" is not a list; give \[\{"Email": "jane@example\.com", "Name": "Jane"\}\]$/,
      ],
      [
        { From: { Email: 'a@b.example' }, To: [{ Email: 'c@d.example' }], Tags: 'signup' },
        /^Tags: "signup" is not a list; give \["signup"\]$/,
      ],
      [
        { From: { Email: 'a@b.example' }, To: [{ Email: 'c@d.example' }], Headers: { 'X A': 'x' } },
        /^Headers: "X A" is not a header name; use printable characters without spaces or ":"/,
      ],
    ];
    for (const [body, expected] of cases) {
      const res = await postSend(relay, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { Error: string }).Error).toMatch(expected);
    }
    expect((await relay.api<{ total: number }>('/api/v1/messages')).total).toBe(0);
  });

  it('takes lower-case field names, as Mailpit (Go) does', async () => {
    relay = await startTestRelaydesk();
    const res = await postSend(relay, {
      from: { email: 'app@sender.example' },
      to: [{ email: 'bob@rcpt.example' }],
      subject: 'lower case',
      text: 'x',
      tags: ['api'],
    });
    expect(res.status).toBe(200);
    const { ID } = (await res.json()) as { ID: string };
    expect(
      (await relay.api<{ Subject: string; Tags: string[] }>(`/api/v1/message/${ID}`)).Tags,
    ).toEqual(['api']);
  });

  it('goes through the routing rules: relayed, and refused where a rule rejects', async () => {
    const server = await upstream({ tls: 'none' });
    relay = await startTestRelaydesk({
      mode: 'rules',
      relay: { host: '127.0.0.1', port: server.port, security: 'none' },
      rules: [
        { match: { recipient: '*@blocked.example' }, action: { type: 'reject' } },
        { match: { recipient: '*@team.example' }, action: { type: 'relay' } },
      ],
    });
    const client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
    const { ID } = await client.sendMessage({
      From: { Email: 'app@sender.example' },
      To: [{ Email: 'dev@team.example' }],
      Subject: 'Relayed',
      Text: 'through the upstream',
    });
    const delivery = await settled(relay, ID, (d) => d.status === 'delivered');
    expect(delivery.recipients[0]?.state).toBe('relayed');
    expect(server.messages).toHaveLength(1);
    expect(server.messages[0]?.rcptTo).toEqual(['dev@team.example']);
    expect(server.messages[0]?.raw.toString()).toMatch(/Subject: Relayed/);

    const refused = await postSend(relay, {
      From: { Email: 'app@sender.example' },
      To: [{ Email: 'x@blocked.example' }],
      Subject: 'No',
    });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { Error: string }).Error).toMatch(
      /x@blocked\.example: refused by the routing rules \(550/,
    );

    // never an open relay: a caller from another machine without a password cannot relay
    await expect(
      relay.service.sendMessage(
        { From: { Email: 'spam@sender.example' }, To: [{ Email: 'dev@team.example' }] },
        { ip: '192.0.2.7', user: null, trusted: false },
      ),
    ).rejects.toThrow(/dev@team\.example: relay access denied.*192\.0\.2\.7 gave no password/);
    expect(server.messages).toHaveLength(1);
  });

  it('says when a content rule discarded the message, and which, rather than a bare ID', async () => {
    // Mailpit always stores, so its clients take {ID} for a message that is there; a discard
    // (Postfix's: 250, nothing kept) answered only {ID}, and that ID then gave 404
    relay = await startTestRelaydesk({
      contentRules: [
        { where: 'header', match: '^X-Campaign: ', action: 'warn' },
        { where: 'header', match: '^Subject: newsletter draft', action: 'discard', text: 'drafts' },
      ],
    });
    const client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
    const total = relay.service.total;
    const answer = await postSend(relay, {
      From: { Email: 'app@sender.example' },
      To: [{ Email: 'jane@rcpt.example' }],
      Subject: 'newsletter draft 4',
      Text: 'not yet',
    });
    // still a success, as SMTP's 250: a Mailpit client takes any other status for a failed send
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as {
      ID: string;
      Discarded?: { Rule: number; Reason: string };
    };
    expect(body).toEqual({
      ID: expect.stringMatching(/^[0-9a-z]{22}$/),
      Discarded: {
        Rule: 1,
        Reason: expect.stringMatching(
          /^content rule 1 \(header \/\^Subject: newsletter draft\/ discard\) matched "Subject: newsletter draft" in the Subject header: discarded \(drafts\)$/,
        ),
      },
    });
    // nothing kept, and the ID is the audit line's
    expect(relay.service.total).toBe(total);
    expect((await relay.fetch(`/api/v1/message/${body.ID}`)).status).toBe(404);
    const audit = await readFile(join(relay.dataDir, 'audit.log'), 'utf8');
    expect(audit.split('\n').filter((l) => l.includes(`id=${body.ID} `))).toEqual([
      expect.stringMatching(/result=discarded .*reason="content rule 1 /),
    ]);

    // a message kept answers as Mailpit's: {ID} alone
    const kept = await postSend(relay, {
      From: { Email: 'app@sender.example' },
      To: [{ Email: 'jane@rcpt.example' }],
      Subject: 'newsletter, final',
      Text: 'sent',
    });
    const keptBody = (await kept.json()) as Record<string, unknown>;
    expect(Object.keys(keptBody)).toEqual(['ID']);
    expect((await client.getMessageSummary(keptBody.ID as string)).Subject).toBe(
      'newsletter, final',
    );
  });

  it('has its own credentials, and the origin guard still stops web pages', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relaydesk-send-auth-'));
    try {
      const file = join(dir, 'send-password');
      await writeFile(file, 'send-s3cret\n');
      relay = await startTestRelaydesk({ sendApiAuthFile: file });
      const body = {
        From: { Email: 'app@sender.example' },
        To: [{ Email: 'bob@rcpt.example' }],
        Subject: 'Authenticated',
      };
      const basic = (user: string, pass: string) =>
        `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      expect((await postSend(relay, body)).status).toBe(401);
      expect((await postSend(relay, body, { authorization: basic('app', 'wrong') })).status).toBe(
        401,
      );
      const client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`, {
        auth: { username: 'ci-app', password: 'send-s3cret' },
      });
      const { ID } = await client.sendMessage(body);
      // the user name is recorded like an SMTP AUTH user
      expect((await client.getMessageSummary(ID)).Username).toBe('ci-app');
      // the rest of the API is not behind the Send API's password
      expect((await relay.fetch('/api/v1/messages')).status).toBe(200);

      const fromPage = await postSend(relay, body, {
        authorization: basic('app', 'send-s3cret'),
        origin: 'http://evil.example',
        'sec-fetch-site': 'cross-site',
      });
      expect(fromPage.status).toBe(403);
      expect(((await fromPage.json()) as { error: string }).error).toMatch(/cross-origin POST/);
      expect((await relay.api<{ total: number }>('/api/v1/messages')).total).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('with a UI password: guarded by it, or open by choice with sendApiAuthAcceptAny', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'relaydesk-send-ui-'));
    try {
      const file = join(dir, 'ui-password');
      await writeFile(file, 'ui-s3cret\n');
      const body = {
        From: { Email: 'app@sender.example' },
        To: [{ Email: 'bob@rcpt.example' }],
        Subject: 'UI guarded',
      };
      relay = await startTestRelaydesk({ uiPasswordFile: file });
      expect((await postSend(relay, body)).status).toBe(401);
      const ui = `Basic ${Buffer.from('me:ui-s3cret').toString('base64')}`;
      expect((await postSend(relay, body, { authorization: ui })).status).toBe(200);
      await relay.dispose();

      relay = await startTestRelaydesk({ uiPasswordFile: file, sendApiAuthAcceptAny: true });
      expect((await postSend(relay, body)).status).toBe(200);
      // everything else still needs the UI password
      expect((await relay.fetch('/api/v1/messages')).status).toBe(401);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
