// How a route reads: delays in human terms and bars drawn to scale. Pure.
import type { Hop, RouteAnalysis } from '../api/contract.js';

/** "under 1 s", "45 s", "2 min", "1 h 5 min", "3 days": what a person says, not a number. */
export function humanDelay(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs < 1) return 'under 1 s';
  if (abs < 60) return `${Math.round(abs)} s`;
  if (abs < 3600) {
    const minutes = Math.floor(abs / 60);
    const rest = Math.round(abs % 60);
    return minutes < 10 && rest > 0 ? `${minutes} min ${rest} s` : `${Math.round(abs / 60)} min`;
  }
  if (abs < 86_400) {
    const hours = Math.floor(abs / 3600);
    const minutes = Math.round((abs % 3600) / 60);
    return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  const days = Math.round(abs / 86_400);
  return days === 1 ? '1 day' : `${days} days`;
}

/**
 * Each hop's share of the longest positive delay, 0–100, for a bar drawn to scale. A square-root
 * scale keeps a 1 s hop visible beside a 2 h one while the order of sizes stays right.
 */
export function delayBars(hops: readonly Hop[]): number[] {
  const longest = Math.max(0, ...hops.map((hop) => hop.delaySeconds ?? 0));
  return hops.map((hop) => {
    const delay = hop.delaySeconds ?? 0;
    if (longest <= 0 || delay <= 0) return 0;
    return Math.max(2, Math.round(Math.sqrt(delay / longest) * 100));
  });
}

/** The sender side of a hop: HELO name and the reverse-DNS name where they differ. */
export function hopClient(hop: Hop): string {
  if (hop.local) return 'local submission';
  const names = [hop.from, hop.fromRdns].filter(
    (name, index, all): name is string => !!name && all.indexOf(name) === index,
  );
  return names.length ? names.join(' / ') : 'unknown client';
}

export function ipScopeLabel(hop: Hop): string | null {
  if (!hop.fromIp) return null;
  const scope = hop.fromIpScope ?? (hop.private ? 'private' : 'public');
  return `${hop.fromIp} (${scope})`;
}

export function tlsLabel(hop: Hop): string {
  if (hop.tls === null) return 'TLS unknown';
  if (!hop.tls) return 'no TLS';
  return ['TLS', hop.tlsVersion, hop.tlsCipher].filter(Boolean).join(' ');
}

/** A sentence for each warning of this hop (the API's message already explains). */
export function hopWarnings(route: RouteAnalysis, index: number): string[] {
  return route.warnings.filter((w) => w.hop === index).map((w) => w.message);
}

export function authTone(result: string): 'pass' | 'fail' | 'neutral' {
  if (result === 'pass') return 'pass';
  if (['fail', 'softfail', 'permerror', 'temperror', 'policy'].includes(result)) return 'fail';
  return 'neutral';
}
