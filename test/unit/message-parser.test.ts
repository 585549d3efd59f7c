import { afterEach, describe, expect, it } from 'vitest';
import { MessageParser } from '../../main/core/parse/message-parser.js';

let parser: MessageParser | null = null;
afterEach(async () => {
  await parser?.close();
  parser = null;
});

const simple = Buffer.from(
  'From: a@x.example\r\nTo: b@y.example\r\nSubject: hi\r\n\r\nhello there\r\n',
);

describe('the MIME parser in a worker', () => {
  it('summarises a message', async () => {
    parser = new MessageParser();
    const summary = await parser.summarize(simple);
    expect(summary).toMatchObject({
      subject: 'hi',
      from: { Name: '', Address: 'a@x.example' },
      to: [{ Name: '', Address: 'b@y.example' }],
      snippet: 'hello there',
      parseError: null,
    });
  });

  it('reads an HTML-only body as its words: no tags, scripts or styles, entities decoded', async () => {
    parser = new MessageParser();
    const html = Buffer.from(
      'Subject: html only\r\nContent-Type: text/html; charset=utf-8\r\n\r\n' +
        '<html><head><style>p { color: red }</style></head><body>' +
        '<p>Caf&eacute; &amp; <b>bar</b><script>track()</script></p></body></html>\r\n',
    );
    const summary = await parser.summarize(html);
    expect(summary.snippet).toBe('Café & bar');
  });

  it('stops a parse that runs over its budget, keeps the Subject, and parses the next message', async () => {
    parser = new MessageParser({ budgetMs: 1 });
    const huge = Buffer.concat([
      Buffer.from('Subject: slow one\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n'),
      Buffer.from(
        Array.from(
          { length: 3000 },
          (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`,
        ).join(''),
      ),
    ]);
    const summary = await parser.summarize(huge);
    expect(summary.subject).toBe('slow one');
    expect(summary.parseError).toMatch(/longer than 1 ms/);
    await parser.close();
    parser = new MessageParser({ budgetMs: 10_000 });
    expect((await parser.summarize(simple)).subject).toBe('hi');
  });
});
