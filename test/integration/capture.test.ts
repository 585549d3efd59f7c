// Mail sent by a real SMTP client (nodemailer) appears in the API as it was sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;

beforeAll(async () => {
  relay = await startTestRelaydesk({ hostname: 'relay.test' });
});
afterAll(async () => {
  await relay?.dispose();
});

async function newest(): Promise<MessageDetail> {
  return relay.api<MessageDetail>('/api/v1/message/latest');
}

describe('capturing mail from nodemailer', () => {
  it('keeps envelope, headers, text, HTML and attachments, and stamps a Received header', async () => {
    const attachment = Buffer.from('%PDF-1.4 not really a pdf\n\x00\x01\x02', 'latin1');
    const info = await relay.transport().sendMail({
      from: '"Ada Sender" <ada@sender.example>',
      to: 'bob@rcpt.example, "Carol" <carol@rcpt.example>',
      cc: 'dave@rcpt.example',
      bcc: 'erin@hidden.example',
      subject: 'Quarterly report ✓',
      text: 'Hello Bob,\nthe report is attached.',
      html: '<p>Hello <b>Bob</b>, the report is attached.</p>',
      attachments: [
        { filename: 'report.pdf', content: attachment, contentType: 'application/pdf' },
      ],
    });
    expect(info.response).toMatch(/^250 2\.6\.0 Ok: queued as [0-9a-z]{22}$/);
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;

    const page = await relay.api<MessagesPage>('/api/v1/messages');
    const summary = page.messages.find((m) => m.ID === id);
    expect(summary).toMatchObject({
      Subject: 'Quarterly report ✓',
      From: { Name: 'Ada Sender', Address: 'ada@sender.example' },
      To: [
        { Name: '', Address: 'bob@rcpt.example' },
        { Name: 'Carol', Address: 'carol@rcpt.example' },
      ],
      Cc: [{ Name: '', Address: 'dave@rcpt.example' }],
      Read: false,
      Attachments: 1,
    });
    expect(summary?.Snippet).toBe('Hello Bob, the report is attached.');

    const detail = await relay.api<MessageDetail>(`/api/v1/message/${id}`);
    expect(detail.Text).toBe('Hello Bob,\nthe report is attached.');
    expect(detail.HTML).toContain('<b>Bob</b>');
    expect(detail.Envelope).toMatchObject({
      mailFrom: 'ada@sender.example',
      rcptTo: [
        'bob@rcpt.example',
        'carol@rcpt.example',
        'dave@rcpt.example',
        'erin@hidden.example',
      ],
      clientIp: '127.0.0.1',
      clientHostname: null,
      user: null,
      tls: null,
    });
    expect(detail.Attachments).toEqual([
      expect.objectContaining({
        FileName: 'report.pdf',
        ContentType: 'application/pdf',
        Size: attachment.length,
      }),
    ]);
    const part = await relay.fetch(`/api/v1/message/${id}/part/${detail.Attachments[0]?.PartID}`);
    expect(part.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await part.arrayBuffer())).toEqual(attachment);

    // opening a message marks it read, as Mailpit does
    const after = await relay.api<MessagesPage>('/api/v1/messages');
    expect(after.messages.find((m) => m.ID === id)?.Read).toBe(true);

    const raw = await (await relay.fetch(`/api/v1/message/${id}/raw`)).text();
    expect(raw).toMatch(
      new RegExp(
        `^Received: from \\[127\\.0\\.0\\.1\\] \\(unknown \\[127\\.0\\.0\\.1\\]\\)\\r\\n` +
          `\\tby relay\\.test \\(Relaydesk\\) with ESMTP id ${id}; ` +
          `(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\r\\n`,
      ),
    );
    const headers = await relay.api<Record<string, string[]>>(`/api/v1/message/${id}/headers`);
    expect(headers['Subject']).toEqual(['=?UTF-8?Q?Quarterly_report_=E2=9C=93?=']);
    expect(headers['Received']?.[0]).toContain(`by relay.test (Relaydesk) with ESMTP id ${id}`);
  });

  it('stamps "for <rcpt>" with exactly one recipient, and ESMTPA with the AUTH user recorded', async () => {
    const t = relay.transport();
    // capture on loopback accepts any credentials, like Mailpit's --smtp-auth-accept-any
    const authed = (await import('nodemailer')).default.createTransport({
      host: '127.0.0.1',
      port: relay.smtp.port,
      secure: false,
      ignoreTLS: true,
      auth: { user: 'project-a', pass: 'anything' },
    });
    try {
      await authed.sendMail({
        from: 'a@x.example',
        to: 'only@y.example',
        subject: 'one',
        text: 'x',
      });
    } finally {
      authed.close();
      t.close();
    }
    const detail = await newest();
    expect(detail.Username).toBe('project-a');
    expect(detail.Envelope.user).toBe('project-a');
    const raw = await (await relay.fetch(`/api/v1/message/${detail.ID}/raw`)).text();
    expect(raw.split('\r\n').slice(0, 3).join('\n')).toMatch(
      /^Received: from .*\n\tby relay\.test \(Relaydesk\) with ESMTPA id \S+\n\tfor <only@y\.example>; /,
    );
  });

  it('decodes a non-UTF-8 charset in an 8-bit body', async () => {
    const raw = Buffer.concat([
      Buffer.from(
        'From: sender@x.example\r\nTo: r@y.example\r\nSubject: =?ISO-8859-1?Q?Gr=FC=DFe?=\r\n' +
          'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n' +
          'Content-Transfer-Encoding: 8bit\r\n\r\n',
      ),
      Buffer.from('Schöne Grüße aus Köln\r\n', 'latin1'),
    ]);
    await relay
      .transport()
      .sendMail({ envelope: { from: 'sender@x.example', to: ['r@y.example'] }, raw });
    const detail = await newest();
    expect(detail.Subject).toBe('Grüße');
    expect(detail.Text.trim()).toBe('Schöne Grüße aus Köln');
  });

  it('accepts an SMTPUTF8 address and says so in the stamp', async () => {
    await relay.transport().sendMail({
      from: 'jörg@bücher.example',
      to: 'zoë@exämple.example',
      subject: 'utf8',
      text: 'ü',
    });
    const detail = await newest();
    expect(detail.Envelope.mailFrom).toBe('jörg@bücher.example');
    expect(detail.Envelope.rcptTo).toEqual(['zoë@exämple.example']);
    expect(detail.Envelope.smtpUtf8).toBe(true);
    const raw = await (await relay.fetch(`/api/v1/message/${detail.ID}/raw`)).text();
    expect(raw).toMatch(/with UTF8SMTP id /);
    expect(raw).toMatch(/for <zoë@exämple\.example>;/);
  });

  it('keeps and shows a malformed MIME message with its raw source', async () => {
    const raw = Buffer.from(
      'From: broken\r\nSubject: broken mime\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n' +
        'Content-Transfer-Encoding: base64\r\n\r\n--never-closed\r\nContent-Type: text/plain; charset=x-unknown-charset\r\n' +
        'Content-Transfer-Encoding: base64\r\n\r\n!!!not base64@@@\r\n--wrong-boundary\r\n',
    );
    const info = await relay
      .transport()
      .sendMail({ envelope: { from: 'x@x.example', to: ['y@y.example'] }, raw });
    expect(info.response).toMatch(/^250 /);
    const detail = await newest();
    expect(detail.Subject).toBe('broken mime');
    const source = await (await relay.fetch(`/api/v1/message/${detail.ID}/raw`)).text();
    expect(source).toContain('!!!not base64@@@');
  });

  it('normalises bare LF line endings to CRLF before storing', async () => {
    const raw = Buffer.from('From: a@x.example\nSubject: bare lf\n\nline one\nline two\n');
    await relay
      .transport()
      .sendMail({ envelope: { from: 'a@x.example', to: ['b@y.example'] }, raw });
    const detail = await newest();
    const source = Buffer.from(
      await (await relay.fetch(`/api/v1/message/${detail.ID}/raw`)).arrayBuffer(),
    );
    expect(detail.Subject).toBe('bare lf');
    // every LF in the stored file is part of a CRLF
    expect(source.toString('latin1').replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});

describe('limits', () => {
  it('answers 452 4.5.3 to the recipient past the limit of 100 and keeps the first 100', async () => {
    const to = Array.from({ length: 101 }, (_, i) => `r${i}@y.example`);
    const info = await relay
      .transport()
      .sendMail({ from: 'a@x.example', to, subject: 'many', text: 'x' });
    expect(info.accepted).toHaveLength(100);
    expect(info.rejected).toEqual(['r100@y.example']);
    expect(info.rejectedErrors?.[0]?.response).toMatch(/^452 4\.5\.3 Too many recipients/);
    expect((await newest()).Envelope.rcptTo).toHaveLength(100);
  });

  it('refuses a message with more than 30 Received headers with 554 5.4.6 (mail loop)', async () => {
    const received = Array.from(
      { length: 31 },
      (_, i) =>
        `Received: from h${i}.example by h${i + 1}.example; Sat, 28 Nov 2026 10:00:00 +0000\r\n`,
    ).join('');
    const raw = Buffer.from(`${received}From: a@x.example\r\nSubject: loop\r\n\r\nbody\r\n`);
    await expect(
      relay.transport().sendMail({ envelope: { from: 'a@x.example', to: ['b@y.example'] }, raw }),
    ).rejects.toMatchObject({
      responseCode: 554,
      response: expect.stringMatching(/^554 5\.4\.6 /),
    });
  });

  it('accepts a 25 MB message and refuses a larger one with 552 5.3.4', async () => {
    const limit = 25 * 1024 * 1024;
    const fits = Buffer.alloc(limit - 64 * 1024, 'a');
    // lines of 76 characters, as a real base64 body would have
    const body = fits.toString('latin1').replace(/(.{76})/g, '$1\r\n');
    const rawFits = Buffer.from(
      `From: a@x.example\r\nSubject: big\r\n\r\n${body.slice(0, limit - 200_000)}\r\n`,
    );
    const info = await relay
      .transport()
      .sendMail({ envelope: { from: 'a@x.example', to: ['b@y.example'] }, raw: rawFits });
    expect(info.response).toMatch(/^250 /);
    const big = await newest();
    expect(big.Subject).toBe('big');
    expect(big.Size).toBeGreaterThan(24 * 1024 * 1024);

    const rawTooBig = Buffer.from(
      `From: a@x.example\r\nSubject: too big\r\n\r\n${body}${body.slice(0, 200_000)}\r\n`,
    );
    await expect(
      relay
        .transport()
        .sendMail({ envelope: { from: 'a@x.example', to: ['b@y.example'] }, raw: rawTooBig }),
    ).rejects.toMatchObject({
      responseCode: 552,
      response: expect.stringMatching(/^552 5\.3\.4 /),
    });
    expect((await newest()).Subject).toBe('big');
    // 50 MB through SMTP and the parser: 9 s on a quiet 2-core machine, over 30 s under a full
    // suite run beside other work
  }, 90_000);
});

describe('the set-up Mailpit users have', () => {
  it('takes mail from nodemailer with its defaults (no STARTTLS offered with only a self-signed certificate on loopback)', async () => {
    const nodemailer = (await import('nodemailer')).default;
    const plain = nodemailer.createTransport({
      host: '127.0.0.1',
      port: relay.smtp.port,
      secure: false,
    });
    try {
      const info = await plain.sendMail({
        from: 'a@x.example',
        to: 'b@y.example',
        subject: 'defaults',
        text: 'x',
      });
      expect(info.response).toMatch(/^250 /);
    } finally {
      plain.close();
    }
  });
});
