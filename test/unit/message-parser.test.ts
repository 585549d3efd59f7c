import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { MessageParser } from '../../main/core/parse/message-parser.js';
import { IncomingFile } from '../../main/core/spool/incoming-file.js';
import { eventually, letTimePass } from '../helpers/eventually.js';
import { overrunBudgetMs, slowSummaryMessage } from '../helpers/slow-summary.js';

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

  it('summarises a message with attachments from their headers, as a whole parse does', async () => {
    parser = new MessageParser();
    const pdf = Buffer.alloc(300 * 1024, 5)
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n');
    const forwarded = (disposition: string): Buffer =>
      Buffer.from(
        [
          'From: a@x.example',
          'Subject: fwd',
          'Content-Type: multipart/mixed; boundary="f"',
          '',
          '--f',
          'Content-Type: text/plain',
          '',
          'see below',
          '--f',
          `Content-Type: message/rfc822${disposition}`,
          '',
          'From: c@z.example',
          'Subject: the original',
          'Content-Type: multipart/mixed; boundary="o"',
          '',
          '--o',
          '',
          'original words, a part without a Content-Type',
          '--o',
          'Content-Type: application/pdf',
          'Content-Disposition: attachment; filename="o.pdf"',
          'Content-Transfer-Encoding: base64',
          '',
          pdf,
          '--o--',
          '--f--',
          '',
        ].join('\r\n'),
      );
    const untyped = Buffer.from(
      [
        'Subject: untyped',
        'Content-Type: multipart/mixed; boundary="u"',
        '',
        '--u',
        '',
        'the words of a part without a Content-Type',
        '--u',
        'Content-Type: application/pdf',
        'Content-Transfer-Encoding: base64',
        '',
        pdf,
        '--u--',
        '',
      ].join('\r\n'),
    );
    const lonePdf = Buffer.from(
      `Subject: scan\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${pdf}\r\n`,
    );
    // all over the size above which attachments are left out of the summary's parse; the
    // message view's parse (detail) always reads every byte
    for (const raw of [
      mixed(100 * 1024),
      forwarded(''),
      forwarded('\r\nContent-Disposition: inline'),
      untyped,
      lonePdf,
    ]) {
      expect(raw.length).toBeGreaterThan(64 * 1024);
      const summary = await parser.summarize(raw);
      expect(summary.parseError).toBeNull();
      expect(summary).toEqual((await parser.detail(raw)).summary);
    }
    expect(await parser.summarize(mixed(100 * 1024))).toMatchObject({ attachments: 2, inline: 1 });
    expect(await parser.summarize(lonePdf)).toMatchObject({ attachments: 1, snippet: '' });
    expect((await parser.summarize(untyped)).snippet).toBe(
      'the words of a part without a Content-Type',
    );
  });

  it('summarises a long plain text from the start of its body, as a whole parse does', async () => {
    parser = new MessageParser();
    const words = (count: number, word = (i: number): string => `word${i}`): string =>
      Array.from({ length: count }, (_, i) => word(i)).join(' ');
    const lines = (text: string, width = 72): string =>
      text.replace(new RegExp(`(.{1,${width}})( |$)`, 'g'), '$1\r\n');
    const plain = (headers: string[], body: string): Buffer =>
      Buffer.from([...headers, '', body].join('\r\n'));
    const ascii = plain(['From: a@x.example', 'Subject: a log'], lines(words(20_000)));
    const untyped = plain(['Subject: no Content-Type'], lines(words(20_000)));
    const quotedPrintable = plain(
      [
        'Subject: =?utf-8?q?r=C3=A9sum=C3=A9?=',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: quoted-printable',
      ],
      // a soft line break every 70 characters, across words: the cut falls on one
      words(20_000, (i) => `caf=C3=A9${i}`).replace(/.{70}/g, '$&=\r\n'),
    );
    const base64 = plain(
      [
        'Subject: b64',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
      ],
      Buffer.from(lines(words(20_000, (i) => `naïve${i}`)))
        .toString('base64')
        .replace(/.{76}/g, '$&\r\n'),
    );
    const flowed = plain(
      ['Subject: flowed', 'Content-Type: text/plain; charset=us-ascii; format=flowed'],
      // every line but a paragraph's last ends with a space: the cut falls inside a paragraph
      words(20_000).replace(/(.{1,60}) /g, '$1 \r\n'),
    );
    // three bytes a character: the first start read has too few of them, a longer one is read
    const wide = plain(
      ['Subject: wide', 'Content-Type: text/plain; charset=utf-8'],
      lines(words(12_000, (i) => `漢字かな${i}`)),
    );
    // the start is not enough: mostly whitespace, or no text at all
    const sparse = plain(['Subject: sparse'], `${'   \t \r\n'.repeat(12_000)}${words(2_000)}\r\n`);
    const attached = plain(
      [
        'Subject: a text file',
        'Content-Type: text/plain; name="notes.txt"',
        'Content-Disposition: attachment; filename="notes.txt"',
      ],
      lines(words(20_000)),
    );
    const fromStart = [ascii, untyped, quotedPrintable, base64, flowed, wide];
    const whole = [sparse, attached];
    for (const raw of [...fromStart, ...whole]) {
      expect(raw.length).toBeGreaterThan(80 * 1024);
      const summary = await parser.summarize(raw);
      expect(summary.parseError).toBeNull();
      expect(summary).toEqual((await parser.detail(raw)).summary);
    }
    // the same from the spool folder, where a large message received over SMTP is read
    const folder = await mkdtemp(join(tmpdir(), 'relaydesk-cut-'));
    try {
      const file = await IncomingFile.create(folder, 'big');
      const large = plain(['Subject: from the file'], lines(words(60_000)));
      await file.write(large);
      await file.finish();
      expect(file.bytes).toBeNull();
      const summary = await parser.summarize(file);
      expect(summary).toEqual((await parser.detail(large)).summary);
      expect(summary.searchText.startsWith('word0 word1')).toBe(true);
      // never accepted: its open file goes (left to the garbage collector, Node warned)
      await file.discard();
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
    expect(parser.summariesFromStart).toBe(fromStart.length + 1);
    expect((await parser.summarize(quotedPrintable)).snippet.startsWith('café0 café1')).toBe(true);
    expect((await parser.summarize(attached)).attachments).toBe(1);
  });

  it('finds the words of a body that starts with pages of blank lines', async () => {
    parser = new MessageParser();
    const words = Array.from({ length: 4000 }, (_, i) => `Word${i}`).join(' ');
    const summary = await parser.summarize(
      Buffer.from(`Subject: spaced\r\n\r\n${'   \t \r\n'.repeat(20_000)}${words}\r\n`),
    );
    // Mailpit's snippet: 200 bytes, then '...'
    expect(summary.snippet).toBe(`${words.slice(0, 200)}...`);
    expect(summary.searchText.length).toBe(16 * 1024);
    expect(summary.searchText.startsWith('word0 word1 word2')).toBe(true);
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

  it('finds the words of an HTML body that has an inline image or attachments', async () => {
    parser = new MessageParser();
    const html =
      '<p><img src="cid:logo"> Thanks for your <b>purchase</b> of zebra&shy;fish food</p>';
    const parts = (type: string, second: string): Buffer =>
      Buffer.from(
        [
          'Subject: receipt',
          `Content-Type: multipart/${type}; boundary="p"`,
          '',
          '--p',
          'Content-Type: text/html; charset=utf-8',
          '',
          html,
          '--p',
          second,
          'Content-Transfer-Encoding: base64',
          '',
          'AAAA',
          '--p--',
          '',
        ].join('\r\n'),
      );
    for (const raw of [
      parts('related', 'Content-Type: image/png\r\nContent-ID: <logo>'),
      parts('mixed', 'Content-Type: application/pdf\r\nContent-Disposition: attachment'),
    ]) {
      const summary = await parser.summarize(raw);
      // the image is left out (html-to-text would write its source, `[cid:logo]`); the snippet is
      // Mailpit's, where a soft hyphen (not printable) is a space
      expect(summary.snippet).toBe('Thanks for your purchase of zebra fish food');
      expect(summary.searchText).toContain('purchase of zebra');
      expect((await parser.detail(raw)).text).toContain('Thanks for your purchase');
    }
  });

  it("turns HTML into the same text as mailparser's own conversion (but images and headings' case), message after message", async () => {
    parser = new MessageParser();
    const page = (i: number): string =>
      `<html><head><style>p { color: red }</style><script>track(${i})</script></head><body>` +
      `<h1>Offer ${i}</h1><table><tr><td>Caf&eacute; &amp; <b>bar</b></td>` +
      `<td><a href="https://shop.example/item/${i}">item ${i}</a></td></tr></table>` +
      `<ul><li>one</li><li>two</li></ul><p>${'word '.repeat(i * 40)}</p></body></html>`;
    // (an HTML part beside a text part is not converted: its text is the text part's, as Mailpit's)
    const messages = [1, 2, 3].map((i) =>
      Buffer.from(
        `Subject: html ${i}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${page(i)}\r\n`,
      ),
    );
    const options = {
      skipImageLinks: true,
      skipTextLinks: true,
      skipTextToHtml: true,
      keepCidLinks: true,
    };
    for (const raw of [...messages, ...messages]) {
      const own = (await simpleParser(raw, options)).text ?? '';
      expect(own).toContain('OFFER');
      // headings keep their case, as in Mailpit (parse-worker.js, headingsAsWritten)
      const expected = own.replace(/OFFER (\d)/g, 'Offer $1');
      expect((await parser.detail(raw)).text).toBe(expected);
    }
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

describe('loading mailparser', () => {
  it('is done ahead of the first message when the parser is warmed, and not by writes alone', async () => {
    parser = new MessageParser();
    const dir = await mkdtemp(join(tmpdir(), 'relaydesk-writer-'));
    try {
      await parser.write(join(dir, 'm.eml'), 'a message');
      expect(parser.parserLoaded).toBe(false);
      parser.warm();
      await eventually(() => parser?.parserLoaded, 20_000).toBe(true);
      expect((await parser.summarize(simple)).subject).toBe('hi');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('batches of small messages in the worker', () => {
  it('gives each of many messages summarised at once its own summary', async () => {
    parser = new MessageParser();
    const subjects = Array.from({ length: 60 }, (_, i) => `message ${i}`);
    const summaries = await Promise.all(
      subjects.map((subject) =>
        parser!.summarize(Buffer.from(`Subject: ${subject}\r\n\r\nbody of ${subject}\r\n`)),
      ),
    );
    expect(summaries.map((s) => s.subject)).toEqual(subjects);
    expect(summaries.map((s) => s.snippet)).toEqual(subjects.map((s) => `body of ${s}`));
  });

  it('parses the messages batched with one that overruns the budget; only that one is cut short', async () => {
    // the first message goes alone (the worker is idle); the next three wait and go as one batch,
    // which overruns: each is then run again on its own
    parser = new MessageParser({ budgetMs: overrunBudgetMs });
    const slow = slowSummaryMessage();
    // a started worker, so that only the parses count against the budget
    await parser.summarize(Buffer.from('Subject: warm\r\n\r\nup\r\n'));
    const quick = (n: number) => Buffer.from(`Subject: quick ${n}\r\n\r\nhello\r\n`);
    const [first, before, stopped, after] = await Promise.all([
      parser.summarize(quick(1)),
      parser.summarize(quick(2)),
      parser.summarize(slow),
      parser.summarize(quick(3)),
    ]);
    expect(first).toMatchObject({ subject: 'quick 1', parseError: null });
    expect(before).toMatchObject({ subject: 'quick 2', parseError: null });
    expect(after).toMatchObject({ subject: 'quick 3', parseError: null });
    expect(stopped.subject).toBe('slow one');
    expect(stopped.parseError).toBe(
      `parsing took longer than ${overrunBudgetMs} ms and was stopped`,
    );
  });
});

describe('small files written by the worker', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = '';
  });

  it('writes new files, refuses to overwrite one unless asked, and reports the errno code', async () => {
    parser = new MessageParser();
    dir = await mkdtemp(join(tmpdir(), 'relaydesk-writer-'));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => parser!.write(join(dir, `m${i}.eml`), `message ${i}`)),
    );
    for (let i = 0; i < 40; i++) {
      expect(await readFile(join(dir, `m${i}.eml`), 'utf8')).toBe(`message ${i}`);
    }
    await expect(parser.write(join(dir, 'm0.eml'), 'again')).rejects.toMatchObject({
      code: 'EEXIST',
    });
    expect(await readFile(join(dir, 'm0.eml'), 'utf8')).toBe('message 0');
    await parser.write(join(dir, 'm0.eml'), 'again', { overwrite: true });
    expect(await readFile(join(dir, 'm0.eml'), 'utf8')).toBe('again');
    await expect(parser.write(join(dir, 'no-such-folder', 'x.eml'), 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('answers each file of a batch on its own: one in the way or without its folder fails alone', async () => {
    parser = new MessageParser();
    dir = await mkdtemp(join(tmpdir(), 'relaydesk-writer-'));
    await parser.write(join(dir, 'taken.eml'), 'first');
    // asked for at once, so they go to the worker as one batch (synced there one by one)
    const results = await Promise.allSettled([
      parser.write(join(dir, 'a.eml'), 'message a'),
      parser.write(join(dir, 'taken.eml'), 'second'),
      parser.write(join(dir, 'no-such-folder', 'b.eml'), 'message b'),
      parser.write(join(dir, 'c.eml'), 'message c'),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ]);
    expect(results[1]).toMatchObject({ reason: { code: 'EEXIST' } });
    expect(results[2]).toMatchObject({ reason: { code: 'ENOENT' } });
    expect(await readFile(join(dir, 'a.eml'), 'utf8')).toBe('message a');
    expect(await readFile(join(dir, 'c.eml'), 'utf8')).toBe('message c');
    expect(await readFile(join(dir, 'taken.eml'), 'utf8')).toBe('first');
  });

  it('replaces a file whole through a temporary name, and leaves no temporary behind', async () => {
    parser = new MessageParser();
    dir = await mkdtemp(join(tmpdir(), 'relaydesk-writer-'));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => writeFile(join(dir, `s${i}.json`), `old ${i}`)),
    );
    // a reader holding the old file keeps reading the old bytes: it was renamed over, not
    // truncated and rewritten in place
    const held = await open(join(dir, 's0.json'), 'r');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        parser!.write(join(dir, `s${i}.json`), `new ${i}`, { replace: true }),
      ),
    );
    // a new file too: a replace needs no old one
    await parser.write(join(dir, 'fresh.json'), 'fresh', { replace: true });
    expect((await held.readFile('utf8')).toString()).toBe('old 0');
    await held.close();
    for (let i = 0; i < 40; i++) {
      expect(await readFile(join(dir, `s${i}.json`), 'utf8')).toBe(`new ${i}`);
    }
    expect(await readFile(join(dir, 'fresh.json'), 'utf8')).toBe('fresh');
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    await expect(
      parser.write(join(dir, 'no-such-folder', 'x.json'), 'x', { replace: true }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
    // a rename that fails (a folder in the way) leaves the old state and no temporary
    await mkdir(join(dir, 'in-the-way.json'));
    await writeFile(join(dir, 'in-the-way.json', 'keep'), 'x');
    await expect(
      parser.write(join(dir, 'in-the-way.json'), 'y', { replace: true }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|ENOTEMPTY|EEXIST)$/) });
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it("answers a batch's parses before its files are synced", async () => {
    // the arrivals journal's commit needs the parse: it must not also wait for the .eml's fdatasync
    parser = new MessageParser();
    dir = await mkdtemp(join(tmpdir(), 'relaydesk-writer-'));
    await parser.summarize(simple);
    // every thread of libuv's pool (shared by the worker) held by an open(2) of a FIFO that has
    // no writer yet: the batch's fdatasync and folder fsync wait in the pool's queue
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const fifos = Array.from({ length: threads }, (_, i) => join(dir, `hold-${i}`));
    execFileSync('mkfifo', fifos);
    const held = fifos.map((fifo) => open(fifo, 'r'));
    await letTimePass(100);
    let written = false;
    const write = parser.write(join(dir, 'm.eml'), 'the message').then(() => {
      written = true;
    });
    const answer = await Promise.race([
      parser.summarize(simple).then((summary) => summary.subject),
      letTimePass(10_000).then(() => 'no answer while the write waits for the pool'),
    ]);
    try {
      expect(answer).toBe('hi');
      expect(written).toBe(false);
    } finally {
      // let the pool go: a writer for each FIFO (opened here, not in the pool)
      for (const fifo of fifos) closeSync(openSync(fifo, 'w'));
      for (const handle of await Promise.all(held)) await handle.close();
    }
    await write;
    expect(await readFile(join(dir, 'm.eml'), 'utf8')).toBe('the message');
  });

  it('writes background files only when no message waits to be parsed or written', async () => {
    parser = new MessageParser();
    dir = await mkdtemp(join(tmpdir(), 'relaydesk-writer-'));
    const done: string[] = [];
    const busy = parser.summarize(simple);
    const background = Array.from({ length: 40 }, (_, i) =>
      parser!
        .write(join(dir, `s${i}.json`), '{}', { overwrite: true, background: true })
        .then(() => done.push(`sidecar ${i}`)),
    );
    const arrivals = Array.from({ length: 5 }, (_, i) =>
      Promise.all([
        parser!.summarize(simple),
        parser!.write(join(dir, `m${i}.eml`), `message ${i}`),
      ]).then(() => done.push(`message ${i}`)),
    );
    await Promise.all([busy, ...background, ...arrivals]);
    expect(done.slice(0, 5).sort()).toEqual(Array.from({ length: 5 }, (_, i) => `message ${i}`));
    expect(done).toHaveLength(45);
  });

  it('writes a file batched with a parse that overruns, when its batch is run again', async () => {
    parser = new MessageParser({ budgetMs: overrunBudgetMs });
    dir = await mkdtemp(join(tmpdir(), 'relaydesk-writer-'));
    const slow = slowSummaryMessage();
    await parser.summarize(Buffer.from('Subject: warm\r\n\r\nup\r\n'));
    // the file is written before the parse overruns; on its own again it finds itself there
    const [stopped] = await Promise.all([
      parser.summarize(slow),
      parser.write(join(dir, 'beside.eml'), 'beside the slow one'),
    ]);
    expect(stopped.parseError).toBe(
      `parsing took longer than ${overrunBudgetMs} ms and was stopped`,
    );
    expect(await readFile(join(dir, 'beside.eml'), 'utf8')).toBe('beside the slow one');
  });
});
