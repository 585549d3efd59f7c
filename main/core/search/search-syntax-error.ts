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

  /**
   * A deletion by a search whose every word is skipped (`-`, `<>`, `@`): it would match, and so
   * delete, every message, which is not what a search was written for.
   */
  static nothingToDelete(query: string): SearchSyntaxError {
    const error = new SearchSyntaxError(
      'query',
      query,
      'give a word or an operator to match, e.g. subject:report; every message is deleted by DELETE /api/v1/messages, or by Delete all with the search box empty',
      'has nothing to search for',
    );
    error.message = `the search ${JSON.stringify(query)} has nothing to search for, so it would delete every message: ${error.allowed}`;
    return error;
  }
}
