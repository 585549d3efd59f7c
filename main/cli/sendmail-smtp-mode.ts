// `sendmail -bs`: SMTP on standard input and output. Symfony Mailer's and Laravel's sendmail
// transports run `sendmail -bs` by default and wait for the 220 greeting before they write, so
// the session is passed through to the running relay's SMTP listener as it is: the relay
// answers every command itself, with its own limits and policy. When it cannot be reached, or
// greets with "try again later" (421 while receiving is paused or at its connection limit),
// sendmail-local-smtp.ts answers instead: those clients throw on a 421 greeting, and the mail
// they were sending is gone.
import { connect } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import type { ListenAddress } from '../core/settings/settings-schema.js';

export interface SmtpModeResult {
  /** The relay could not be reached or would not take mail now: the session is the caller's. */
  unreachable: string | null;
  /** The relay is running (it greeted with 4xx or not at all): only not taking mail now. */
  running: boolean;
}

// a relay that accepts the connection but never greets is as good as not running
const greetingTimeoutMs = 30_000;

/** The greeting's complete reply (its last line is `NNN text`), or null while it is partial. */
function completeReply(data: string): string | null {
  const lines = data.split('\r\n');
  // the last element is what follows the last CRLF: a line still arriving
  for (const line of lines.slice(0, -1)) if (/^\d{3}(?: |$)/.test(line)) return data;
  return null;
}

export function relaySmtpSession(
  smtp: ListenAddress,
  input: Readable,
  output: Writable,
): Promise<SmtpModeResult> {
  const relay = `${smtp.host}:${smtp.port}`;
  return new Promise((resolve) => {
    const socket = connect({ host: smtp.host, port: smtp.port });
    // nothing is read from the client nor written to it until the relay has greeted with 220:
    // until then the caller may still answer the session itself
    let passing = false;
    let settled = false;
    let greeting = '';
    const handBack = (reason: string, running = true): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('data', onGreeting);
      socket.destroy();
      resolve({ unreachable: reason, running });
    };
    const timer = setTimeout(
      () => handBack(`the relay at ${relay} did not greet within ${greetingTimeoutMs / 1000} s`),
      greetingTimeoutMs,
    );
    const onGreeting = (chunk: Buffer): void => {
      greeting += chunk.toString('latin1');
      const reply = completeReply(greeting);
      if (reply === null) return;
      if (reply.startsWith('4')) {
        const lastLine = reply.trimEnd().split('\r\n').at(-1) ?? reply;
        handBack(`the relay at ${relay} answered ${lastLine.trim()}`);
        return;
      }
      // 220, or a refusal for good (554) the client must see: the relay's session from here on
      clearTimeout(timer);
      socket.removeListener('data', onGreeting);
      passing = true;
      output.write(Buffer.from(greeting, 'latin1'));
      input.pipe(socket);
      socket.pipe(output, { end: false });
    };
    let connected = false;
    socket.once('connect', () => (connected = true));
    socket.on('data', onGreeting);
    socket.on('error', (err) => {
      // once passing, the close below ends the session either way
      if (!passing) handBack(`could not reach the relay at ${relay}: ${err.message}`, connected);
    });
    socket.once('close', () => {
      if (!passing) {
        handBack(`the relay at ${relay} closed the connection before its greeting`);
        return;
      }
      input.unpipe(socket);
      if (!settled) {
        settled = true;
        resolve({ unreachable: null, running: true });
      }
    });
  });
}
