// The one home of text sanitising (main/core/text/sanitise.ts): log lines, header fields and
// settings errors defuse client text through it.
import { describe, expect, test } from 'vitest';
import {
  CONTROL_CHARACTERS,
  oneLine,
  quoted,
  withoutControlCharacters,
} from '../../main/core/text/sanitise.js';

describe('text sanitising', () => {
  test('oneLine folds CR/LF runs into one space, so a reply cannot forge a log line', () => {
    expect(oneLine('451 busy\r\n250 2.0.0 Ok: queued as FAKE\n')).toBe(
      '451 busy 250 2.0.0 Ok: queued as FAKE',
    );
    expect(oneLine('  plain  ')).toBe('plain');
  });

  test('withoutControlCharacters removes C0, DEL, C1 and the Unicode line separators', () => {
    expect(withoutControlCharacters('a\r\nBcc: x\u0000\u007f\u0085\u2028\u2029b')).toBe('aBcc: xb');
    expect(withoutControlCharacters('jürgen@exämple.test')).toBe('jürgen@exämple.test');
  });

  test('CONTROL_CHARACTERS finds C0, DEL and C1 but not UTF-8 letters', () => {
    expect(CONTROL_CHARACTERS.test('a\tb')).toBe(true);
    expect(CONTROL_CHARACTERS.test('a\u0085b')).toBe(true);
    expect(CONTROL_CHARACTERS.test('ä ü')).toBe(false);
  });

  test('quoted escapes what JSON.stringify leaves raw', () => {
    expect(quoted('a"b\n\u0085\u2028')).toBe('"a\\"b\\n\\u0085\\u2028"');
  });
});
