// Errors the service's methods throw for a caller's mistake (answered 4xx by the HTTP side).

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** Settings given to a call (not the saved ones) are not valid; the message says which and why. */
export class SettingsInputError extends Error {
  override name = 'SettingsInputError';
}
