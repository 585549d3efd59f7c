// Property tests: whatever bytes or header blocks arrive, analysis answers and never throws.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { analyzeMessage, type RouteAnalysis } from '../../main/core/route-analysis/index.js';
import { parseReceived } from '../../main/core/route-analysis/received-parser.js';
import { hopContractKeys } from './hop-keys.js';

const fragments = [
  'from',
  'by',
  'with',
  'id',
  'for',
  'via',
  'tls',
  'envelope-from',
  'invoked',
  ';',
  '(',
  ')',
  '[',
  ']',
  '<',
  '>',
  '"',
  '\\',
  '=',
  ':',
  ',',
  'helo=',
  'HELO',
  'ESMTPS',
  'ESMTPSA',
  'SMTP',
  'HTTP',
  'mail.example.com',
  'unknown',
  '192.0.2.1',
  '[192.0.2.1]',
  '[IPv6:2001:db8::1]',
  '::ffff:198.51.100.1',
  'fe80::1%9',
  'Thu,',
  'Thursday',
  '6',
  '32',
  'Mar',
  'Foo',
  '2025',
  '25',
  '99',
  '15:10:42',
  '99:99:99',
  '15:10:42.123',
  '+0000',
  '-0800',
  'PDT',
  '(PDT)',
  'GMT',
  'A',
  '2025-03-06',
  '(using TLSv1.3 with cipher X)',
  '(version=TLS1_2, cipher=Y)',
  '(TLS)',
  '(qmail 1 invoked by uid 2)',
  '\t',
  ' ',
  '\r\n ',
  '\n\t',
];

const receivedValue = fc
  .array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 8 })), { maxLength: 40 })
  .map((parts) => parts.join(' '));

const otherField = fc.tuple(
  fc.constantFrom(
    'Subject',
    'X-Received',
    'Authentication-Results',
    'ARC-Authentication-Results',
    'Received-SPF',
    'DKIM-Signature',
    'From',
    'To',
    'Cc',
    'Return-Path',
    'Message-ID',
    'X-Originating-IP',
  ),
  receivedValue,
);

function checkShape(analysis: RouteAnalysis): void {
  expect(JSON.parse(JSON.stringify(analysis))).toEqual(analysis);
  let previous: number | null = null;
  for (const hop of analysis.hops) {
    for (const key of hopContractKeys) {
      expect(hop[key]).not.toBeUndefined();
    }
    const ms = hop.timestamp === null ? null : Date.parse(hop.timestamp);
    if (ms !== null) {
      expect(Number.isFinite(ms)).toBe(true);
      if (previous !== null) expect(hop.delaySeconds).toBeCloseTo((ms - previous) / 1000, 3);
      else expect(hop.delaySeconds).toBeNull();
      previous = ms;
    } else {
      expect(hop.delaySeconds).toBeNull();
    }
  }
}

describe('never throws', () => {
  test('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        checkShape(analyzeMessage(Buffer.from(bytes)));
      }),
      { numRuns: 300 },
    );
  });

  test('random strings, with and without an envelope', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 2000, unit: 'binary' }),
        fc.boolean(),
        (text, withEnvelope) => {
          const envelope = withEnvelope
            ? {
                mailFrom: text.slice(0, 20),
                rcptTo: [text.slice(5, 30)],
                clientIp: '',
                clientHostname: null,
                helo: '',
                user: null,
                tls: null,
                smtpUtf8: false,
                eightBitMime: false,
              }
            : null;
          checkShape(analyzeMessage(text, envelope));
        },
      ),
      { numRuns: 300 },
    );
  });

  test('random Received values', () => {
    fc.assert(
      fc.property(receivedValue, (value) => {
        const parsed = parseReceived(value);
        expect(typeof parsed.parsed).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  test('random header blocks: one hop per Received field, oldest (bottom-most) first', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            receivedValue.map((v) => ['Received', v] as const),
            otherField,
          ),
          { minLength: 1, maxLength: 30 },
        ),
        fc.constantFrom('\r\n', '\n'),
        (fields, eol) => {
          // values are single-line here so that the count of Received fields is known exactly
          const lines = fields.map(([name, value]) => `${name}: ${value.replace(/[\r\n]+/g, ' ')}`);
          const analysis = analyzeMessage(lines.join(eol) + eol + eol + 'Received: from body');
          const expected = lines.filter((line) => line.startsWith('Received:')).reverse();
          expect(analysis.hops.map((hop) => hop.raw.trimEnd())).toEqual(
            expected.map((line) => line.trimEnd()),
          );
          checkShape(analysis);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('hostile sizes stay linear: 20 000 unclosed parentheses and quotes', () => {
    const value = '('.repeat(20_000) + '"'.repeat(20_000) + '['.repeat(20_000);
    expect(parseReceived(value).parsed).toBe(false);
    expect(analyzeMessage(`Received: ${value}\n`).hops).toHaveLength(1);
  });
});
