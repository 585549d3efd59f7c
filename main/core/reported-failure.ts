// A failure of the relay itself (not of what the caller asked) whose outcome the user must know to
// act on it: `userMessage` says what happened and what follows, in the user's words and without
// file paths or other internals, and the API answers it with the error's id; `message`, with the
// details, goes to the log only (main/server/http-errors.ts).

export class ReportedFailure extends Error {
  override name = 'ReportedFailure';

  constructor(
    message: string,
    readonly userMessage: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
