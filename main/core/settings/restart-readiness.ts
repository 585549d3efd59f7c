// What a save can tell now about settings that apply only after a restart: a listen address that
// another program holds, that needs administrator rights or that is not this machine's, and a file
// that cannot be read. Saved all the same (the other program may be stopped first, the file put in
// place), but said beside the field before "Restart now" is pressed rather than found after it.
import { accessSync, constants, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { SettingsFieldWarning } from '../../../preload/settings-contract.js';
import { bracketHost } from '../net/ip-address.js';
import { listenerKeys, sharesSocket } from './listener-overlap.js';
import type { ListenAddress, Settings } from './settings-schema.js';

const fileKeys = {
  tlsCert: 'the TLS listeners cannot start with it',
  tlsKey: 'the TLS listeners cannot start with it',
  webhookSecretFile: 'webhooks are signed with the secret read before, or none, until it can be',
} as const;

function why(code: string | undefined): string {
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'not readable by Relaydesk';
  if (code === 'EISDIR') return 'a folder';
  return code ?? 'not readable';
}

/** The file settings whose file cannot be read now. */
export function unreadableFileWarnings(target: Settings): SettingsFieldWarning[] {
  const warnings: SettingsFieldWarning[] = [];
  for (const [key, effect] of Object.entries(fileKeys) as Array<[keyof typeof fileKeys, string]>) {
    const path = target[key];
    if (!path) continue;
    try {
      accessSync(path, constants.R_OK);
      if (statSync(path).isDirectory())
        throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
    } catch (err) {
      warnings.push({
        field: key,
        value: path,
        message: `${key}: cannot read ${JSON.stringify(path)} (${why((err as NodeJS.ErrnoException).code)}), so ${effect}; check the path`,
      });
    }
  }
  return warnings;
}

function tryListen(address: ListenAddress): Promise<string | null> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    probe.listen({ port: address.port, host: address.host, exclusive: true }, () =>
      probe.close(() => resolve(null)),
    );
  });
}

function addressWords(key: string, address: ListenAddress, code: string): string {
  const where = `${bracketHost(address.host)}:${address.port}`;
  if (code === 'EADDRINUSE')
    return `${key}: ${where} is in use by another program now; stop that program or choose another port before restarting`;
  if (code === 'EACCES')
    return `${key}: port ${address.port} needs administrator rights on this system; choose a port above 1023 (e.g. ${address.port === 25 ? 2525 : address.port + 8000})`;
  if (code === 'EADDRNOTAVAIL')
    return `${key}: ${address.host} is not an address of this machine; use 127.0.0.1, or one of this machine's addresses`;
  return `${key}: ${where} cannot be listened on now (${code})`;
}

/**
 * The listen addresses saved and not yet running whose port cannot be taken now: each is tried
 * for a moment, as the restart will (a port the running relay holds is not tried: it is its own).
 */
export async function unlistenableAddressWarnings(
  target: Settings,
  running: Settings,
): Promise<SettingsFieldWarning[]> {
  const held = listenerKeys
    .map((key) => running[key])
    .filter((address): address is ListenAddress => address !== null);
  const warnings: SettingsFieldWarning[] = [];
  for (const key of listenerKeys) {
    const address = target[key];
    const before = running[key];
    if (!address || address.port === 0) continue;
    if (before && before.host === address.host && before.port === address.port) continue;
    // the restart closes the relay's own sockets first: the same address, its loopback twin
    // (127.0.0.1:1025 moved to [::1]:1025 was warned of as "in use by another program") or a
    // wildcard address on either side
    if (held.some((own) => sharesSocket(address, own))) continue;
    const code = await tryListen(address);
    if (code)
      warnings.push({
        field: `${key}.port`,
        value: address.port,
        message: addressWords(key, address, code),
      });
  }
  return warnings;
}
