import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  countReceivedHeaders,
  normalizeLineEndings,
} from '../../main/core/listener/line-endings.js';

describe('line endings', () => {
  it('turns bare LF and bare CR into CRLF and counts them', () => {
    const out = normalizeLineEndings(Buffer.from('a\nb\rc\r\nd\n.\ne'));
    expect(out.data.toString()).toBe('a\r\nb\r\nc\r\nd\r\n.\r\ne');
    expect(out).toMatchObject({ bareLf: 3, bareCr: 1 });
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

  it('counts Received fields in the header block only', () => {
    const msg = Buffer.from(
      'Received: a\r\nX-Received: b\r\nreceived: c\r\n\r\nReceived: in body\r\n',
    );
    expect(countReceivedHeaders(msg)).toBe(2);
  });
});
