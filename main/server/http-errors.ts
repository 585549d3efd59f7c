// How the API answers an error: a caller's mistake (CallerError, or one of Fastify's own 4xx)
// with its status and message; anything else as a 500 that says only that it happened (or, for a
// ReportedFailure, its outcome in the user's words) and under which id the log holds the
// details, so no stack, path or internal message reaches the client.
import { randomBytes } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CallerError } from '../core/caller-error.js';
import { ReportedFailure } from '../core/reported-failure.js';
import { note, type LogRecord } from '../core/logs/log-record.js';
import { NoLatestMessageError } from './mailpit/latest-matching.js';

/** A request the API cannot take; answered 400 with its message as `{error}`. */
export class BadRequestError extends CallerError {
  override name = 'BadRequestError';
}

export interface PublicError {
  status: number;
  message: string;
}

/** The status and the message a client may see, or null for an internal error. */
export function publicError(err: Error): PublicError | null {
  if (err instanceof CallerError) return { status: err.status, message: err.message };
  const status = (err as FastifyError).statusCode;
  if (status && status >= 400 && status < 500) return { status, message: err.message };
  return null;
}

/**
 * The requests of Mailpit's paths whose internal error went on to the app's handler: answered as
 * text there, as Mailpit's httpError answers (a 500 whose body its clients put in their Error).
 */
const mailpitRequests = new WeakSet<FastifyRequest>();

/** Answers `{error}`; an internal error is logged with an id and answered with that id only. */
export function errorHandler(log: (record: LogRecord) => void) {
  return (err: Error, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const known = publicError(err);
    if (known) return reply.code(known.status).send({ error: known.message });
    const id = randomBytes(6).toString('hex');
    log(
      note(
        'http',
        `internal error id=${id} ${req.method} ${req.url.split('?')[0]}: ${err.stack ?? err.message}`,
        'error',
      ),
    );
    // a failure the user must know the outcome of says it, still without the log's details
    const what = err instanceof ReportedFailure ? err.userMessage : 'internal error';
    const error = `${what} (id ${id}); the server's log has the details`;
    if (mailpitRequests.has(req))
      return reply.code(500).type('text/plain; charset=utf-8').send(error);
    return reply.code(500).send({ error });
  };
}

/**
 * Mailpit's error answers (server/apiv1/api.go): its httpError is the message as text/plain, and
 * its fourOFour the text "404 page not found". A route's `errorHandler` on Mailpit's paths, so
 * the clients and tests written for Mailpit read what they read there (its npm client puts the
 * body in its Error's message); Relaydesk's own routes keep `{error}`. An internal error goes on
 * to the app's handler (logged, answered with its id only, or a ReportedFailure's words), which
 * answers it as text too, with Mailpit's 500.
 */
export function mailpitTextErrors(
  err: Error,
  req: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const known = publicError(err);
  if (!known) {
    mailpitRequests.add(req);
    throw err;
  }
  return reply
    .code(known.status)
    .type('text/plain; charset=utf-8')
    .send(
      known.status === 404 && !(err instanceof NoLatestMessageError)
        ? mailpitNotFound
        : known.message,
    );
}

/** The body of Mailpit's 404s (its fourOFour). */
export const mailpitNotFound = '404 page not found';
