// Binding a listener to the address a flag names, for every listener Relaydesk opens (SMTP,
// SMTPS, POP3, the HTTP API): the failure is told in the user's terms (which flag, which
// address, what to do), once, as the start-up error.
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { loopbackTwinHost } from '../../../preload/loopback-twin.js';
import { bracketHost, hostPort } from '../net/ip-address.js';
import type { ListenAddress } from '../settings/settings-schema.js';

export function describeAddress(address: ListenAddress): string {
  return `${address.host}:${address.port}`;
}

/** A listener that could not listen, named by the flag of its address (`--http`, `--smtp`…). */
export class ListenFailure extends Error {
  override name = 'ListenFailure';
  constructor(
    message: string,
    readonly flag: string,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
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
): ListenFailure {
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
  return new ListenFailure(message, flag, { cause: err });
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

export interface LoopbackTwin {
  /** Where the twin listens, or null when it could not (`note` says why, or nothing to say). */
  address: ListenAddress | null;
  /** A line for the log when the twin could not listen for a reason the user should know. */
  note: string | null;
  close(): Promise<void>;
}

/**
 * A twin the server opened itself: Fastify, told `localhost`, listens on every address the name
 * resolves to, ::1 and 127.0.0.1 alike. Closed with the server.
 */
export function ownTwin(address: ListenAddress): LoopbackTwin {
  return { address, note: null, close: async () => undefined };
}

const noTwin = (note: string | null): LoopbackTwin => ({
  address: null,
  note,
  close: async () => undefined,
});

/**
 * Listens on the other loopback address (preload/loopback-twin.ts says why) at the port `server`
 * got, and hands each connection to `server` as its own (smtp-server, a TLS server and Node's
 * HTTP server all take a socket emitted as 'connection'), so policy, limits and sessions are the
 * listener's. A twin that cannot listen never stops the start: the listener configured is up.
 */
export async function listenOnLoopbackTwin(
  server: Server,
  flag: string,
  configured: ListenAddress,
  bound: ListenAddress,
): Promise<LoopbackTwin> {
  const host = loopbackTwinHost(configured.host, bound.host);
  if (host === null) return noTwin(null);
  const twin = createNetServer((socket) => server.emit('connection', socket));
  const address = { host, port: bound.port };
  try {
    await new Promise<void>((resolve, reject) => {
      twin.once('error', reject);
      twin.listen(address.port, address.host, () => {
        twin.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // a machine (or container) without IPv6 has no ::1: there is nothing a client could reach
    if (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') return noTwin(null);
    const where = hostPort(address);
    return noTwin(
      code === 'EADDRINUSE'
        ? `${flag}: ${where} is taken by another program, so clients told "localhost" that try ${host} first reach it, not Relaydesk; stop it, or tell those clients ${bracketHost(bound.host)}`
        : `${flag}: not listening on ${where} too (${(err as Error).message}); clients told "localhost" that try ${host} first get no answer`,
    );
  }
  // a listening server fails only when the system takes the socket away; the listener stays
  twin.on('error', () => undefined);
  return {
    address,
    note: null,
    // stops listening at once; not waiting for its 'close': that comes only when the connections
    // it handed over have ended, which is for `server` (closed after it) to do
    close: async () => {
      twin.close();
    },
  };
}
