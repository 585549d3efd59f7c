// What the route screens say where a header reader's audit found them misleading: a route whose
// last stamp reads earlier than its first, the origin of a phish with made-up hops below the real
// one, and a file dropped on the window that is no mail message.
import { describe, expect, it } from 'vitest';
import type { Hop, Warning } from '../../preload/api-contract.js';
import { MESSAGE_HEAD_BYTES, messageHeadOf } from '../../renderer/src/route/message-file.js';
import { originHop, routeSpanText } from '../../renderer/src/route/route-format.js';
import { routeSpan } from '../../preload/route-figures.js';

describe('the route summary', () => {
  it('says a negative span is the clocks disagreeing, not a time the message took', () => {
    const span = (totalSeconds: number | null) =>
      routeSpanText({ totalSeconds, sentAgainAt: null, warnings: [] });
    expect(span(5)).toBe(', 5 s from first to last');
    expect(span(null)).toBe('');
    // before: ", 3 min 38 s from first to last" for a last stamp 218 s before the first
    expect(span(-218)).toBe(
      '; the last stamp reads 3 min 38 s earlier than the first, so the servers’ clocks ' +
        'disagree and the time in transit is unknown',
    );
  });

  it('gives the first delivery’s span of a saved message sent again, not the months between', () => {
    const hops = [{ delaySeconds: null }, { delaySeconds: 10_980 }, { delaySeconds: 54_259_002 }];
    const resent: Warning = { code: 'delay-resent', message: '…', hop: 2 };
    // before: "4 hops, 628 days from first to last"
    // the figure as the API works it out (route-figures.ts), then as the screen says it
    const span = routeSpan(hops as Hop[], [resent], 54_269_982);
    expect(span).toEqual({ totalSeconds: 10_980, sentAgainAt: 2 });
    expect(routeSpanText({ ...span, warnings: [resent] })).toBe(
      ', 3 h 3 min from first to last before it was sent again',
    );
  });

  it('puts the origin above a hand-over tied on by an unchecked HELO name', () => {
    const hop = (fromIp: string) => ({ fromIp, private: false }) as Hop;
    const hops = [hop('192.0.2.11'), hop('192.0.2.10'), hop('198.51.100.66')];
    const unverified: Warning = { code: 'chain-unverified', message: '…', hop: 2 };
    expect(originHop(hops, [unverified])).toEqual({ index: 2, afterGap: true, gap: 'helo' });
    // at one hop, the gap in time is the finding named
    const late: Warning = { code: 'delay-implausible', message: '…', hop: 2 };
    expect(originHop(hops, [unverified, late])).toMatchObject({ index: 2, gap: 'delay' });
    expect(originHop(hops, [])).toEqual({ index: 0, afterGap: false, gap: null });
  });
});

describe('a file dropped or opened for analysis', () => {
  const text = (value: string) => new TextEncoder().encode(value);
  const eml =
    'Received: from a (a [192.0.2.1]) by b; Mon, 3 Mar 2025 10:00:00 +0000\r\n\r\nBody\r\n';

  it('gives the whole message read to its end, for its DKIM signatures to be verified', () => {
    const file = { name: 'm.eml', size: eml.length, type: 'message/rfc822' };
    expect(messageHeadOf(text(eml), file)).toEqual({ text: eml });
  });

  it('gives the header block of a message larger than is read, saying DKIM is not verified', () => {
    const file = { name: 'big.eml', size: 3 * 1024 * 1024, type: 'message/rfc822' };
    expect(messageHeadOf(text(eml), file)).toEqual({
      text: eml.slice(0, eml.indexOf('Body')),
      partial:
        '“big.eml” is larger than the 1 KB Analyze reads: its DKIM signatures are listed but ' +
        'not verified, since each one covers the whole body (its body hash, bh=).',
    });
  });

  it('names a binary file and says what to drop instead', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
    expect(messageHeadOf(jpeg, { name: 'photo.jpg', size: 200_000, type: 'image/jpeg' })).toEqual({
      error:
        '“photo.jpg” (image/jpeg) is not a mail message: it holds binary data. Drop or open an ' +
        '.eml or Outlook .msg file (a message saved from a mail program), or paste the headers ' +
        '(Gmail: ⋮ → Show original; Outlook: File → Properties → Internet headers).',
    });
  });

  it('refuses a large file whose head holds no header block, without reading the rest', () => {
    const head = text('X'.repeat(MESSAGE_HEAD_BYTES));
    const read = messageHeadOf(head, { name: 'big.txt', size: 30 * 1024 * 1024, type: '' });
    expect(read).toEqual({
      error: expect.stringMatching(
        /^“big\.txt” is not a mail message: its first 1 MB \(of 30 MB\) hold no end of a header block \(an empty line\)\. Drop or open/,
      ) as unknown,
    });
  });

  it('says an empty file is empty', () => {
    expect(messageHeadOf(new Uint8Array(), { name: 'e.eml', size: 0, type: '' })).toMatchObject({
      error: expect.stringMatching(/^“e\.eml” is empty\. Drop or open/) as unknown,
    });
  });
});
