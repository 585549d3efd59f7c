// A client for clamd's INSTREAM command (clamd(8), "INSTREAM"): `zINSTREAM\0`, then the data in
// chunks each prefixed with its length as a 4-byte big-endian number, then a zero-length chunk.
// clamd answers one NUL-terminated line: `stream: OK`, `stream: <Signature> FOUND` or
// `... ERROR`. Every step has a time limit: a stuck scanner must not hold a client for ever.
import { connect, isIP, type Socket } from 'node:net';
import { sourceChunks, type MessageSource } from '../spool/message-source.js';

/** TCP `HOST:PORT` or the path of clamd's Unix socket. */
export type ClamdAddress = { host: string; port: number } | { path: string };

export class ClamdUnavailableError extends Error {
  override name = 'ClamdUnavailableError';

  constructor(
    message: string,
    /** clamd was connected and dropped the connection before it answered. */
    readonly droppedByClamd = false,
  ) {
    super(message);
  }
}

/** clamd took the connection and did not answer in time: hung (stopped, swapping), not gone. */
export class ClamdTimeoutError extends ClamdUnavailableError {
  override name = 'ClamdTimeoutError';
}

/**
 * clamd read its StreamMaxLength (clamd.conf; 25M in Debian's) and stopped: the message was
 * not scanned, and never will be by this clamd, so a "try again later" would be answered the
 * same way until the sender gives up.
 */
export class ClamdSizeLimitError extends ClamdUnavailableError {
  override name = 'ClamdSizeLimitError';
}

export interface ScanResult {
  /** The signature clamd found, or null when the data is clean. */
  signature: string | null;
}

/** Parses `HOST:PORT`, `[v6]:PORT` or an absolute socket path; undefined when neither. */
export function parseClamdAddress(raw: unknown): ClamdAddress | undefined {
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const text = raw.trim();
  if (text.startsWith('/')) return { path: text };
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(text);
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  const host = match[1] ?? (match[2] as string);
  if (match[1] !== undefined && isIP(host) !== 6) return undefined;
  return { host, port };
}

/**
 * Why a clamd address is not one, in the words of the fix: an admin copies it from clamd.conf
 * (`LocalSocket`, `TCPSocket` without its address), from clamav-milter's `ClamdSocket
 * unix:…`/`tcp:…`, or from Exim's `av_scanner` (`127.0.0.1 3310`); all got the same "is not
 * valid", which said neither what was wrong nor what to write. Undefined when it reads.
 */
export function clamdAddressProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || parseClamdAddress(raw) !== undefined) return undefined;
  const text = raw.trim();
  const shown = JSON.stringify(raw);
  const scheme = /^(unix|local|tcp|inet):(?:\/\/)?(.*)$/i.exec(text);
  if (scheme) {
    const rest = scheme[1]?.toLowerCase() === 'unix' || scheme[1]?.toLowerCase() === 'local';
    const bare = rest ? `/${(scheme[2] ?? '').replace(/^\/+/, '')}` : (scheme[2] ?? '');
    if (parseClamdAddress(bare))
      return `clamd: ${shown} has clamav-milter's "${scheme[1]}:" in front; give ${rest ? "the socket's path" : 'HOST:PORT'} alone: ${bare}`;
  }
  const spaced = /^(\S+)\s+(\d{1,5})$/.exec(text);
  if (spaced && parseClamdAddress(`${spaced[1]}:${spaced[2]}`))
    return `clamd: ${shown} has a space between host and port; give HOST:PORT: ${spaced[1]}:${spaced[2]}`;
  const port = /:(\d+)$/.exec(text);
  if (port && parseClamdAddress(`${text.slice(0, port.index)}:3310`))
    return `clamd: ${shown} has port ${port[1]}; give a port from 1 to 65535 (clamd.conf's TCPSocket, 3310 by default)`;
  if (/[/\\]|\.(sock|ctl)$/.test(text) || text.startsWith('~'))
    return `clamd: ${shown} is not the full path of a socket; give it from the root, as clamd.conf's LocalSocket says, e.g. /run/clamav/clamd.ctl`;
  if (parseClamdAddress(`${text}:3310`))
    return `clamd: ${shown} has no port; give HOST:PORT with clamd.conf's TCPSocket, e.g. ${text}:3310`;
  return undefined;
}

export function describeClamdAddress(address: ClamdAddress): string {
  if ('path' in address) return address.path;
  return address.host.includes(':')
    ? `[${address.host}]:${address.port}`
    : `${address.host}:${address.port}`;
}

export interface ClamdOptions {
  /** Connecting and the PING answer. */
  connectTimeoutMs?: number;
  /** The whole scan, from connect to verdict. */
  scanTimeoutMs?: number;
}

/** clamd reads at most StreamMaxLength bytes; chunks well under its 64 KiB socket buffer. */
const chunkSize = 64 * 1024;

export class ClamdClient {
  private readonly connectTimeoutMs: number;
  private readonly scanTimeoutMs: number;

  constructor(
    readonly address: ClamdAddress,
    options: ClamdOptions = {},
  ) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.scanTimeoutMs = options.scanTimeoutMs ?? 60_000;
  }

  get description(): string {
    return describeClamdAddress(this.address);
  }

  /**
   * Opens a connection, runs `session` on it and resolves with clamd's NUL-terminated answer.
   * Every failure (refused, reset, timeout, clamd's own ERROR) is a ClamdUnavailableError.
   */
  private exchange(timeoutMs: number, session: (socket: Socket) => Promise<void>): Promise<string> {
    return new Promise((resolve, reject) => {
      const where = this.description;
      const socket =
        'path' in this.address
          ? connect({ path: this.address.path })
          : connect({ host: this.address.host, port: this.address.port });
      let answer = '';
      let settled = false;
      const finish = (err: Error | null, text?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (err) reject(err);
        else resolve(text ?? '');
      };
      const timer = setTimeout(
        () => finish(new ClamdTimeoutError(`clamd at ${where} did not answer in ${timeoutMs} ms`)),
        timeoutMs,
      );
      socket.setNoDelay(true);
      let connected = false;
      socket.on('error', (err: NodeJS.ErrnoException) =>
        finish(
          new ClamdUnavailableError(
            `clamd at ${where}: ${err.code ?? err.message}`,
            connected && (err.code === 'EPIPE' || err.code === 'ECONNRESET'),
          ),
        ),
      );
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString('utf8');
        const end = answer.indexOf('\0');
        if (end >= 0) finish(null, answer.slice(0, end).trim());
      });
      socket.on('close', () => {
        const text = answer.trim();
        if (text) finish(null, text);
        else
          finish(
            new ClamdUnavailableError(
              `clamd at ${where} closed the connection without an answer`,
              connected,
            ),
          );
      });
      socket.once('connect', () => {
        connected = true;
        session(socket).catch((err: Error) =>
          finish(
            err instanceof ClamdUnavailableError
              ? err
              : new ClamdUnavailableError(`clamd at ${where}: ${err.message}`, true),
          ),
        );
      });
    });
  }

  /** PING → PONG: whether clamd is up and has loaded its database. */
  async ping(): Promise<boolean> {
    try {
      const answer = await this.exchange(this.connectTimeoutMs, async (socket) => {
        socket.write('zPING\0');
      });
      return answer === 'PONG';
    } catch {
      return false;
    }
  }

  /**
   * Streams a message to clamd and returns its verdict. A message in memory is sent as views of
   * its bytes, one in the spool folder is read from its file: a large message is not held twice.
   */
  async scan(source: MessageSource): Promise<ScanResult> {
    const answer = await this.stream(source).catch(async (err: unknown) => {
      // Past StreamMaxLength clamd answers "INSTREAM size limit exceeded" and closes while the
      // rest is still arriving; the reset that follows often discards that answer before it is
      // read. A clamd that dropped the stream yet answers PING at once is up: it refused the
      // size (a crash would not answer; a scan error is answered, not dropped).
      if (err instanceof ClamdUnavailableError && err.droppedByClamd && (await this.ping())) {
        throw new ClamdSizeLimitError(
          `clamd at ${this.description} stopped reading the message (${err.message}) and is up: the message is larger than its StreamMaxLength`,
        );
      }
      throw err;
    });
    return readVerdict(answer, this.description);
  }

  private stream(source: MessageSource): Promise<string> {
    return this.exchange(this.scanTimeoutMs, async (socket) => {
      socket.write('zINSTREAM\0');
      for await (const chunk of sourceChunks(source, chunkSize)) {
        socket.write(lengthPrefix(chunk.length));
        // wait while clamd is behind, so a large file is not queued in memory
        if (!socket.write(chunk)) await drained(socket);
      }
      socket.write(lengthPrefix(0));
    });
  }
}

/** Resolves when the socket takes writes again; throws when it closed meanwhile. */
async function drained(socket: Socket): Promise<void> {
  await new Promise<void>((resolve) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
  if (socket.destroyed) throw new Error('connection closed while sending the message');
}

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(length, 0);
  return prefix;
}

function readVerdict(answer: string, where: string): ScanResult {
  // `stream: Eicar-Signature FOUND`, `stream: OK`, or e.g. `INSTREAM size limit exceeded. ERROR`
  const found = /^(?:stream|\d+): (.+) FOUND$/.exec(answer);
  if (found) return { signature: (found[1] as string).trim() };
  if (/^(?:stream|\d+): OK$/.test(answer)) return { signature: null };
  if (/size limit exceeded/i.test(answer)) {
    throw new ClamdSizeLimitError(
      `clamd at ${where} scans at most its StreamMaxLength and the message is larger (${answer})`,
    );
  }
  throw new ClamdUnavailableError(`clamd at ${where} could not scan the message: ${answer}`);
}
