import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import mailhog from 'mailhog';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryOf } from '../../main/server/mailhog/mailhog-content.js';
import {
  mailhogPath,
  toMailhogMessage,
  toMailhogPage,
  type MailhogContent,
  type MailhogMessage,
} from '../../main/server/mailhog/mailhog-message.js';
import type { Envelope } from '../../main/core/message-record.js';
import { makeRecord } from '../search/record-factory.js';

/** The Received line our listener puts on top of every stored message. */
const RECEIVED =
  'Received: from client.example.com ([127.0.0.1])\r\n' +
  '\tby relaydesk with ESMTP id r-1;\r\n' +
  '\tSun, 10 Mar 2024 12:00:00 +0000\r\n';

async function compose(mail: Mail.Options): Promise<Buffer> {
  const built = await new MailComposer(mail).compile().build();
  return Buffer.concat([Buffer.from(RECEIVED), built]);
}

function crlf(lines: string[]): Buffer {
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

function convert(raw: Buffer, envelope: Partial<Envelope> = {}): MailhogMessage {
  const record = makeRecord({
    id: 'aB3dE5',
    receivedAt: '2024-03-10T12:00:00.123Z',
    envelope: {
      mailFrom: 'sender@example.com',
      rcptTo: ['alice@example.com', 'bob@example.org'],
      helo: 'client.example.com',
      ...envelope,
    },
  });
  // What goes over the wire is JSON: check what survives it.
  return JSON.parse(JSON.stringify(toMailhogMessage(record, raw))) as MailhogMessage;
}

describe('MailHog message: envelope and shape', () => {
  it('serialises a plain message with MailHog’s fields, in MailHog’s order', async () => {
    const raw = await compose({
      from: 'Sender <sender@example.com>',
      to: 'Alice <alice@example.com>',
      subject: 'Hello',
      text: 'Hi Alice,\r\nsee you.',
      messageId: '<fixed-1@example.com>',
      date: new Date('2024-03-10T11:59:00Z'),
    });
    const message = convert(raw);

    expect(Object.keys(message)).toEqual(['ID', 'From', 'To', 'Content', 'Created', 'MIME', 'Raw']);
    expect(Object.keys(message.Content)).toEqual(['Headers', 'Body', 'Size', 'MIME']);
    expect(message.ID).toBe('aB3dE5');
    expect(message.Created).toBe('2024-03-10T12:00:00.123Z');
    expect(message.From).toEqual({
      Relays: null,
      Mailbox: 'sender',
      Domain: 'example.com',
      Params: '',
    });
    expect(message.To).toEqual([
      { Relays: null, Mailbox: 'alice', Domain: 'example.com', Params: '' },
      { Relays: null, Mailbox: 'bob', Domain: 'example.org', Params: '' },
    ]);
    expect(message.Content.Headers).toMatchObject({
      Subject: ['Hello'],
      From: ['Sender <sender@example.com>'],
      To: ['Alice <alice@example.com>'],
      'Message-ID': ['<fixed-1@example.com>'],
      'Content-Type': ['text/plain; charset=utf-8'],
      'Content-Transfer-Encoding': ['7bit'],
      'MIME-Version': ['1.0'],
      // unfolded: the line breaks go, the continuation's leading tab stays (as in MailHog)
      Received: [
        'from client.example.com ([127.0.0.1])\tby relaydesk with ESMTP id r-1;\tSun, 10 Mar 2024 12:00:00 +0000',
      ],
      // MailHog appends the envelope sender
      'Return-Path': ['<sender@example.com>'],
    });
    // MailHog keeps the data without the CRLF before the final dot
    expect(raw.subarray(-2).toString()).toBe('\r\n');
    expect(message.Content.Body).toBe('Hi Alice,\r\nsee you.');
    expect(message.Content.Size).toBe(raw.length - 2);
    expect(message.Content.MIME).toBeNull();
    expect(message.MIME).toBeNull();
    expect(message.Raw).toEqual({
      From: 'sender@example.com',
      To: ['alice@example.com', 'bob@example.org'],
      Data: raw.subarray(0, -2).toString('utf8'),
      Helo: 'client.example.com',
    });
  });

  it('gives a null sender an empty path and Return-Path <>', async () => {
    const raw = await compose({ from: 'MAILER-DAEMON@example.com', to: 'a@b.c', text: 'bounce' });
    const message = convert(raw, { mailFrom: '' });
    expect(message.From).toEqual({ Relays: null, Mailbox: '', Domain: '', Params: '' });
    expect(message.Raw.From).toBe('');
    expect(message.Content.Headers['Return-Path']).toEqual(['<>']);
    expect(convert(raw, { mailFrom: '<>' }).Raw.From).toBe('');
  });

  it.each<[string, object]>([
    ['user@example.com', { Relays: null, Mailbox: 'user', Domain: 'example.com' }],
    ['<user@example.com>', { Relays: null, Mailbox: '<user', Domain: 'example.com>' }],
    ['@relay1,@relay2:user@example.com', { Relays: ['@relay1', '@relay2'], Mailbox: 'user' }],
    ['postmaster', { Relays: null, Mailbox: 'postmaster', Domain: '' }],
    ['"a@b"@example.com', { Mailbox: '"a@b"', Domain: 'example.com' }],
    ['user@[IPv6:2001:db8::1]', { Relays: null, Mailbox: 'user', Domain: '[IPv6:2001:db8::1]' }],
  ])('splits the path %s', (path, expected) => {
    expect(mailhogPath(path)).toMatchObject({ ...expected, Params: '' });
  });

  it('keeps SMTPUTF8 addresses and UTF-8 headers as text', async () => {
    const raw = await compose({
      from: 'Jörg <jörg@exämple.de>',
      to: 'üser@exämple.de',
      subject: 'Grüße',
      text: 'Grüße aus Köln',
    });
    const message = convert(raw, { mailFrom: 'jörg@exämple.de', rcptTo: ['üser@exämple.de'] });
    expect(message.From).toMatchObject({ Mailbox: 'jörg', Domain: 'exämple.de' });
    expect(message.To).toEqual([
      { Relays: null, Mailbox: 'üser', Domain: 'exämple.de', Params: '' },
    ]);
    expect(message.Raw).toMatchObject({ From: 'jörg@exämple.de', To: ['üser@exämple.de'] });
    // nodemailer encodes the display name but writes the address itself as UTF-8
    expect(message.Content.Headers.From).toEqual(['=?UTF-8?Q?J=C3=B6rg?= <jörg@exämple.de>']);
    expect(message.Content.Headers.To).toEqual(['üser@exämple.de']);
    // headers are not decoded, as in MailHog
    expect(message.Content.Headers.Subject).toEqual(['=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=']);
    expect(message.Raw.Data).toContain('jörg@exämple.de');
    // Size counts bytes, not characters (without the CRLF that ends DATA)
    expect(message.Content.Size).toBe(raw.length - 2);
    expect(message.Content.Size).toBeGreaterThan(message.Raw.Data.length);
  });

  it('wraps a page as MailHog’s v2 list does', () => {
    expect(toMailhogPage([], 0, 0)).toEqual({ total: 0, count: 0, start: 0, items: [] });
    const message = convert(crlf(['Subject: x', '', 'body']));
    expect(toMailhogPage([message, message], 50, 123)).toEqual({
      total: 123,
      count: 2,
      start: 50,
      items: [message, message],
    });
  });
});

describe('MailHog message: headers and body', () => {
  it('leaves the body encoded: quoted-printable stays quoted-printable', async () => {
    const text = `Grüße — ${'a long line '.repeat(10)}end`;
    const raw = await compose({
      from: 'a@example.com',
      to: 'b@example.com',
      text,
      textEncoding: 'quoted-printable',
    });
    const message = convert(raw);
    expect(message.Content.Headers['Content-Transfer-Encoding']).toEqual(['quoted-printable']);
    expect(message.Content.Body).toContain('Gr=C3=BC=C3=9Fe');
    expect(message.Content.Body).toMatch(/=\r\n/); // a soft line break, undecoded
    expect(mailhog().decode(message.Content.Body, 'quoted-printable')).toBe(text);
  });

  it('keeps headers by the name as written, every occurrence in order', () => {
    const message = convert(
      crlf([
        'subject: lower case',
        'X-Tag: one',
        'X-TAG: shouty',
        'X-Tag: two',
        'Keywords:no space',
        'this line is not a header',
        '\tbut folds into Keywords',
        '__proto__: data, not a prototype',
        'return-path: <original@example.com>',
        'Message-Id: <kept@example.com>',
        '',
        'body',
      ]),
    );
    const headers = message.Content.Headers;
    expect(headers.subject).toEqual(['lower case']);
    expect(headers.Subject).toBeUndefined();
    expect(headers['X-Tag']).toEqual(['one', 'two']);
    expect(headers['X-TAG']).toEqual(['shouty']);
    expect(headers.Keywords).toEqual(['no space\tbut folds into Keywords']);
    expect(Object.getOwnPropertyDescriptor(headers, '__proto__')?.value).toEqual([
      'data, not a prototype',
    ]);
    // MailHog appends to the Return-Path it finds, whatever its casing
    expect(headers['return-path']).toEqual(['<original@example.com>', '<sender@example.com>']);
    expect(headers['Return-Path']).toBeUndefined();
    // an existing Message-ID, whatever its casing, means none is added
    expect(headers['Message-Id']).toEqual(['<kept@example.com>']);
    expect(headers['Message-ID']).toBeUndefined();
  });

  it('adds MailHog’s Message-ID when the message has none', () => {
    const headers = convert(crlf(['Subject: x', '', 'body'])).Content.Headers;
    expect(headers['Message-ID']).toEqual(['aB3dE5']);
  });

  it('reads a message without a blank line as MailHog does: all body', () => {
    const raw = crlf(['Subject: only headers', 'From: a@b.c']);
    const message = convert(raw);
    expect(message.Content.Body).toBe(raw.toString());
    expect(Object.keys(message.Content.Headers)).toEqual(['Message-ID', 'Return-Path']);
  });

  it('reads bare LF line endings too', () => {
    const raw = Buffer.from('Subject: lf\nContent-Type: text/plain\n\nline 1\nline 2\n');
    const message = convert(raw);
    expect(message.Content.Headers.Subject).toEqual(['lf']);
    expect(message.Content.Body).toBe('line 1\nline 2\n');
  });

  it('turns invalid UTF-8 into U+FFFD, as Go’s JSON encoder does', () => {
    const raw = crlf([
      'Subject: caf\xe9',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: 8bit',
      '',
      'd\xe9j\xe0 vu',
    ]);
    const message = convert(raw);
    expect(message.Content.Headers.Subject).toEqual(['caf\uFFFD']);
    expect(message.Content.Body).toBe('d\uFFFDj\uFFFD vu');
    expect(message.Content.Size).toBe(raw.length);
  });
});

describe('MailHog message: MIME parts', () => {
  // The message from MailHog issue #411, which MailHog turns into three parts.
  const boundary = '===============0438762424560383716==';
  const textPart = [
    'Content-Type: text/plain; charset="utf-8"',
    'Content-Transfer-Encoding: 7bit',
    '',
    'Text message',
  ].join('\r\n');
  const htmlPart = [
    'Content-Type: text/html; charset="utf-8"',
    'Content-Transfer-Encoding: 7bit',
    'MIME-Version: 1.0',
    '',
    '<!doctype html><html><body><b>HTML</b> message</body></html>',
  ].join('\r\n');
  const issue411 = crlf([
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative;',
    ` boundary="${boundary}"`,
    'Subject: Subject',
    'From: sender@localhost',
    'To: receiver@localhost',
    '',
    `--${boundary}`,
    textPart,
    '',
    `--${boundary}`,
    htmlPart,
    '',
    `--${boundary}--`,
    '',
  ]);

  it('splits on the boundary as MailHog does, close delimiter included', () => {
    const message = convert(issue411);
    expect(message.Content.Headers['Content-Type']).toEqual([
      `multipart/alternative; boundary="${boundary}"`,
    ]);
    expect(message.Content.MIME).toBeNull();
    expect(message.MIME).toEqual({
      Parts: [
        {
          Headers: {
            'Content-Type': ['text/plain; charset="utf-8"'],
            'Content-Transfer-Encoding': ['7bit'],
          },
          Body: 'Text message',
          Size: textPart.length,
          MIME: null,
        },
        {
          Headers: {
            'Content-Type': ['text/html; charset="utf-8"'],
            'Content-Transfer-Encoding': ['7bit'],
            'MIME-Version': ['1.0'],
          },
          Body: '<!doctype html><html><body><b>HTML</b> message</body></html>',
          Size: htmlPart.length,
          MIME: null,
        },
        { Headers: {}, Body: '--', Size: 2, MIME: null },
      ],
    });
    // the top-level Body is the raw multipart body, boundaries and all
    expect(message.Content.Body.startsWith(`--${boundary}\r\n`)).toBe(true);
  });

  it('nests multipart parts with their own MIME, as MailHog does', async () => {
    const raw = await compose({
      from: 'a@example.com',
      to: 'b@example.com',
      subject: 'Report',
      text: 'See attached.',
      html: '<p>See attached.</p>',
      attachments: [
        { filename: 'report.csv', content: 'a,b\n1,2\n', contentType: 'text/csv' },
        { filename: 'logo.png', content: Buffer.from([0x89, 0x50, 0x4e, 0x47]), cid: 'logo@x' },
      ],
    });
    const message = convert(raw);
    const types = (parts: MailhogContent[]) =>
      parts.map((p) => p.Headers['Content-Type']?.[0]?.split(';')[0]);
    // nodemailer: mixed[alternative[text, related[html, png]], csv]; each level ends in "--"
    const parts = message.MIME?.Parts ?? [];
    expect(types(parts)).toEqual(['multipart/alternative', 'text/csv', undefined]);
    const alternative = parts[0]?.MIME?.Parts ?? [];
    expect(types(alternative)).toEqual(['text/plain', 'multipart/related', undefined]);
    const related = alternative[1]?.MIME?.Parts ?? [];
    expect(types(related)).toEqual(['text/html', 'image/png', undefined]);
    expect([alternative[0]?.Body, related[0]?.Body, related[2]?.Body]).toEqual([
      'See attached.',
      '<p>See attached.</p>',
      '--',
    ]);
    expect(alternative[0]?.MIME).toBeNull();
    expect(parts[1]).toMatchObject({
      Headers: {
        'Content-Disposition': ['attachment; filename=report.csv'],
        'Content-Transfer-Encoding': ['base64'],
      },
      Body: Buffer.from('a,b\n1,2\n').toString('base64'),
      MIME: null,
    });
    expect(related[1]?.Headers['Content-ID']).toEqual(['<logo@x>']);
  });

  it('makes the preamble a part of its own, as MailHog does', () => {
    const message = convert(
      crlf([
        'Content-Type: multipart/mixed; boundary=b1',
        '',
        'This is a multi-part message in MIME format.',
        '--b1',
        'Content-Type: text/plain',
        '',
        'hello',
        '--b1--',
      ]),
    );
    expect(message.MIME?.Parts).toEqual([
      {
        Headers: {},
        Body: 'This is a multi-part message in MIME format.',
        Size: 44,
        MIME: null,
      },
      {
        Headers: { 'Content-Type': ['text/plain'] },
        Body: 'hello',
        Size: 'Content-Type: text/plain\r\n\r\nhello'.length,
        MIME: null,
      },
      { Headers: {}, Body: '--', Size: 2, MIME: null },
    ]);
  });

  it('keeps the headers of a part with an empty body (MailHog issue #198)', () => {
    const message = convert(
      crlf([
        'Content-Type: multipart/alternative; boundary="b2"',
        '',
        '--b2',
        'Content-Type: text/plain; charset=UTF-8',
        'Content-Transfer-Encoding: 7bit',
        '',
        '',
        '--b2--',
      ]),
    );
    expect(message.MIME?.Parts?.[0]).toEqual({
      Headers: {
        'Content-Type': ['text/plain; charset=UTF-8'],
        'Content-Transfer-Encoding': ['7bit'],
      },
      Body: '',
      Size: 72,
      MIME: null,
    });
  });

  it.each<[string, string[]]>([
    ['no boundary parameter', ['Content-Type: multipart/mixed', '', '--x', '', 'a', '--x--']],
    ['an unterminated quote', ['Content-Type: multipart/mixed; boundary="x', '', '--x--']],
    ['a repeated parameter', ['Content-Type: multipart/mixed; boundary=x; boundary=y', '', '--x']],
    // the last CRLF ends DATA and is not part of what MailHog reads
    ['an empty body', ['Content-Type: multipart/mixed; boundary=x', '', '', '']],
  ])('gives Parts: null for a multipart with %s', (_, lines) => {
    expect(convert(crlf(lines)).MIME).toEqual({ Parts: null });
  });

  it('makes the whole body one part when the boundary never occurs', () => {
    const message = convert(crlf(['Content-Type: multipart/mixed; boundary=zz', '', 'just text']));
    expect(message.MIME?.Parts).toEqual([{ Headers: {}, Body: 'just text', Size: 9, MIME: null }]);
  });

  it('matches the Content-Type key and the multipart/ prefix exactly, as MailHog does', () => {
    const lines = (header: string) => crlf([header, '', '--b', 'X: 1', '', 'a', '--b--']);
    expect(convert(lines('content-type: multipart/mixed; boundary=b')).MIME).toBeNull();
    expect(convert(lines('Content-Type: Multipart/Mixed; boundary=b')).MIME).toBeNull();
    expect(convert(lines('Content-Type: multipart/mixed; boundary=b')).MIME?.Parts).toHaveLength(2);
  });

  it('stops splitting deeply nested multiparts instead of exhausting the stack', () => {
    const depth = 5000;
    const lines: string[] = [];
    for (let i = 0; i < depth; i++) {
      // "b1x" is no prefix of "b10x": MailHog splits on the plain string
      lines.push(`Content-Type: multipart/mixed; boundary=b${i}x`, '', `--b${i}x`);
    }
    lines.push('Content-Type: text/plain', '', 'deep');
    const message = convert(crlf(lines));
    let level = message.MIME;
    let levels = 0;
    while (level?.Parts?.[0]?.MIME) {
      level = level.Parts[0].MIME;
      levels += 1;
    }
    expect(levels).toBe(31);
  });

  it('never throws on garbage', () => {
    const mimeish = fc.constantFrom(
      '\r\n',
      '\r\n\r\n',
      '--b',
      '--b--',
      'Content-Type: multipart/mixed; boundary=b\r\n',
      'Content-Type: multipart/mixed; boundary="b"; x\r\n',
      ' folded\r\n',
      '\xff\xfe',
      ':',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(mimeish, fc.string()), { maxLength: 20 }), (chunks) => {
        const raw = Buffer.from(chunks.join(''), 'latin1');
        const message = convert(raw);
        const endsData = raw.subarray(-2).toString('latin1') === '\r\n' ? 2 : 0;
        expect(message.Content.Size).toBe(raw.length - endsData);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect(() => convert(Buffer.from(bytes))).not.toThrow();
      }),
    );
  });
});

describe('MailHog message: the Content-Type boundary, as Go’s mime.ParseMediaType reads it', () => {
  it.each<[string, string]>([
    ['multipart/mixed; boundary=abc', 'abc'],
    ['multipart/mixed; boundary="a b=c"', 'a b=c'],
    ['multipart/mixed;boundary=abc', 'abc'],
    ['multipart/mixed; BOUNDARY=abc', 'abc'],
    ['multipart/mixed; charset=x; boundary="q\\"uote"', 'q"uote'],
    ['multipart/mixed;\tboundary=abc;', 'abc'],
    [
      'multipart/alternative; boundary="_----------=_MCPart_498914860"',
      '_----------=_MCPart_498914860',
    ],
    [
      'multipart/alternative; boundary=047d7bd74a2049b624050d805118',
      '047d7bd74a2049b624050d805118',
    ],
    // a token cannot hold "=", so an unquoted "----=_Part" boundary is a parse error in Go
    ['multipart/mixed; boundary=----=_Part_1', ''],
    ['multipart/mixed; boundary=abc;;', ''],
    ['multipart/mixed; boundary', ''],
    ['multipart/mixed', ''],
    ['multipart/; boundary=abc', ''],
    ['multi part/mixed; boundary=abc', ''],
  ])('%s', (contentType, expected) => {
    expect(boundaryOf(contentType)).toBe(expected);
  });
});

describe('MailHog message: read by the mailhog npm client', () => {
  let server: Server;
  let served: MailhogMessage[] = [];
  let port = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== '/api/v2/messages') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(toMailhogPage(served, 0, served.length)));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  async function viaClient(...raws: Buffer[]) {
    served = raws.map((raw) => toMailhogMessage(makeRecord({ id: 'm1' }), raw));
    const api = mailhog({ host: '127.0.0.1', port });
    const result = await api.messages();
    if (!result) throw new Error('no result');
    return { api, items: result.items, result };
  }

  it('decodes subject, addresses, text and HTML of a quoted-printable UTF-8 message', async () => {
    const raw = await compose({
      from: 'Jörg <joerg@example.de>',
      to: 'Zoë <zoe@example.com>',
      cc: 'carol@example.org',
      // single words: the client does not turn "_" back into a space in Q-encoded words
      subject: 'Grüße',
      text: 'Schöne Grüße — bis bald',
      html: '<p>Schöne Grüße</p>',
      textEncoding: 'quoted-printable',
      date: new Date('2024-03-10T11:59:00Z'),
    });
    const { items, result } = await viaClient(raw);
    expect(result).toMatchObject({ total: 1, count: 1, start: 0 });
    const [item] = items;
    expect(item?.subject).toBe('Grüße');
    expect(item?.from).toBe('Jörg <joerg@example.de>');
    expect(item?.to).toBe('Zoë <zoe@example.com>');
    expect(item?.cc).toBe('carol@example.org');
    expect(item?.text).toBe('Schöne Grüße — bis bald');
    expect(item?.html).toBe('<p>Schöne Grüße</p>');
    expect(item?.date?.toISOString()).toBe('2024-03-10T11:59:00.000Z');
    expect(item?.deliveryDate?.toISOString()).toBe('2024-03-10T12:00:00.000Z');
  });

  it('lists attachments with name, type and encoding, and decodes their bodies', async () => {
    const pdf = Buffer.from('%PDF-1.4 binary \x00\xff', 'latin1');
    const raw = await compose({
      from: 'a@example.com',
      to: 'b@example.com',
      subject: 'Invoice',
      text: 'Invoice attached.',
      attachments: [{ filename: 'invoice.pdf', content: pdf }],
    });
    const { api, items } = await viaClient(raw);
    const [item] = items;
    expect(item?.text).toBe('Invoice attached.');
    expect(item?.attachments).toHaveLength(1);
    const [attachment] = item?.attachments ?? [];
    expect(attachment?.name).toBe('invoice.pdf');
    expect(attachment?.type).toBe('application/pdf; name=invoice.pdf');
    expect(attachment?.encoding).toBe('base64');
    expect(Buffer.from(attachment?.Body ?? '', 'base64')).toEqual(pdf);
    expect(api.decode(attachment?.Body ?? '', attachment?.encoding, 'latin1')).toBe(
      pdf.toString('latin1'),
    );
  });

  it('decodes ISO-8859-1 bodies in quoted-printable and base64 by their charset', async () => {
    const latin1 = (cte: string, body: string) =>
      crlf([
        'From: a@example.com',
        'To: b@example.com',
        'Subject: =?ISO-8859-1?Q?caf=E9?=',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=iso-8859-1',
        `Content-Transfer-Encoding: ${cte}`,
        '',
        body,
      ]);
    const { items } = await viaClient(
      latin1('quoted-printable', 'd=E9j=E0 vu, gar=E7on'),
      latin1('base64', Buffer.from('déjà vu, garçon', 'latin1').toString('base64')),
    );
    expect(items.map((i) => i.subject)).toEqual(['café', 'café']);
    expect(items.map((i) => i.text)).toEqual(['déjà vu, garçon', 'déjà vu, garçon']);
  });

  it('finds text and HTML among the parts of a multipart/alternative message', async () => {
    const raw = await compose({
      from: 'a@example.com',
      to: 'b@example.com',
      text: 'plain version',
      html: '<b>rich version</b>',
    });
    const { items } = await viaClient(raw);
    expect(items[0]?.text).toBe('plain version');
    expect(items[0]?.html).toBe('<b>rich version</b>');
    expect(items[0]?.attachments).toEqual([]);
  });
});
