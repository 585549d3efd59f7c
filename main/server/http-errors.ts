/** A request the API cannot take; answered 400 with its message as `{error}`. */
export class BadRequestError extends Error {
  override name = 'BadRequestError';
}
