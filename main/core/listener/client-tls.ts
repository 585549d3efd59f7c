// The TLS versions Relaydesk's listeners (SMTP's STARTTLS and implicit TLS, POP3's) take from
// clients. OpenSSL 3 refuses a TLS 1.0 or 1.1 handshake at its default security level (their
// signatures are SHA-1), whatever the minimum version says: allowing them takes security level 0,
// as Postfix users set for the same old printers and scanners.
import type { SecureVersion } from 'node:tls';
import type { TlsMinVersion } from '../settings/settings-types.js';

const versions: Record<TlsMinVersion, SecureVersion> = {
  '1.0': 'TLSv1',
  '1.1': 'TLSv1.1',
  '1.2': 'TLSv1.2',
  '1.3': 'TLSv1.3',
};

export function clientTlsOptions(min: TlsMinVersion): {
  minVersion: SecureVersion;
  ciphers?: string;
} {
  const minVersion = versions[min];
  return min === '1.0' || min === '1.1'
    ? { minVersion, ciphers: 'DEFAULT@SECLEVEL=0' }
    : { minVersion };
}
