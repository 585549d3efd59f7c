// Fastify's own logger, on at `warn`, writing through the service's log: what Fastify warns about
// (a reply sent twice, a bad plugin, a client error) becomes an `http: …` note in the same
// lines as everything else, instead of pino's JSON on stdout. Below `warn` nothing is kept: a
// line per request would drown the relay's own.
import type { FastifyBaseLogger } from 'fastify';
import { note, type LogLevel, type LogRecord } from '../core/logs/log-record.js';

const rank = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
type PinoLevel = keyof typeof rank;

/** pino's call shapes: (message), (object, message) or (error). */
function describe(args: unknown[]): string {
  const [first, second] = args;
  if (typeof first === 'string') return first;
  const text = typeof second === 'string' ? second : '';
  if (first instanceof Error) return text ? `${text}: ${first.message}` : first.message;
  const err = (first as { err?: unknown } | null)?.err;
  if (err instanceof Error) return text ? `${text}: ${err.message}` : err.message;
  return text || JSON.stringify(first);
}

export function httpLogger(
  write: (record: LogRecord) => void,
  level: PinoLevel = 'warn',
): FastifyBaseLogger {
  const at =
    (pino: PinoLevel, ours: LogLevel) =>
    (...args: unknown[]): void => {
      if (rank[pino] >= rank[logger.level as PinoLevel]) write(note('http', describe(args), ours));
    };
  const logger: FastifyBaseLogger = {
    level,
    trace: at('trace', 'debug'),
    debug: at('debug', 'debug'),
    info: at('info', 'info'),
    warn: at('warn', 'warn'),
    error: at('error', 'error'),
    fatal: at('fatal', 'error'),
    silent: () => undefined,
    child: () => logger,
  };
  return logger;
}
