// The one error a search query can raise. The HTTP layer turns it into `400 {error: message}`,
// so the message must tell a person what to type instead.
import { CallerError } from '../caller-error.js';

export class SearchSyntaxError extends CallerError {
  override name = 'SearchSyntaxError';

  constructor(
    /** The operator or construct at fault, e.g. `before:`, `larger:`, `"` or `tz`. */
    readonly term: string,
    /** The value as typed. */
    readonly value: string,
    /** What would have been accepted, in words. */
    readonly allowed: string,
    problem = 'cannot be read',
  ) {
    super(`${term} ${JSON.stringify(value)} ${problem}: ${allowed}`);
  }

  /**
   * A quoted phrase without its closing quote. Said as typed: in JSON's quoting the phrase
   * reads `" "\"weekly" opens…`, quotes a person has to count.
   */
  static unclosedQuote(phrase: string): SearchSyntaxError {
    const error = new SearchSyntaxError(
      '"',
      phrase,
      'close it with a second " (e.g. subject:"weekly report")',
      'is never closed',
    );
    error.message = `the quoted phrase ${phrase} is never closed: ${error.allowed}`;
    return error;
  }
}
