// The Headers tab's decoded line for RFC 2047 encoded words: the renderer's decoder (the browser's
// TextDecoder, as libmime needs Node) reads what libmime, the server's mailparser decoder, reads.
import libmime from 'libmime';
import { describe, expect, it } from 'vitest';
import { decodeEncodedWords } from '../../renderer/src/format/encoded-words.js';

describe('encoded words in a header', () => {
  it.each([
    [
      'Q in UTF-8, a name and its address',
      '=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jurgen@example.test>',
    ],
    ["B with a character's bytes split between two words", '=?UTF-8?B?ww==?= =?UTF-8?B?vA==?='],
    ['Latin-1, lower case, text after', '=?iso-8859-1?q?caf=E9?= au lait'],
    ['two words with text between', '=?utf-8?q?Gr=C3=BC=C3=9Fe?= from =?utf-8?b?TcO8bmNoZW4=?='],
    ['an RFC 2231 language', '=?UTF-8*de?Q?Gr=C3=BC=C3=9Fe?='],
  ])('%s: as libmime reads it', (_, raw) => {
    const decoded = decodeEncodedWords(raw);
    expect(decoded).not.toBeNull();
    expect(decoded).toBe(libmime.decodeWords(raw));
  });

  it('a value without encoded words has no decoded line', () => {
    expect(decodeEncodedWords('Weekly digest =? not a word')).toBeNull();
  });

  it('a word in a charset the browser does not know, or not base64, stays as sent', () => {
    expect(decodeEncodedWords('=?x-unknown?Q?abc?= and =?UTF-8?Q?=C3=BC?=')).toBe(
      '=?x-unknown?Q?abc?= and ü',
    );
    expect(decodeEncodedWords('=?UTF-8?B?%%%?=')).toBe('=?UTF-8?B?%%%?=');
  });
});
