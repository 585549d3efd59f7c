// The Source tab's text: each line that is not UTF-8 decoded with the charset its MIME part
// declares, the rest as it is, and the charsets used named for the note.
import { describe, expect, it } from 'vitest';
import { sourceText } from '../../main/core/message/source-text.js';

const bytes = (...parts: Array<string | number[]>): Buffer =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))),
  );

describe('the source as text to read', () => {
  it('leaves UTF-8 mail as it is, with nothing decoded otherwise', () => {
    const raw = Buffer.from(
      'Subject: Zoë\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nZoë\r\n',
    );
    expect(sourceText(raw)).toEqual({ text: raw.toString('utf8'), decodedAs: [], elidedBytes: 0 });
  });

  it('reads an 8-bit Latin-1 body with the charset it declares, headers untouched', () => {
    const raw = bytes(
      'Subject: x\r\nContent-Type: text/plain; charset="ISO-8859-1"\r\n\r\n',
      'Caf\xe9 cr\xe8me\r\n',
    );
    expect(sourceText(raw)).toEqual({
      text: 'Subject: x\r\nContent-Type: text/plain; charset="ISO-8859-1"\r\n\r\nCafé crème\r\n',
      decodedAs: ['iso-8859-1'],
      elidedBytes: 0,
    });
  });

  it('reads a raw 8-bit Subject above the Content-Type with the charset declared below it', () => {
    // PHP's mail() with an unencoded Subject: the header block is one part's, like its body
    const raw = bytes(
      'Subject: Pr\xe9sentation\r\nContent-Type: text/plain; charset=iso-8859-15\r\n\r\n',
      '\xa4 5\r\n',
    );
    expect(sourceText(raw)).toEqual({
      text: 'Subject: Présentation\r\nContent-Type: text/plain; charset=iso-8859-15\r\n\r\n€ 5\r\n',
      decodedAs: ['iso-8859-15'],
      elidedBytes: 0,
    });
    // a body line that looks like a header does not change the charset
    const html = bytes(
      'Content-Type: text/html; charset=iso-8859-1\r\n\r\n',
      'Content-Type: text/plain; charset=koi8-r\r\n',
      'caf\xe9\r\n',
    );
    expect(sourceText(html).text.endsWith('café\r\n')).toBe(true);
  });

  it('takes each part its own charset, folded parameters included, and resets at a boundary', () => {
    const raw = bytes(
      'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n',
      'Content-Type: text/plain;\r\n\tcharset=Shift_JIS\r\n\r\n',
      [0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea, 0x0d, 0x0a],
      '--b\r\nContent-Type: text/plain; charset=koi8-r\r\n\r\n',
      [0xf0, 0xd2, 0xc9, 0xd7, 0xc5, 0xd4, 0x0d, 0x0a],
      // a part that declares nothing: the browsers' superset of Latin-1
      '--b\r\nContent-Type: text/plain\r\n\r\n',
      '\x93quoted\x94\r\n--b--\r\n',
    );
    const { text, decodedAs } = sourceText(raw);
    expect(text).toContain('\r\n日本語\r\n');
    expect(text).toContain('\r\nПривет\r\n');
    expect(text).toContain('\r\n“quoted”\r\n');
    expect(decodedAs).toEqual(['shift_jis', 'koi8-r', 'windows-1252']);
  });

  it('falls back to windows-1252 for a charset the runtime does not know, and for broken UTF-8', () => {
    expect(
      sourceText(bytes('Content-Type: text/plain; charset=x-unknown-7\r\n\r\n', '\xe9t\xe9\r\n')),
    ).toEqual({
      text: 'Content-Type: text/plain; charset=x-unknown-7\r\n\r\nété\r\n',
      decodedAs: ['windows-1252'],
      elidedBytes: 0,
    });
    const broken = sourceText(
      bytes('Content-Type: text/plain; charset=utf-8\r\n\r\nok\r\n', 'na\xefve\r\n'),
    );
    expect(broken.text.endsWith('ok\r\nnaïve\r\n')).toBe(true);
    expect(broken.decodedAs).toEqual(['windows-1252']);
  });
});

describe('a Latin-1 label read as browsers read it', () => {
  it('shows 0x80-0x9f of an iso-8859-1 or us-ascii part as windows-1252, as browsers do', () => {
    // PHP apps declare ISO-8859-1 and write the euro sign and curly quotes as Windows bytes
    const raw = bytes(
      'Subject: x\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n\r\n',
      'Caf\xe9 \x80 10, \x93ok\x94\r\n',
    );
    expect(sourceText(raw)).toEqual({
      text: 'Subject: x\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n\r\nCafé € 10, “ok”\r\n',
      decodedAs: ['iso-8859-1'],
      elidedBytes: 0,
    });
    const ascii = bytes('Content-Type: text/plain; charset=us-ascii\r\n\r\n', '\x80\r\n');
    expect(sourceText(ascii).text.endsWith('€\r\n')).toBe(true);
    // Latin-5 (Turkish) likewise: its Windows superset has the euro at 0x80 too
    const latin5 = bytes('Content-Type: text/plain; charset=iso-8859-9\r\n\r\n', '\x80 \xfe\r\n');
    expect(sourceText(latin5).text.endsWith('€ ş\r\n')).toBe(true);
  });
});

describe('long base64 bodies shortened', () => {
  const line = 'QUJD'.repeat(19); // 76 characters, as mailers write base64
  it('keeps the first 8 and last 2 lines of a run over 500 lines, with a line saying how much is left', () => {
    const body = Array.from({ length: 1000 }, () => `${line}\r\n`).join('');
    const raw = Buffer.from(
      `Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${body}RA==\r\n--b--\r\n`,
    );
    const { text, elidedBytes } = sourceText(raw);
    const lines = text.split('\r\n');
    expect(lines.slice(3, 11)).toEqual(Array.from({ length: 8 }, () => line));
    expect(lines[11]).toBe(
      '[… 990 more lines of base64 (75 KB) not shown here: Download .eml has the whole message …]',
    );
    expect(lines.slice(12)).toEqual([line, line, 'RA==', '--b--', '']);
    expect(elidedBytes).toBe(990 * 78);
  });

  it('leaves a run of 500 lines, and text lines, as they are', () => {
    const body = Array.from({ length: 500 }, () => `${line}\r\n`).join('');
    const raw = Buffer.from(`Subject: x\r\n\r\n${body}${'word\r\n'.repeat(2000)}`);
    expect(sourceText(raw)).toEqual({ text: raw.toString('utf8'), decodedAs: [], elidedBytes: 0 });
  });
});
