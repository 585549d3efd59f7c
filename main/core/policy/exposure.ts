// What Relaydesk exposes beyond this machine, checked before anything listens. A listener on a
// non-loopback address with nobody to let in except by IP would be an open door; E-MailRelay
// likewise refuses remote clients unless `--remote-clients` is given. The HTTP side has its own
// rule (a UI password off loopback, main/server/basic-auth.ts).
import type { ListenAddress } from '../settings/settings-schema.js';
import type { TlsMinVersion } from '../settings/settings-types.js';
import { isLoopbackHost } from '../net/ip-address.js';
import { allowlistOutOfReach } from '../../../preload/allowlist-reach.js';

export interface ExposureInput {
  smtp: ListenAddress;
  smtps: ListenAddress | null;
  allowIp: readonly string[];
  trustLoopback: boolean;
  requireAuth: boolean;
  userCount: number;
  starttls: boolean;
  /** The oldest TLS version clients may use: said when it is weaker than the default. */
  tlsMinVersion: TlsMinVersion;
  tlsFingerprint: string | null;
  /** The loopback twins the listeners got (listen-address.ts), said with their address. */
  alsoOn?: { smtp: ListenAddress | null; smtps: ListenAddress | null };
}

function where(address: ListenAddress): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

/** The one line that says why these settings may not start, or null. */
export function smtpExposureProblem(input: ExposureInput): string | null {
  const listeners: [string, ListenAddress][] = [['--smtp', input.smtp]];
  if (input.smtps) listeners.push(['--smtps', input.smtps]);
  for (const [flag, address] of listeners) {
    if (isLoopbackHost(address.host)) continue;
    if (input.allowIp.length > 0 || input.userCount > 0) continue;
    return `${flag} ${where(address)} listens beyond this machine, but no client is allowed in: add --allow-ip CIDR (e.g. 192.168.1.0/24) or an SMTP user (relaydesk user add NAME --data DIR), or listen on 127.0.0.1`;
  }
  return null;
}

/** Lines printed at start: who may do what on each listener. */
export function describeExposure(input: ExposureInput): string[] {
  const lines: string[] = [];
  const listeners: [string, ListenAddress, boolean, ListenAddress | null][] = [
    ['SMTP', input.smtp, false, input.alsoOn?.smtp ?? null],
  ];
  if (input.smtps) {
    listeners.push(['SMTPS (implicit TLS)', input.smtps, true, input.alsoOn?.smtps ?? null]);
  }
  const trusted = [...(input.trustLoopback ? ['loopback'] : []), ...input.allowIp];
  for (const [name, address, implicit, also] of listeners) {
    const reach = isLoopbackHost(address.host) ? 'this machine only' : 'other machines too';
    const tls = implicit ? 'TLS' : input.starttls ? 'STARTTLS offered' : 'no TLS';
    const weak =
      tls !== 'no TLS' && (input.tlsMinVersion === '1.0' || input.tlsMinVersion === '1.1')
        ? `, TLS ${input.tlsMinVersion} and newer taken (weak: --tls-min-version ${input.tlsMinVersion})`
        : '';
    const twin = also ? ` and ${where(also)}` : '';
    lines.push(`exposure: ${name} on ${where(address)}${twin} (${reach}; ${tls}${weak})`);
  }
  lines.push(
    `exposure: send and relay without AUTH: ${input.requireAuth ? 'nobody (--require-auth)' : trusted.length ? trusted.join(', ') : 'nobody'}; SMTP users: ${input.userCount}` +
      (input.userCount === 0 && !input.requireAuth && input.trustLoopback
        ? ' (loopback AUTH accepts any credentials until a user is added)'
        : ''),
  );
  const unreachable = allowlistOutOfReach([input.smtp, input.smtps], input.allowIp);
  if (unreachable.length > 0) {
    lines.push(
      `exposure: --allow-ip ${unreachable.join(',')} names other machines, but SMTP listens on ${where(input.smtp)} only (this machine): they cannot connect; to take their mail, listen on the network too (--smtp 0.0.0.0:${input.smtp.port}, or this machine's LAN address)`,
    );
  }
  if (input.requireAuth && input.userCount === 0) {
    lines.push(
      'exposure: --require-auth is on but there are no SMTP users: every client is refused until you add one (relaydesk user add NAME)',
    );
  }
  if (input.tlsFingerprint) lines.push(`tls: certificate SHA-256 ${input.tlsFingerprint}`);
  return lines;
}
