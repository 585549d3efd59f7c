// Errors in what a caller asked for (a bad value, an unknown ID, a name taken). Their message is
// written for that caller — it names the field, the value and the fix — so it is safe to show
// as is; `status` is how the HTTP API answers it. Anything else thrown is an internal error,
// which the API logs and never echoes.

/** 400 bad input, 404 no such thing, 409 it exists already. */
export type CallerErrorStatus = 400 | 404 | 409;

export class CallerError extends Error {
  override name = 'CallerError';

  constructor(
    message: string,
    readonly status: CallerErrorStatus = 400,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export class NotFoundError extends CallerError {
  override name = 'NotFoundError';

  constructor(message: string, options?: ErrorOptions) {
    super(message, 404, options);
  }
}
