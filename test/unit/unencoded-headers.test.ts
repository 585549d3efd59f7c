// Header fields with bytes neither UTF-8 nor encoded: named for the message view's warning.
import { describe, expect, it } from 'vitest';
import { unencodedHeaderFields } from '../../main/core/message/unencoded-headers.js';

const raw = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('header fields with unencoded 8-bit bytes', () => {
  it("names a Latin-1 Subject and From as PHP's mail() sends them, once each, in order", () => {
    expect(
      unencodedHeaderFields(
        raw(
          'from: Ren\xe9 <rene@old.example>\r\nsubject: Pr\xe9sentation\r\nSubject: caf\xe9\r\n' +
            "To: dev@local.test\r\n\r\nbody with \xe9 is the part's business\r\n",
        ),
      ),
    ).toEqual(['From', 'Subject']);
  });

  it('names the field of a folded line that carries them', () => {
    expect(
      unencodedHeaderFields(
        raw('Subject: Quarterly\r\n report for Z\xfcrich\r\nTo: a@b.example\r\n\r\n'),
      ),
    ).toEqual(['Subject']);
  });

  it('passes UTF-8 (RFC 6532), encoded words and ASCII', () => {
    const utf8 = Buffer.from(
      'Subject: Présentation\r\nFrom: =?iso-8859-1?q?Ren=E9?= <r@x.example>\r\n\r\n',
    );
    expect(unencodedHeaderFields(utf8)).toEqual([]);
    expect(unencodedHeaderFields(raw('Subject: plain\r\n\r\n\xe9\xe9\r\n'))).toEqual([]);
  });
});
