// The message JSON (GET /api/v1/message/{ID} and the list) against what Mailpit answers for the
// same message (axllent/mailpit internal/storage/messages.go), field by field where we differed.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import { unusedPort } from '../helpers/ports.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;

beforeAll(async () => {
  relay = await startTestRelaydesk();
});
afterAll(async () => relay?.dispose());

/** Sends `headers` + body as written (CRLF added) and answers the stored message's ID. */
async function sendRaw(lines: string[]): Promise<string> {
  const info = await relay.transport().sendMail({
    envelope: { from: 'ada@sender.example', to: ['bob@rcpt.example'] },
    raw: lines.join('\r\n') + '\r\n',
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

const detail = (id: string) => relay.api<MessageDetail>(`/api/v1/message/${id}`);

describe('ReturnPath', () => {
  it('is the envelope sender, and for a bounce (MAIL FROM:<>) the From address, as Mailpit gives', async () => {
    const send = async (from: string | false) => {
      const info = await relay.transport().sendMail({
        envelope: { from, to: ['bob@rcpt.example'] } as { from: string; to: string[] },
        raw: [
          'From: Mail Delivery System <mailer-daemon@mx.sender.example>',
          'To: bob@rcpt.example',
          'Subject: Undelivered Mail Returned to Sender',
          '',
          'bounced',
        ].join('\r\n'),
      });
      return /queued as (\S+)/.exec(info.response)?.[1] as string;
    };
    expect((await detail(await send('ada@sender.example'))).ReturnPath).toBe('ada@sender.example');
    // Mailpit's Return-Path of <> is empty, and it gives the From address then
    expect((await detail(await send(''))).ReturnPath).toBe('mailer-daemon@mx.sender.example');
  });
});

describe('ListUnsubscribe', () => {
  it('has the header, its links, no errors and the -Post header for a valid one', async () => {
    const id = await sendRaw([
      'From: Ada <ada@sender.example>',
      'To: bob@rcpt.example',
      'Subject: list',
      'List-Unsubscribe: <mailto:unsub@example.com>,',
      ' <https://example.com/unsub>',
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
      '',
      'hello',
    ]);
    expect((await detail(id)).ListUnsubscribe).toEqual({
      Header: '<mailto:unsub@example.com>, <https://example.com/unsub>',
      Links: ['mailto:unsub@example.com', 'https://example.com/unsub'],
      Errors: '',
      HeaderPost: 'List-Unsubscribe=One-Click',
    });
  });

  it("reports what Mailpit's parser reports for invalid ones", async () => {
    const id = await sendRaw([
      'From: ada@sender.example',
      'Subject: bad list',
      'List-Unsubscribe: <ftp://example.com/x>, <https://a.example/1> (a comment)',
      '',
      'hello',
    ]);
    expect((await detail(id)).ListUnsubscribe).toEqual({
      Header: '<ftp://example.com/x>, <https://a.example/1> (a comment)',
      Links: ['https://a.example/1'],
      Errors: '"ftp://example.com/x" should start with either http(s):// or mailto:',
      HeaderPost: '',
    });
    const unwrapped = await sendRaw([
      'From: ada@sender.example',
      'Subject: bad list 2',
      'List-Unsubscribe: https://example.com/unsub',
      '',
      'hello',
    ]);
    expect((await detail(unwrapped)).ListUnsubscribe.Errors).toBe(
      '"https://example.com/unsub" no valid unsubscribe links found',
    );
  });
});

describe('ListUnsubscribe of a list that writes two List-Unsubscribe headers', () => {
  it('holds both links, as the one header they stand for', async () => {
    // nodemailer's list.unsubscribe with a URL and a mailto writes two headers
    const info = await relay.transport().sendMail({
      from: 'news@sender.example',
      to: 'bob@rcpt.example',
      subject: 'two unsubscribe headers',
      text: 'news',
      list: {
        unsubscribe: [
          { url: 'https://app.example/unsub?u=1', comment: 'Unsubscribe' },
          'unsub@app.example',
        ],
      },
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const raw = await (await relay.fetch(`/api/v1/message/${id}/raw`)).text();
    expect(raw.match(/^List-Unsubscribe:/gim)).toHaveLength(2);
    // only the first was read: Links ['https://app.example/unsub?u=1']
    expect((await detail(id)).ListUnsubscribe).toEqual({
      Header: '<https://app.example/unsub?u=1> (Unsubscribe), <mailto:unsub@app.example>',
      Links: ['https://app.example/unsub?u=1', 'mailto:unsub@app.example'],
      Errors: '',
      HeaderPost: '',
    });
  });
});

describe('Date', () => {
  it('is the time received when the message has no Date header', async () => {
    const id = await sendRaw(['From: ada@sender.example', 'Subject: no date', '', 'hello']);
    const message = await detail(id);
    expect(message.Date).not.toBeNull();
    expect(message.Date).toBe(message.Created);
  });

  it("keeps the Date header's offset", async () => {
    const id = await sendRaw([
      'From: ada@sender.example',
      'Subject: dated',
      'Date: Tue, 01 Dec 2026 10:00:00 +0200',
      '',
      'hello',
    ]);
    expect((await detail(id)).Date).toBe('2026-12-01T10:00:00+02:00');
    const utc = await sendRaw([
      'From: ada@sender.example',
      'Subject: dated utc',
      'Date: Tue, 01 Dec 2026 10:00:00 +0000',
      '',
      'hello',
    ]);
    // Go writes a zero offset as Z, without a fraction
    expect((await detail(utc)).Date).toBe('2026-12-01T10:00:00Z');
  });

  it('keeps the wall clock of a named zone, with its offset, as Mailpit (Go net/mail)', async () => {
    const dated = async (date: string) =>
      detail(
        await sendRaw(['From: ada@sender.example', `Subject: ${date}`, `Date: ${date}`, '', 'x']),
      );
    expect((await dated('Tue, 1 Dec 2026 10:00:00 EST')).Date).toBe('2026-12-01T10:00:00-05:00');
    expect((await dated('Tue, 1 Dec 2026 10:00:00 PDT (Pacific)')).Date).toBe(
      '2026-12-01T10:00:00-07:00',
    );
    expect((await dated('Tue, 1 Dec 2026 10:00:00 GMT')).Date).toBe('2026-12-01T10:00:00Z');
    expect((await dated('Tue, 1 Dec 2026 10:00:00 UT')).Date).toBe('2026-12-01T10:00:00Z');
    // a name Go does not know: offset 0, not the time the message happened to be opened
    const cet = await dated('Tue, 1 Dec 2026 10:00:00 CET');
    expect(cet.Date).toBe('2026-12-01T10:00:00Z');
    // a military zone is no date to Go: Mailpit answers the time received
    const military = await dated('Tue, 1 Dec 2026 10:00:00 Z');
    expect(military.Date).toBe(military.Created);
  });
});

describe('From', () => {
  it('is an empty address, not null, when the message has no From', async () => {
    const id = await sendRaw(['To: bob@rcpt.example', 'Subject: nobody', '', 'hello']);
    expect((await detail(id)).From).toEqual({ Name: '', Address: '' });
    const list = await relay.api<{ messages: Array<{ ID: string; From: unknown }> }>(
      '/api/v1/messages',
    );
    expect(list.messages.find((m) => m.ID === id)?.From).toEqual({ Name: '', Address: '' });
  });
});

describe('parts', () => {
  it('have the checksums of their decoded content, as Mailpit', async () => {
    const content = Buffer.from('%PDF-1.4 not really a pdf\n');
    const info = await relay.transport().sendMail({
      from: 'ada@sender.example',
      to: 'bob@rcpt.example',
      subject: 'with parts',
      text: 'see attached',
      html: '<p>logo: <img src="cid:logo@x"></p>',
      attachments: [
        { filename: 'a.pdf', content, contentType: 'application/pdf' },
        { filename: 'logo.png', content: Buffer.from('png bytes'), cid: 'logo@x' },
      ],
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const message = await detail(id);
    const hashes = (bytes: Buffer) => ({
      MD5: createHash('md5').update(bytes).digest('hex'),
      SHA1: createHash('sha1').update(bytes).digest('hex'),
      SHA256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(message.Attachments.map((a) => a.Checksums)).toEqual([hashes(content)]);
    expect(message.Inline.map((a) => a.Checksums)).toEqual([hashes(Buffer.from('png bytes'))]);
  });
});

describe('the text of an HTML-only message', () => {
  it('keeps the case of headings, in Text and in the snippet', async () => {
    const id = await sendRaw([
      'From: ada@sender.example',
      'Subject: html only',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<h1>Only HTML</h1><h3>Second heading</h3><p>and a paragraph</p>',
    ]);
    const message = await detail(id);
    expect(message.Text).toContain('Only HTML');
    expect(message.Text).toContain('Second heading');
    const list = await relay.api<{ messages: Array<{ ID: string; Snippet: string }> }>(
      '/api/v1/messages',
    );
    expect(list.messages.find((m) => m.ID === id)?.Snippet).toBe(
      'Only HTML Second heading and a paragraph',
    );
  });
});

describe('Text and HTML of a text part beside an HTML part (multipart/mixed)', () => {
  it("are the text part's words and the HTML part as written, as Mailpit (enmime) has them", async () => {
    const id = await sendRaw([
      'From: ada@sender.example',
      'Subject: mixed bodies',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'first part',
      '--b',
      'Content-Type: text/html',
      '',
      '<p>second part</p>',
      '--b--',
    ]);
    const message = await detail(id);
    // mailparser's reading gave '<br/>\n<p>second part</p>' and 'first part\nsecond part'
    expect(message.HTML).toBe('<p>second part</p>');
    expect(message.Text).toBe('first part');
    expect(message.TextFromHTML).toBe(false);
    // the HTML's words are still found and make the snippet, as in Mailpit
    const found = await relay.api<{ messages: Array<{ ID: string; Snippet: string }> }>(
      `/api/v1/search?query=${encodeURIComponent('"second part"')}`,
    );
    expect(found.messages.find((m) => m.ID === id)?.Snippet).toBe('second part');
  });

  it('are unchanged for alternatives with an attachment: the text part, the HTML part', async () => {
    const info = await relay.transport().sendMail({
      from: 'ada@sender.example',
      to: 'bob@rcpt.example',
      subject: 'alternatives',
      text: 'plain words',
      html: '<p>html words</p>',
      attachments: [{ filename: 'a.txt', content: 'attached words' }],
    });
    const message = await detail(/queued as (\S+)/.exec(info.response)?.[1] as string);
    expect(message.Text).toBe('plain words');
    expect(message.HTML).toBe('<p>html words</p>');
  });
});

describe('Text of a message with several text parts', () => {
  it("joins a mixed message's text parts with a `--` line, as Mailpit (a list's footer part)", async () => {
    const id = await sendRaw([
      'From: list@lists.example',
      'Subject: footer part',
      'Content-Type: multipart/mixed; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'the post itself',
      '--b',
      'Content-Type: text/plain',
      '',
      'To unsubscribe, write to list-leave@lists.example',
      '--b--',
    ]);
    const message = await detail(id);
    // mailparser's reading ran the footer into the post: 'the post itself\nTo unsubscribe…'
    expect(message.Text).toBe(
      'the post itself\n--\nTo unsubscribe, write to list-leave@lists.example',
    );
    expect(message.HTML).toBe('');
  });

  it('keeps one text part of an alternative, the first, as Mailpit', async () => {
    const id = await sendRaw([
      'From: ada@sender.example',
      'Subject: two plain alternatives',
      'Content-Type: multipart/alternative; boundary=b',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'the short version',
      '--b',
      'Content-Type: text/plain',
      '',
      'the same, said again',
      '--b--',
    ]);
    expect((await detail(id)).Text).toBe('the short version');
  });
});

describe('the parts of a calendar invitation', () => {
  const calendar = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    'UID:standup@example.com',
    'DTSTART:20261210T100000Z',
    'SUMMARY:Standup',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  const summaryOf = async (id: string) =>
    (await relay.api<MessagesPage>('/api/v1/messages')).messages.find((m) => m.ID === id);
  const found = async (query: string, id: string) =>
    (
      await relay.api<MessagesPage>(`/api/v1/search?query=${encodeURIComponent(query)}`)
    ).messages.some((m) => m.ID === id);

  // Mailpit (messages.go, GetMessage) lists a part only with a file name or a Content-ID, and
  // counts enmime's attachments: the unnamed text/calendar alternative is neither
  it("lists nodemailer's .ics attachment alone, not the unnamed text/calendar alternative", async () => {
    const info = await relay.transport().sendMail({
      from: 'ada@sender.example',
      to: 'bob@rcpt.example',
      subject: 'invitation from nodemailer',
      text: 'You are invited',
      html: '<p>You are invited</p>',
      icalEvent: { method: 'REQUEST', content: calendar.join('\r\n') + '\r\n' },
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const message = await detail(id);
    expect(message.Attachments.map((a) => [a.PartID, a.FileName, a.ContentType])).toEqual([
      ['2', 'invite.ics', 'application/ics'],
    ]);
    expect(message.Inline).toEqual([]);
    expect((await summaryOf(id))?.Attachments).toBe(1);
    // still served by its PartID, as Mailpit's, and named for the GUI among OtherParts
    expect(message.OtherParts.map((a) => [a.PartID, a.ContentType])).toEqual([
      ['1.3', 'text/calendar'],
    ]);
    const part = await relay.fetch(`/api/v1/message/${id}/part/1.3`);
    expect(part.status).toBe(200);
    expect(await part.text()).toContain('SUMMARY:Standup');
  });

  it('counts no attachment for an invitation that is only alternatives, as Outlook sends it', async () => {
    const id = await sendRaw([
      'From: ada@sender.example',
      'To: bob@rcpt.example',
      'Subject: invitation from outlook',
      'MIME-Version: 1.0',
      'Content-Type: multipart/alternative; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'You are invited',
      '--b',
      'Content-Type: text/calendar; charset=utf-8; method=REQUEST',
      '',
      ...calendar,
      '--b--',
    ]);
    const message = await detail(id);
    expect(message.Attachments).toEqual([]);
    expect(message.Inline).toEqual([]);
    expect(message.OtherParts.map((a) => a.PartID)).toEqual(['2']);
    expect((await summaryOf(id))?.Attachments).toBe(0);
    expect(await found('has:attachment subject:"invitation from outlook"', id)).toBe(false);
  });

  it('keeps a text/calendar with an attachment disposition among the attachments', async () => {
    const id = await sendRaw([
      'From: ada@sender.example',
      'To: bob@rcpt.example',
      'Subject: invitation attached',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'See the invitation',
      '--b',
      'Content-Type: text/calendar; charset=utf-8',
      'Content-Disposition: attachment',
      '',
      ...calendar,
      '--b--',
    ]);
    const message = await detail(id);
    // counted as enmime's attachment; Mailpit's message view lists it only with a name, but an
    // unnamed attachment is still listed here (the GUI names it)
    expect(message.Attachments.map((a) => a.ContentType)).toEqual(['text/calendar']);
    expect(message.OtherParts).toEqual([]);
    expect((await summaryOf(id))?.Attachments).toBe(1);
  });
});

describe('inline or attachment', () => {
  const summaryOf = async (id: string) =>
    (await relay.api<MessagesPage>('/api/v1/messages')).messages.find((m) => m.ID === id);
  const names = (parts: MessageDetail['Inline']) => parts.map((p) => p.FileName);

  // Mailpit (enmime) goes by the disposition the sender wrote, not by where the part sits
  it("is the sender's `inline`, with or without a Content-ID, as Mailpit tells it", async () => {
    const info = await relay.transport().sendMail({
      from: 'ada@sender.example',
      to: 'bob@rcpt.example',
      subject: 'an inline pdf',
      text: 'your invoice',
      attachments: [
        { filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4'), contentDisposition: 'inline' },
        { filename: 'terms.pdf', content: Buffer.from('%PDF-1.4 terms') },
      ],
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const message = await detail(id);
    expect(names(message.Inline)).toEqual(['invoice.pdf']);
    expect(names(message.Attachments)).toEqual(['terms.pdf']);
    expect((await summaryOf(id))?.Attachments).toBe(1);
  });

  it('is an attachment when written so inside multipart/related, inline with a bare Content-ID', async () => {
    const id = await sendRaw([
      'From: ada@sender.example',
      'To: bob@rcpt.example',
      'Subject: dispositions',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="m"',
      '',
      '--m',
      'Content-Type: multipart/related; boundary="r"',
      '',
      '--r',
      'Content-Type: text/html',
      '',
      '<p><img src="cid:chart"></p>',
      '--r',
      'Content-Type: image/png; name="chart.png"',
      'Content-ID: <chart>',
      'Content-Disposition: attachment; filename="chart.png"',
      '',
      'png bytes',
      '--r--',
      '--m',
      'Content-Type: image/png; name="logo.png"',
      'Content-ID: <logo>',
      '',
      'png bytes',
      '--m--',
    ]);
    const message = await detail(id);
    expect(names(message.Attachments)).toEqual(['chart.png']);
    expect(names(message.Inline)).toEqual(['logo.png']);
    expect((await summaryOf(id))?.Attachments).toBe(1);
  });
});

describe('PartIDs', () => {
  it("are the parts' MIME positions, and /part/{PartID} serves each", async () => {
    const pdf = Buffer.from('%PDF-1.4 fake\n');
    const png = Buffer.from('png image bytes');
    // multipart/mixed [ multipart/alternative [ text, multipart/related [ html, png ] ], pdf ]
    const info = await relay.transport().sendMail({
      from: 'ada@sender.example',
      to: 'bob@rcpt.example',
      subject: 'part ids',
      text: 'text',
      html: '<p><img src="cid:img@x"></p>',
      attachments: [
        { filename: 'doc.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: 'img.png', content: png, cid: 'img@x', contentType: 'image/png' },
      ],
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const message = await detail(id);
    expect(message.Attachments.map((a) => [a.FileName, a.PartID])).toEqual([['doc.pdf', '2']]);
    expect(message.Inline.map((a) => [a.FileName, a.PartID])).toEqual([['img.png', '1.2.2']]);
    for (const [partId, bytes] of [
      ['2', pdf],
      ['1.2.2', png],
    ] as const) {
      const res = await relay.fetch(`/api/v1/message/${id}/part/${partId}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    }
    expect((await relay.fetch(`/api/v1/message/${id}/part/1`)).status).toBe(404);
  });
});

describe('GET /api/v1/message/{ID}/headers', () => {
  it("joins folded lines with one space and trims them, as Go's net/textproto (Mailpit)", async () => {
    const id = await sendRaw([
      'From: ada@sender.example',
      'To: bob@rcpt.example',
      'Subject: a long subject  ',
      '\t\tfolded with tabs',
      'X-Folded: one',
      '    two',
      ' three ',
      '',
      'hello',
    ]);
    const headers = await relay.api<Record<string, string[]>>(`/api/v1/message/${id}/headers`);
    expect(headers['Subject']).toEqual(['a long subject folded with tabs']);
    expect(headers['X-Folded']).toEqual(['one two three']);
    // our own stamp is folded with tabs: read back, "by" follows the client part after a space
    expect(headers['Received']?.[0]).toMatch(
      /^from \S+ \(unknown \[127\.0\.0\.1\]\) by \S+ \(Relaydesk\) with ESMTP id \S+ for <bob@rcpt\.example>; /,
    );
  });

  it("lists the names alphabetically, as Mailpit documents (Go's JSON of a map), each name's values in message order", async () => {
    const id = await sendRaw([
      'X-Zeta: 1',
      'From: ada@sender.example',
      'x-alpha: first',
      'To: bob@rcpt.example',
      'X-ALPHA: second',
      'Subject: order',
      '',
      'hello',
    ]);
    const res = await relay.fetch(`/api/v1/message/${id}/headers`);
    const headers = (await res.json()) as Record<string, string[]>;
    expect(Object.keys(headers)).toEqual([
      'From',
      'Received',
      'Subject',
      'To',
      'X-Alpha',
      'X-Zeta',
    ]);
    expect(headers['X-Alpha']).toEqual(['first', 'second']);
  });
});

describe('HeaderProblems (Relaydesk’s own)', () => {
  it('is empty for what a mail library sends (nodemailer adds Date and Message-ID)', async () => {
    const info = await relay.transport().sendMail({
      from: 'ada@sender.example',
      to: 'bob@rcpt.example',
      subject: 'from a library',
      text: 'hello',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    expect((await detail(id)).HeaderProblems).toEqual([]);
  });

  it('names a missing Date and Message-ID, as a hand-built message (curl, a script) has them', async () => {
    const id = await sendRaw(['From: ada@sender.example', 'Subject: by hand', '', 'hello']);
    const message = await detail(id);
    expect(message.HeaderProblems).toEqual([
      { field: 'Date', problem: 'missing' },
      { field: 'Message-ID', problem: 'missing' },
    ]);
    // kept as sent (Mailpit would have added a Message-ID): the list and the raw say none
    expect(message.MessageID).toBe('');
    expect(await (await relay.fetch(`/api/v1/message/${id}/raw`)).text()).not.toMatch(
      /^Message-ID:/im,
    );
  });

  it('says a relayed copy gets the Date and Message-ID a message lacks', async () => {
    // relayed to where nothing listens: the message has a delivery, whatever its attempts say
    const relaying = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: await unusedPort(), security: 'none' },
    });
    try {
      const info = await relaying.transport().sendMail({
        envelope: { from: 'scanner@office.example', to: ['bob@rcpt.example'] },
        raw: 'From: scanner@office.example\r\nSubject: Scan\r\n\r\nscanned\r\n',
      });
      const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
      // the reading pane then says the copy relayed has them, not only to add one
      expect((await relaying.api<MessageDetail>(`/api/v1/message/${id}`)).HeaderProblems).toEqual([
        { field: 'Date', problem: 'missing', addedWhenRelayed: true },
        { field: 'Message-ID', problem: 'missing', addedWhenRelayed: true },
      ]);
    } finally {
      await relaying.dispose();
    }
  });

  it('names a Date no program reads, a Message-ID not <id@domain> and a field given twice', async () => {
    const id = await sendRaw([
      'From: ada@sender.example',
      'To: bob@rcpt.example',
      'Subject: Reset',
      'Subject: Reset your password',
      'Date: tomorrow at noon',
      'Message-ID: 1733472000.abc123',
      'To: carol@rcpt.example',
      '',
      'hello',
    ]);
    expect((await detail(id)).HeaderProblems).toEqual([
      { field: 'Date', problem: 'malformed', value: 'tomorrow at noon' },
      { field: 'Message-ID', problem: 'malformed', value: '1733472000.abc123' },
      { field: 'To', problem: 'repeated', count: 2 },
      { field: 'Subject', problem: 'repeated', count: 2 },
    ]);
  });

  it('takes a folded Message-ID with a comment after it, and headers named in any case', async () => {
    const id = await sendRaw([
      'FROM: ada@sender.example',
      'date: Fri, 6 Dec 2024 10:00:00 +0000',
      'message-id:',
      ' <abc.123@sender.example> (sent by cron)',
      'Received: from a by b; Fri, 6 Dec 2024 10:00:00 +0000',
      'Received: from c by a; Fri, 6 Dec 2024 09:59:59 +0000',
      '',
      'hello',
    ]);
    expect((await detail(id)).HeaderProblems).toEqual([]);
  });
});
