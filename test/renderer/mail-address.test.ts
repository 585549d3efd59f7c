// The mail page's place in the address (?q=…): read back exactly as written, whatever the search
// holds, and other parameters of the address left alone.
import { describe, expect, it } from 'vitest';
import {
  mailAddressSearch,
  readMailAddress,
  sameList,
} from '../../renderer/src/layout/mail-address.js';

describe('the mail address', () => {
  it('reads back what it writes: quotes, spaces, colons, a plus and a non-ASCII tag', () => {
    const address = {
      query: 'subject:"big invoice" from:a+b@x.example -is:unread',
      tag: 'résumé 2',
      mailbox: 'inbox',
      message: 'AbC123',
    };
    const search = mailAddressSearch(address);
    expect(search.startsWith('?q=')).toBe(true);
    expect(readMailAddress(search)).toEqual(address);
  });

  it('is empty for the plain list, and keeps parameters it does not own', () => {
    const plain = { query: '', tag: null, mailbox: null, message: null };
    expect(mailAddressSearch(plain)).toBe('');
    expect(mailAddressSearch(plain, '?q=old&lang=de')).toBe('?lang=de');
    expect(readMailAddress('?q=%20%20&tag=')).toEqual(plain);
  });

  it('tells a new list from another message opened in the same one', () => {
    const list = { query: 'x', tag: null, mailbox: null, message: 'A' };
    expect(sameList(list, { ...list, message: 'B' })).toBe(true);
    expect(sameList(list, { ...list, tag: 't' })).toBe(false);
  });
});
