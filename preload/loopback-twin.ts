// A client told `localhost` (the address Mailpit's docs give, `localhost:1025`) connects to
// whatever its resolver lists first, and with `::1 localhost` in /etc/hosts (Debian, Ubuntu,
// macOS) that is ::1; a client that tries only the first address (Node 18's net.connect and
// fetch, Node 20's with --no-network-family-autoselection) got ECONNREFUSED from a relay on
// 127.0.0.1. So a listener on 127.0.0.1 also listens on ::1, and the other way round: its
// loopback twin. The twin is loopback too, so nothing becomes reachable from the network; another
// loopback address (127.0.0.2) was chosen on purpose and gets none. Shared by the listeners
// (main/core/listener/listen-address.ts) and Settings → Listener, which says so.

/** A host as typed, without brackets, lowercase. */
export function bareHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[/, '').replace(/\]$/, '');
}

/** Whether a listener on this host has a loopback twin (so takes both 127.0.0.1 and ::1). */
export function hasLoopbackTwin(host: string): boolean {
  const configured = bareHost(host);
  return configured === 'localhost' || configured === '127.0.0.1' || configured === '::1';
}

/**
 * Where the twin of a listener configured on `configuredHost` and bound to `boundHost` goes
 * (`::1` beside `127.0.0.1`, and the other way round), or null when it gets none.
 */
export function loopbackTwinHost(configuredHost: string, boundHost: string): string | null {
  if (!hasLoopbackTwin(configuredHost)) return null;
  if (boundHost === '127.0.0.1') return '::1';
  if (boundHost === '::1') return '127.0.0.1';
  return null;
}

/** What a listener on this host takes, for the host field in Settings; null for other hosts. */
export function loopbackTwinWords(host: string): string | null {
  const configured = bareHost(host);
  if (configured === '127.0.0.1' || configured === 'localhost') {
    return 'Listens on 127.0.0.1 and ::1 (this machine only), so clients told “localhost” reach it whichever address they try first';
  }
  if (configured === '::1') {
    return 'Listens on ::1 and 127.0.0.1 (this machine only), so clients told “localhost” reach it whichever address they try first';
  }
  return null;
}
