// `sendmail -bs`: SMTP on standard input and output. Symfony Mailer's and Laravel's sendmail
// transports run `sendmail -bs` by default and wait for the 220 greeting before they write, so
// the session is passed through to the running relay's SMTP listener as it is: the relay
// answers every command itself, with its own limits and policy. When it cannot be reached,
// sendmail-local-smtp.ts answers instead.
import { connect } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { ListenAddress } from '../core/settings/settings-schema.js';

export interface SmtpModeResult {
  /** The relay could not be reached: the session is the caller's, untouched. */
  unreachable: string | null;
}

export function relaySmtpSession(
  smtp: ListenAddress,
  input: Readable,
  output: Writable,
): Promise<SmtpModeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: smtp.host, port: smtp.port });
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      input.pipe(socket);
      socket.pipe(output, { end: false });
    });
    socket.on('error', (err) => {
      if (connected) return; // the close below ends the session either way
      // nothing was read from the client nor written to it: the caller may answer it instead
      resolve({
        unreachable: `could not reach the relay at ${smtp.host}:${smtp.port}: ${err.message}`,
      });
    });
    socket.once('close', () => {
      input.unpipe(socket);
      if (connected) resolve({ unreachable: null });
    });
  });
}
