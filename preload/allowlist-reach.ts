// The allowlist names machines on the network, but every SMTP listener is on loopback: those
// machines cannot connect at all. E-MailRelay and Postfix both need two settings for LAN clients
// (--remote-clients / inet_interfaces, and who may relay), and an office that set only the
// allowlist saw its printer's "connection refused" with nothing here saying why. Shared by the
// start-up lines and Settings → Access, so both name the same entries.

/** Reachable only from this machine: `localhost`, 127.0.0.0/8, ::1 (also IPv4-mapped). */
export function isLoopbackListenHost(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[/, '').replace(/\]$/, '');
  if (bare === 'localhost' || bare === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(bare)) return true;
  return /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/**
 * The allowlist entries that name other machines while every listener given listens on loopback
 * only (empty when a listener is reachable, or the list names only this machine).
 */
export function allowlistOutOfReach(
  listeners: ReadonlyArray<{ host: string } | null>,
  allowIp: readonly string[],
): string[] {
  const open = listeners.some((listener) => listener && !isLoopbackListenHost(listener.host));
  if (open) return [];
  return allowIp.filter((entry) => !isLoopbackListenHost(entry.split('/')[0] ?? entry));
}
