import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countReceivedHeaders,
  LineEndingRepairStream,
  normalizeLineEndings,
} from '../../main/core/listener/line-endings.js';

/** The repair of `bytes` cut into pieces at `cuts`, as the DATA stream hands them over. */
function repairInPieces(
  bytes: Uint8Array,
  cuts: number[],
): LineEndingRepairStream & { out: string } {
  const stream = new LineEndingRepairStream();
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    pieces.push(stream.push(Buffer.from(bytes.subarray(from, to))));
    from = to;
  }
  pieces.push(stream.end());
  return Object.assign(stream, { out: Buffer.concat(pieces).toString('latin1') });
}

describe('line endings', () => {
  it('turns bare LF and bare CR into CRLF and counts them', () => {
    const out = normalizeLineEndings(Buffer.from('a\nb\rc\r\nd\n.\ne'));
    // and the last line ends as every line of a message does
    expect(out.data.toString()).toBe('a\r\nb\r\nc\r\nd\r\n.\r\ne\r\n');
    expect(out).toMatchObject({ bareLf: 3, bareCr: 1 });
  });

  it('reads CR CR LF as one line end, as Mailpit does, also when a piece ends between them', () => {
    const out = normalizeLineEndings(Buffer.from('From: a\r\r\nTo: b\r\r\n\r\r\nbody\r\r\n'));
    expect(out.data.toString()).toBe('From: a\r\nTo: b\r\n\r\nbody\r\n');
    expect(out).toMatchObject({ bareLf: 0, bareCr: 0, doubledCr: 4 });
    for (const cut of [8, 9, 10]) {
      expect(repairInPieces(Buffer.from('From: a\r\r\nTo: b\r\n'), [cut]).out).toBe(
        'From: a\r\nTo: b\r\n',
      );
    }
  });

  it('leaves CRLF-only data untouched (same buffer)', () => {
    const input = Buffer.from('a\r\nb\r\n');
    expect(normalizeLineEndings(input).data).toBe(input);
  });

  it('never leaves a CR or LF outside a CRLF pair', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const out = normalizeLineEndings(Buffer.from(bytes)).data.toString('latin1');
        expect(out.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      }),
    );
  });

  it('repairs data that arrives in pieces exactly as the whole (a CR may end one piece)', () => {
    const split = repairInPieces(Buffer.from('a\r'), []);
    expect(split.out).toBe('a\r\n');
    expect(repairInPieces(Buffer.from('a\r\nb\rc\n'), [2, 5, 6]).out).toBe('a\r\nb\r\nc\r\n');
    fc.assert(
      fc.property(
        fc
          .uint8Array({ maxLength: 200 })
          .map((b) => b.map((x) => [13, 10, 46, 97][x % 4] as number)),
        fc.array(fc.nat(), { maxLength: 8 }),
        (bytes, cuts) => {
          // the reference: every CR CR LF, CRLF, lone CR and lone LF is one CRLF
          const text = Buffer.from(bytes).toString('latin1');
          const pieces = repairInPieces(bytes, cuts);
          expect(pieces.out).toBe(text.replace(/\r\r\n|\r\n|\r|\n/g, '\r\n'));
          expect(pieces.bareLf).toBe(text.match(/(?<!\r)\n/g)?.length ?? 0);
          expect(pieces.doubledCr).toBe(text.match(/\r(?=\r\n)/g)?.length ?? 0);
          expect(pieces.bareCr).toBe(text.match(/\r(?!\n)(?!\r\n)/g)?.length ?? 0);
        },
      ),
    );
  });

  it('counts Received fields in the header block only', () => {
    const msg = Buffer.from(
      'Received: a\r\nX-Received: b\r\nreceived: c\r\n\r\nReceived: in body\r\n',
    );
    expect(countReceivedHeaders(msg)).toBe(2);
  });
});
