// The settings of DNS, signing and the address check: flag, key and environment variable, with
// errors that name what the user typed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../main/core/settings/settings-sources.js';

describe('DNS, DKIM and address-check settings', () => {
  it('defaults: system resolvers, no DKIM keys from files, address check off', () => {
    expect(resolveSettings({ env: {} })).toMatchObject({
      dnsServers: [],
      dkim: [],
      addressCheck: 'off',
      addressCheckSender: false,
      addressCheckDnsOutage: 'pass',
      addressCheckUnknownDomain: 'defer',
    });
    expect(
      resolveSettings({ env: { RELAYDESK_ADDRESS_CHECK_UNKNOWN_DOMAIN: 'reject' } })
        .addressCheckUnknownDomain,
    ).toBe('reject');
    expect(() =>
      resolveSettings({ env: {}, flags: { '--address-check-unknown-domain': '550' } }),
    ).toThrow('--address-check-unknown-domain: "550" is not valid; use "defer" (450');
  });

  it('dnsServers takes IP and IP:PORT from the flag, the environment and the file', async () => {
    expect(
      resolveSettings({ env: {}, flags: { '--dns-servers': '1.1.1.1, 127.0.0.1:5353,[::1]:53' } })
        .dnsServers,
    ).toEqual(['1.1.1.1', '127.0.0.1:5353', '[::1]:53']);
    expect(resolveSettings({ env: { RELAYDESK_DNS_SERVERS: '9.9.9.9' } }).dnsServers).toEqual([
      '9.9.9.9',
    ]);
    const dir = await mkdtemp(join(tmpdir(), 'relaydesk-settings-'));
    const file = join(dir, 'settings.json');
    await writeFile(
      file,
      JSON.stringify({
        dnsServers: ['192.168.1.1'],
        dkim: [{ domain: 'shop.example', selector: 's1', keyFile: '/keys/s1.pem' }],
      }),
    );
    try {
      expect(resolveSettings({ env: {}, configFile: file })).toMatchObject({
        dnsServers: ['192.168.1.1'],
        dkim: [{ domain: 'shop.example', selector: 's1', keyFile: '/keys/s1.pem' }],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the field and the fix for a bad value', () => {
    expect(() => resolveSettings({ env: {}, flags: { '--dns-servers': '1.1.1.1:99999' } })).toThrow(
      '--dns-servers: "1.1.1.1:99999" is not valid; use a comma-separated list of at most 10 DNS servers, each IP or IP:PORT',
    );
    expect(() => resolveSettings({ env: { RELAYDESK_ADDRESS_CHECK: 'strict' } })).toThrow(
      'RELAYDESK_ADDRESS_CHECK: "strict" is not valid; use "off", "warn"',
    );
    expect(() =>
      resolveSettings({ env: {}, overrides: { dkim: [{ domain: 'x.example', selector: 's' }] } }),
    ).toThrow(
      'dkim[0].keyFile is missing; give the path of its PEM private key, e.g. "/etc/dkim/mail.pem"',
    );
  });
});
