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

/** A message with a long text, an inline image and two attachments, each body `bytes` long. */
function mixed(bytes: number): Buffer {
  const words = 'lorem ipsum dolor sit amet '.repeat(Math.ceil(bytes / 27)).slice(0, bytes);
  const text = words.replace(/.{70}/g, '$&\r\n');
  const binary = Buffer.alloc(Math.ceil((bytes * 3) / 4), 7).toString('base64');
  const base64 = binary.replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: "Ada" <ada@x.example>',
      'To: bob@y.example, carol@y.example',
      'Subject: the big one',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="m"',
      '',
      '--m',
      'Content-Type: multipart/related; boundary="r"',
      '',
      '--r',
      'Content-Type: text/plain; charset=utf-8',
      '',
      text,
      '--r',
      'Content-Type: image/png',
      'Content-ID: <logo>',
      'Content-Transfer-Encoding: base64',
      '',
      base64,
      '--r--',
      '--m',
      'Content-Type: application/pdf; name="a.pdf"',
      'Content-Disposition: attachment; filename="a.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      base64,
      '--m',
      'Content-Type: text/plain; name="notes.txt"',
      'Content-Disposition: attachment; filename="notes.txt"',
      '',
      text,
      '--m--',
      '',
    ].join('\r\n'),
  );
}

describe('the MIME parser in a worker', () => {
  it('summarises a large message from the start of each part, as it summarises a small one', async () => {
    parser = new MessageParser();
    // 4 parts of 2 MB each: over the size from which parts are cut; 100 KB each: under it
    const large = await parser.summarize(mixed(2 * 1024 * 1024));
    const small = await parser.summarize(mixed(100 * 1024));
    expect(large).toMatchObject({ subject: 'the big one', attachments: 2, inline: 1 });
    expect(large.searchText.length).toBeGreaterThan(16_000);
    expect(large).toEqual(small);
  });

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
