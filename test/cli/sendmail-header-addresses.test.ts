// Bare local names in the address fields of a sendmail submission get the mail domain, as
// Postfix's cleanup writes them (append_at_myorigin); everything else in the field stays as
// written. The end-to-end case (the real CLI against a running relay) is in sendmail.test.ts.
import { describe, expect, it } from 'vitest';
import {
  addressListPieces,
  qualifiedFieldValue,
  qualifyHeaderAddresses,
} from '../../main/cli/sendmail-header-addresses.js';

const domain = 'relaybox.example.org';

describe('addressListPieces', () => {
  it.each([
    [' root, Ada <ada@example.com>', [' root', ' Ada <ada@example.com>']],
    [' "Doe, John" <j@x.example>, root', [' "Doe, John" <j@x.example>', ' root']],
    [' root (ops, nights), bob', [' root (ops, nights)', ' bob']],
    [' <a,b@x.example>, c', [' <a,b@x.example>', ' c']],
    [' ops: root, bob@x.org;, carol', [' ops: root, bob@x.org;', ' carol']],
    [' "say \\"hi, there\\"" <h@x.example>, d', [' "say \\"hi, there\\"" <h@x.example>', ' d']],
    [' undisclosed-recipients:;', [' undisclosed-recipients:;']],
  ])('%j is cut into %j', (value, pieces) => {
    expect(addressListPieces(value)).toEqual(pieces);
    expect(addressListPieces(value).join(',')).toBe(value);
  });
});

describe('qualifiedFieldValue', () => {
  it.each([
    [' root', ' root@relaybox.example.org'],
    [' root (Cron Daemon)', ' root@relaybox.example.org (Cron Daemon)'],
    [' Cron Daemon <root>', ' Cron Daemon <root@relaybox.example.org>'],
    [' root <root>', ' root <root@relaybox.example.org>'],
    [' "root" <root>', ' "root" <root@relaybox.example.org>'],
    [' <root>', ' <root@relaybox.example.org>'],
    [
      ' "Root, the admin" <root>, bob@example.com',
      ' "Root, the admin" <root@relaybox.example.org>, bob@example.com',
    ],
    [' rooty, root', ' rooty@relaybox.example.org, root@relaybox.example.org'],
    [' root, root', ' root@relaybox.example.org, root@relaybox.example.org'],
    [' ops: root, bob@x.org;', ' ops: root@relaybox.example.org, bob@x.org;'],
    [
      ' root,\r\n\twww-data\r\n',
      ' root@relaybox.example.org,\r\n\twww-data@relaybox.example.org\r\n',
    ],
    [' jörg', ' jörg@relaybox.example.org'],
    // as Postfix reads the list: root is an address of its own, not a word of Ada's name
    [' root, Ada <ada@example.com>', ' root@relaybox.example.org, Ada <ada@example.com>'],
  ])('%j becomes %j', (value, expected) => {
    expect(qualifiedFieldValue(value, domain)).toBe(expected);
  });

  it.each([
    ' root@localhost',
    ' Ada <ada@example.com>',
    ' "q u"@example.net',
    ' undisclosed-recipients:;',
    ' Cron Daemon',
    ' ',
  ])('leaves %j alone', (value) => {
    expect(qualifiedFieldValue(value, domain)).toBeNull();
  });
});

describe('qualifyHeaderAddresses', () => {
  it('rewrites the address fields only, never the body or other fields', () => {
    const raw = Buffer.from(
      [
        'From: root (Cron Daemon)',
        'To: root',
        'Cc: ops@example.com',
        'Reply-To: Admin <admin>',
        'Subject: root',
        'X-Owner: root',
        '',
        'To: root',
        '',
      ].join('\r\n'),
    );
    expect(qualifyHeaderAddresses(raw, domain).toString()).toBe(
      [
        'From: root@relaybox.example.org (Cron Daemon)',
        'To: root@relaybox.example.org',
        'Cc: ops@example.com',
        'Reply-To: Admin <admin@relaybox.example.org>',
        'Subject: root',
        'X-Owner: root',
        '',
        'To: root',
        '',
      ].join('\r\n'),
    );
    const qualified = Buffer.from('To: ada@example.com\n\nhi\n');
    expect(qualifyHeaderAddresses(qualified, domain)).toBe(qualified);
  });
});
