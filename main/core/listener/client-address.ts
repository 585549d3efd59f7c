// Client addresses as the policy and the Received stamp need them.
import { isIP } from 'node:net';

/** `::ffff:192.0.2.1` is an IPv4 client on a dual-stack socket: record it as IPv4. */
export function normalizeClientIp(address: string | undefined): string {
  if (!address) return '';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

export function isLoopbackIp(address: string): boolean {
  const ip = normalizeClientIp(address);
  if (isIP(ip) === 4) return ip.startsWith('127.');
  return ip === '::1';
}
