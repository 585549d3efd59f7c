import { allowlistOutOfReach } from '../api/contract';

interface ListenAt {
  host: string;
  port: number;
}

const base =
  'One address or CIDR per line, e.g. 192.168.1.0/24 or 2001:db8::/32. These may send and relay without logging in.';

/**
 * The allowlist's hint, and when it names other machines while SMTP listens on this machine
 * only, that they cannot connect and what to change: the allowlist alone looked like enough.
 */
export function allowHint(values: {
  smtp: ListenAt;
  smtps: ListenAt | null;
  allowIp: readonly string[];
}): string {
  const unreachable = allowlistOutOfReach([values.smtp, values.smtps], values.allowIp);
  if (unreachable.length === 0) return base;
  const { port } = values.smtp;
  const host = values.smtp.host.includes(':') ? `[${values.smtp.host}]` : values.smtp.host;
  const them = unreachable.length === 1 ? unreachable[0] : unreachable.join(', ');
  return `${base} But SMTP (Listener) listens on ${host}:${port}, which only this machine can reach: ${them} cannot connect until it is 0.0.0.0:${port} (or this machine's network address).`;
}
