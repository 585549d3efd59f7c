import { describe, expect, test } from 'vitest';
// The one home of header-block splitting (main/core/mail/header-block.ts).
import {
  fieldsNamed,
  headerBlockEnd,
  splitHeaderBlock,
} from '../../main/core/mail/header-block.js';

describe('splitHeaderBlock', () => {
  test('unfolds CRLF folds into single spaces and keeps the raw field', () => {
    const raw =
      'Received: from a\r\n\tby b\r\n    id c; Thu, 6 Mar 2025 10:00:00 +0000\r\nSubject: s\r\n\r\nbody';
    const [received, subject] = splitHeaderBlock(raw);
    expect(received).toMatchObject({
      name: 'Received',
      value: 'from a by b id c; Thu, 6 Mar 2025 10:00:00 +0000',
    });
    expect(received?.raw).toBe(
      'Received: from a\r\n\tby b\r\n    id c; Thu, 6 Mar 2025 10:00:00 +0000',
    );
    expect(subject).toMatchObject({ name: 'Subject', value: 's', line: 4 });
  });

  test('stops at the first empty line: body and attached messages are not headers', () => {
    const fields = splitHeaderBlock('A: 1\n\nReceived: from body\n');
    expect(fields.map((f) => f.name)).toEqual(['A']);
  });

  test('a line that lost its indentation continues the previous field; a bare time is not a field name', () => {
    const fields = splitHeaderBlock(
      'Received: from a\nby b with ESMTP;\nThu, 6 Mar 2025\n16:20:05 -0400\nX: y\n',
    );
    expect(fields).toHaveLength(2);
    expect(fields[0]?.value).toBe('from a by b with ESMTP; Thu, 6 Mar 2025 16:20:05 -0400');
  });

  test('leading blank lines, a BOM and an mbox From_ line are skipped', () => {
    const fields = splitHeaderBlock(
      '\uFEFF\n\nFrom a@example.com Thu Mar  6 10:00:00 2025\nReceived: x\n',
    );
    expect(fields.map((f) => [f.name, f.value])).toEqual([['Received', 'x']]);
  });

  test('field names in any case, and obsolete space before the colon', () => {
    const fields = splitHeaderBlock('RECEIVED: a\nreceived : b\nX-Received: c\nReceived-SPF: d\n');
    expect(fieldsNamed(fields, 'Received').map((f) => f.value)).toEqual(['a', 'b']);
  });

  test('bytes: only the header block is decoded, as UTF-8', () => {
    const buffer = Buffer.concat([
      Buffer.from('Subject: caf\u00e9\r\n\r\n'),
      Buffer.from([0xff, 0xfe, 0x00]),
    ]);
    expect(splitHeaderBlock(buffer)).toEqual([
      { name: 'Subject', value: 'café', raw: 'Subject: café', line: 1 },
    ]);
  });

  test('NULs are dropped from values', () => {
    expect(splitHeaderBlock('A: x\0y\n')[0]?.value).toBe('xy');
  });
});

describe('headerBlockEnd', () => {
  test.each([
    ['A: 1\r\nB: 2\r\n\r\nbody', 12, 14],
    ['A: 1\nB: 2\n\nbody', 10, 11],
    ['A: 1\nB: 2\n\r\nbody', 10, 12],
    ['A: 1\r\n\r\nbody\r\n\r\nmore', 6, 8],
    ['\r\nbody', 0, 2],
    ['A: 1\r\nno body', 13, 13],
    ['', 0, 0],
  ])('%j: header ends at %i, body starts at %i', (raw, headerEnd, bodyStart) => {
    expect(headerBlockEnd(raw)).toEqual({ headerEnd, bodyStart });
    expect(headerBlockEnd(Buffer.from(raw, 'latin1'))).toEqual({ headerEnd, bodyStart });
  });

  test('counts bytes in a Buffer and UTF-16 units in a string', () => {
    const raw = 'Subject: é\r\n\r\nbody';
    expect(headerBlockEnd(raw).bodyStart).toBe(14);
    expect(headerBlockEnd(Buffer.from(raw, 'utf8')).bodyStart).toBe(15);
  });

  test('searches from an offset, for a block after leading blank lines', () => {
    expect(headerBlockEnd('\n\nA: 1\n\nbody', 2)).toEqual({ headerEnd: 7, bodyStart: 8 });
  });
});
