// Whether two listen addresses would take the same socket: a listener on 127.0.0.1 also takes
// ::1 at its port (its loopback twin, preload/loopback-twin.ts), and a wildcard address takes the
// port on every address. Used where settings are checked before anything listens.
import { bareHost, hasLoopbackTwin } from '../../../preload/loopback-twin.js';
import { bracketHost } from '../net/ip-address.js';
import type { ListenAddress, Settings } from './settings-schema.js';

export const listenerKeys = ['smtp', 'http', 'smtps', 'pop3', 'pop3s'] as const;
export type ListenerKey = (typeof listenerKeys)[number];

const wildcardHosts = new Set(['0.0.0.0', '::', '']);

/** Whether listening on `a` and on `b` at once would fail (port 0 takes a free port: never). */
export function sharesSocket(a: ListenAddress, b: ListenAddress): boolean {
  if (a.port === 0 || a.port !== b.port) return false;
  const [x, y] = [bareHost(a.host), bareHost(b.host)];
  if (x === y || wildcardHosts.has(x) || wildcardHosts.has(y)) return true;
  return hasLoopbackTwin(x) && hasLoopbackTwin(y);
}

/** The first two listeners of these settings that would take the same socket, or null. */
export function listenerClash(
  settings: Pick<Settings, ListenerKey>,
): { key: ListenerKey; other: ListenerKey; address: ListenAddress } | null {
  for (const [i, key] of listenerKeys.entries()) {
    const address = settings[key];
    if (!address) continue;
    for (const other of listenerKeys.slice(0, i)) {
      const taken = settings[other];
      if (taken && sharesSocket(address, taken)) return { key, other, address };
    }
  }
  return null;
}

/** A listener as the user knows it: SMTP, the UI and API, POP3… */
export const listenerWords: Record<ListenerKey, string> = {
  smtp: 'SMTP',
  http: 'UI and API',
  smtps: 'SMTPS',
  pop3: 'POP3',
  pop3s: 'POP3S',
};

/**
 * The words for a clash: the setting, the value, what else takes it and the fix. `name` says a
 * listener's setting as the reader set it (`--pop3` at a start, `pop3.port` in a save).
 */
export function listenerClashWords(
  clash: NonNullable<ReturnType<typeof listenerClash>>,
  name: (key: ListenerKey) => string,
): string {
  const where = `${bracketHost(clash.address.host)}:${clash.address.port}`;
  return `${name(clash.key)}: ${where} is the ${listenerWords[clash.other]} listener's address as well (one port, one listener); give ${listenerWords[clash.key]} a port of its own`;
}
