// A redirect adds X-Original-To fields at the top and changes nothing else, and no address can
// smuggle in a header field of its own.
import { describe, expect, test } from 'vitest';
import { applyRedirect, originalToFields } from '../../main/core/routing-rules/index.js';

const raw = Buffer.from(
  'Received: from app (localhost [127.0.0.1])\r\n\tby relaydesk (Relaydesk) with ESMTP id A1;' +
    ' Thu, 6 Mar 2025 15:10:42 +0000\r\n' +
    'X-Original-To: earlier-hop@example.com\r\n' +
    'Subject: =?UTF-8?Q?caf=C3=A9?=\r\n' +
    'To: qa@x.example\r\n' +
    '\r\n' +
    'Body line with bare LF\nand a lone CR\r and bytes \u00ff\r\n.\r\n',
  'latin1',
);

function fieldsOf(result: Buffer): string[] {
  const added = result.subarray(0, result.length - raw.length).toString('utf8');
  return added.split('\r\n').slice(0, -1);
}

describe('applyRedirect', () => {
  test('one field per original recipient at the top, then the message byte for byte', () => {
    const result = applyRedirect(raw, ['qa@x.example', 'dev@x.example']);
    const prefix = 'X-Original-To: qa@x.example\r\nX-Original-To: dev@x.example\r\n';
    expect(result.subarray(0, prefix.length).toString('latin1')).toBe(prefix);
    expect(result.subarray(prefix.length).equals(raw)).toBe(true);
    expect(result.length).toBe(prefix.length + raw.length);
  });

  test('the input buffer is not modified', () => {
    const copy = Buffer.from(raw);
    applyRedirect(raw, ['qa@x.example']);
    expect(raw.equals(copy)).toBe(true);
  });

  test('no usable recipient: the same bytes come back', () => {
    expect(applyRedirect(raw, []).equals(raw)).toBe(true);
    expect(applyRedirect(raw, ['', '\r\n', ' ']).equals(raw)).toBe(true);
  });

  test('duplicates are written once, in first-seen order', () => {
    expect(fieldsOf(applyRedirect(raw, ['b@x.example', 'a@x.example', 'b@x.example']))).toEqual([
      'X-Original-To: b@x.example',
      'X-Original-To: a@x.example',
    ]);
  });

  test('an SMTPUTF8 address stays UTF-8', () => {
    const result = applyRedirect(raw, ['jörg@bücher.example']);
    expect(fieldsOf(result)).toEqual(['X-Original-To: jörg@bücher.example']);
    expect(result.subarray(result.length - raw.length).equals(raw)).toBe(true);
  });

  test.each([
    [
      'CRLF',
      'qa@x.example\r\nBcc: victim@example.com',
      'X-Original-To: qa@x.exampleBcc: victim@example.com',
    ],
    [
      'bare LF',
      'qa@x.example\nBcc: victim@example.com',
      'X-Original-To: qa@x.exampleBcc: victim@example.com',
    ],
    [
      'bare CR',
      'qa@x.example\rBcc: victim@example.com',
      'X-Original-To: qa@x.exampleBcc: victim@example.com',
    ],
    ['end of headers', 'qa@x.example\r\n\r\nfake body', 'X-Original-To: qa@x.examplefake body'],
    ['folding', 'qa@x.example\r\n\tcontinued', 'X-Original-To: qa@x.examplecontinued'],
    ['NUL and DEL', 'qa\u0000@x\u007f.example', 'X-Original-To: qa@x.example'],
    [
      'Unicode line separators',
      'qa@x.example\u2028Bcc: v@example.com\u0085',
      'X-Original-To: qa@x.exampleBcc: v@example.com',
    ],
  ])('%s in an address cannot start a new header field', (_title, address, field) => {
    const result = applyRedirect(raw, [address]);
    expect(fieldsOf(result)).toEqual([field]);
    expect(result.subarray(result.length - raw.length).equals(raw)).toBe(true);
  });

  test('an overlong address is cut so the line stays within 998 octets, at a character boundary', () => {
    const fields = originalToFields([`${'é'.repeat(600)}@x.example`]);
    const line = fields.slice(0, -2);
    expect(fields.endsWith('\r\n')).toBe(true);
    expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(998);
    expect(Buffer.byteLength(line, 'utf8')).toBeGreaterThan(990);
    expect(line).toBe(`X-Original-To: ${'é'.repeat(491)}`);
  });
});
