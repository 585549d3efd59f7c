// The name failure reports (DSNs) come from: `MAILER-DAEMON@<name>`, `Reporting-MTA: dns; <name>`.
// A sender's server or a person replying needs a fully qualified name there; a bare `relaybox`
// means nothing outside this machine, and some filters refuse a From with a single-label domain.
// Postfix's rule for myhostname, which its bounces use: the FQDN from gethostname(), or else the
// short name with ".$mydomain" appended, $mydomain defaulting to "localdomain" (postconf(5)).
import { isIP } from 'node:net';

/**
 * A domain name of two labels or more, without a trailing dot; not a loopback name, nor an
 * address (an EHLO name may be `[192.0.2.1]`, which names no domain to reply to).
 */
function qualified(name: string | undefined): string | null {
  const bare = name?.trim().replace(/\.$/, '').toLowerCase() ?? '';
  if (!bare.includes('.') || bare.startsWith('[') || isIP(bare) !== 0) return null;
  return /^localhost(\.localdomain)?$/.test(bare) ? null : bare;
}

/**
 * `hostname` (our greeting and Received name, which defaults to the machine's name) when fully
 * qualified; else the EHLO name given to the upstream, which is set exactly when the upstream
 * wants a real name; else the short name in Postfix's `localdomain`.
 */
export function reportingHostName(hostname: string, heloName?: string | null): string {
  const own = hostname.trim().replace(/\.$/, '').toLowerCase() || 'localhost';
  const fallback = own.includes('.') ? own : `${own}.localdomain`;
  return qualified(hostname) ?? qualified(heloName ?? undefined) ?? fallback;
}
