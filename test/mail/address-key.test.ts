// The one home of address matching (main/core/mail/address-key.ts): the route's envelope check
// and Mailpit's envelope Bcc compare addresses through it.
import { describe, expect, test } from 'vitest';
import { addressKey, recipientsNotNamed } from '../../main/core/mail/address-key.js';

describe('address matching', () => {
  test('compares without case, angle brackets or surrounding spaces', () => {
    expect(addressKey(' <Bob@Example.COM> ')).toBe('bob@example.com');
    expect(addressKey('')).toBe('');
  });

  test('an IDN domain is the same in U-labels and A-labels', () => {
    // smtp-server gives MAIL FROM in U-labels; the From field said xn--
    expect(addressKey('info@Bücher.example')).toBe(addressKey('info@xn--bcher-kva.example'));
    expect(recipientsNotNamed(['anna@bücher.example'], ['anna@xn--bcher-kva.example'])).toEqual([]);
    // the local part is left as it is
    expect(addressKey('jörg@bücher.example')).toBe('jörg@xn--bcher-kva.example');
    expect(addressKey('a@b@xn--zz')).toBe('a@b@xn--zz');
  });

  test('recipients not named in the headers, in order and each once', () => {
    expect(
      recipientsNotNamed(
        ['to@x.example', 'BCC@x.example', 'bcc@x.example', 'other@x.example'],
        ['<TO@x.example>', 'cc@x.example'],
      ),
    ).toEqual(['BCC@x.example', 'other@x.example']);
    expect(recipientsNotNamed(['a@x.example'], ['A@X.EXAMPLE'])).toEqual([]);
  });
});
