// A client for SpamAssassin's spamd, speaking the spamc protocol (spamd/PROTOCOL in the
// SpamAssassin sources) over TCP: one request per connection, `REPORT SPAMC/1.5`, a
// Content-length header, the message, then a half-close; spamd answers `SPAMD/1.1 0 EX_OK`, its
// headers (`Spam: True ; 5.1 / 5.0`) and the text report with one line per rule that fired.
import { connect } from 'node:net';
import type { ListenAddress } from '../../settings/settings-schema.js';

const protocolVersion = '1.5';

/** spamd could not be asked, or answered with an error; the message says which. */
export class SpamdUnavailableError extends Error {
  override name = 'SpamdUnavailableError';
  constructor(
    /** `spamd at HOST:PORT`. */
    readonly spamd: string,
    readonly reason: string,
    /** It took the connection and did not answer in time (hung, or too busy), rather than refuse. */
    readonly timedOut = false,
  ) {
    super(`SpamAssassin (${spamd}): ${reason}`);
  }
}

export interface SpamdReply {
  /** spamd's status line, e.g. `SPAMD/1.1 0 EX_OK`. */
  status: string;
  headers: Record<string, string>;
  body: string;
}

/** `HOST:PORT` of a spamd, an IPv6 host in brackets. */
export function spamdAddressText(address: ListenAddress): string {
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

/** Sends one command with the message and reads the whole answer (spamd closes when done). */
export function askSpamd(
  address: ListenAddress,
  command: 'REPORT' | 'SYMBOLS' | 'CHECK' | 'PING',
  message: Buffer | null,
  timeoutMs: number,
): Promise<SpamdReply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const socket = connect({ host: address.host, port: address.port });
    const fail = (reason: string, timedOut = false): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new SpamdUnavailableError(`spamd at ${spamdAddressText(address)}`, reason, timedOut));
    };
    socket.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs / 1000} s`, true));
    socket.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === 'ECONNREFUSED'
          ? 'connection refused; is spamd running?'
          : `${err.code ?? 'error'}: ${err.message}`,
      ),
    );
    socket.on('connect', () => {
      const head =
        message === null
          ? `${command} SPAMC/${protocolVersion}\r\n\r\n`
          : `${command} SPAMC/${protocolVersion}\r\nContent-length: ${message.length}\r\n\r\n`;
      socket.write(head);
      if (message) socket.write(message);
      // spamd reads until the client half-closes (or Content-length is reached)
      socket.end();
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      if (settled) return;
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const headText = split === -1 ? text : text.slice(0, split);
      const body = split === -1 ? '' : text.slice(split + 4);
      const [status = '', ...headerLines] = headText.split('\r\n');
      const match = /^SPAMD\/\d+\.\d+ (\d+) (.*)$/.exec(status);
      if (!match) return fail(`not a spamd answer: ${JSON.stringify(status.slice(0, 80))}`);
      if (match[1] !== '0') return fail(`spamd refused the request: ${match[2]} (${match[1]})`);
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0)
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      settled = true;
      resolve({ status, headers, body });
    });
  });
}

/** PING → PONG: whether spamd takes requests now (asked when the filter's state is shown). */
export async function spamdAnswers(address: ListenAddress, timeoutMs: number): Promise<boolean> {
  try {
    const reply = await askSpamd(address, 'PING', null, timeoutMs);
    return /\bPONG\b/.test(reply.status);
  } catch {
    return false;
  }
}
