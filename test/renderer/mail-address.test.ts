// The mail page's place in the address (?q=…): read back exactly as written, whatever the search
// holds, and other parameters of the address left alone.
import { describe, expect, it } from 'vitest';
import {
  isPageStep,
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
      start: 120,
    };
    const search = mailAddressSearch(address);
    expect(search.startsWith('?q=')).toBe(true);
    expect(readMailAddress(search)).toEqual(address);
  });

  it('is empty for the plain list, and keeps parameters it does not own', () => {
    const plain = { query: '', tag: null, mailbox: null, message: null, start: 0 };
    expect(mailAddressSearch(plain)).toBe('');
    expect(mailAddressSearch(plain, '?q=old&lang=de')).toBe('?lang=de');
    expect(readMailAddress('?q=%20%20&tag=')).toEqual(plain);
  });

  it('tells a new list from another message opened in the same one', () => {
    const list = { query: 'x', tag: null, mailbox: null, message: 'A', start: 0 };
    expect(sameList(list, { ...list, message: 'B' })).toBe(true);
    expect(sameList(list, { ...list, start: 50 })).toBe(true);
    expect(sameList(list, { ...list, tag: 't' })).toBe(false);
  });
});

describe("the list's place in the address (Mailpit's start=)", () => {
  it('is start=N for a list scrolled down, left out at the top, and 0 when not a row number', () => {
    const address = { query: '', tag: null, mailbox: null, message: null, start: 150 };
    expect(mailAddressSearch(address)).toBe('?start=150');
    expect(mailAddressSearch({ ...address, start: 0 }, '?start=150')).toBe('');
    for (const given of ['-5', 'ten', '1e3', '12abc', '9999999999']) {
      expect(readMailAddress(`?start=${given}`).start).toBe(0);
    }
    expect(readMailAddress('?q=x&start=75').start).toBe(75);
  });

  it('is a new history entry only when scrolled into another 50 rows, as Mailpit pages', () => {
    expect(isPageStep(0, 49)).toBe(false);
    expect(isPageStep(0, 50)).toBe(true);
    expect(isPageStep(120, 60)).toBe(true);
    expect(isPageStep(120, 140)).toBe(false);
  });
});
