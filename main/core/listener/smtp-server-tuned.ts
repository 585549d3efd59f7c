// smtp-server, tuned where it offers no option:
// - it waits a fixed 100 ms before greeting every client (an early-talker check), which caps a
//   client that sends one message per connection at ten messages a second. We choose the wait per
//   client: none for trusted clients, the configured delay for others.
// - it adds an enhanced status code chosen from the basic code alone (552 → 5.2.2), where the
//   right one depends on the reason (552 5.3.4 too big, 452 4.5.3 too many recipients). A reply
//   text that starts with its own enhanced code keeps it.
// Both are done on the connection object smtp-server creates, without forking the library.
import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

const ownEnhancedCode = /^[245]\.\d{1,3}\.\d{1,3} /;

export interface TunedServerOptions extends SMTPServerOptions {
  /** Milliseconds to wait before greeting a client at this address. */
  greetingDelayFor(remoteAddress: string): number;
}

export class TunedSMTPServer extends SMTPServer {
  private readonly greetingDelayFor: (remoteAddress: string) => number;

  constructor(options: TunedServerOptions) {
    const { greetingDelayFor, ...rest } = options;
    super(rest);
    this.greetingDelayFor = greetingDelayFor;
  }

  override connect(socket: Socket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new SMTPConnection(this, socket, socketOptions ?? undefined);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));

    const send = connection.send.bind(connection);
    connection.send = (code, data, context) =>
      send(code, data, typeof data === 'string' && ownEnhancedCode.test(data) ? false : context);

    const delay = this.greetingDelayFor(connection.remoteAddress);
    // Mirrors SMTPConnection#init with our delay in place of its fixed 100 ms.
    connection._setListeners(() => {
      const maxClients = this.options.maxClients;
      if (maxClients && this.connections.size > maxClients) {
        connection.send(
          421,
          `${connection.name} Too many connected clients, try again in a moment`,
          false,
        );
        return;
      }
      if (delay <= 0) {
        connection.connectionReady();
        return;
      }
      setTimeout(() => connection.connectionReady(), delay).unref();
    });
  }
}
