// Binding a listener to the address a flag names, for every listener Relaydesk opens (SMTP,
// SMTPS, POP3, the HTTP API): the failure is told in the user's terms (which flag, which
// address, what to do), once, as the start-up error.
import type { AddressInfo, Server } from 'node:net';
import type { ListenAddress } from '../settings/settings-schema.js';

export function describeAddress(address: ListenAddress): string {
  return `${address.host}:${address.port}`;
}

/**
 * The start-up error for a failed bind. `freePort` is a port of the same service above 1024,
 * offered when a privileged port was refused.
 */
export function listenFailure(
  flag: string,
  address: ListenAddress,
  err: unknown,
  freePort: number,
): Error {
  const where = describeAddress(address);
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const message =
    code === 'EADDRINUSE'
      ? `${flag}: ${where} is already in use; stop the other program or choose another port`
      : code === 'EACCES'
        ? `${flag}: not allowed to listen on ${where}; ports below 1024 need privileges, try ${freePort}`
        : code === 'EADDRNOTAVAIL'
          ? `${flag}: ${address.host} is not an address of this machine; use 127.0.0.1`
          : `${flag}: cannot listen on ${where}: ${(err as Error).message}`;
  return new Error(message, { cause: err });
}

/** Listens on `address`; resolves with the address really bound (port 0 becomes a port). */
export async function listenOn(
  server: Server,
  flag: string,
  address: ListenAddress,
  freePort: number,
): Promise<ListenAddress> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(listenFailure(flag, address, err, freePort));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(address.port, address.host);
  });
  const bound = server.address() as AddressInfo;
  return { host: bound.address, port: bound.port };
}
