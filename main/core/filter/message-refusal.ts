// A reasoned refusal of a message at end of DATA, decided after the data was read (a virus, a
// refused attachment, the scanner down). The listener answers it as it is, instead of its
// generic "could not store", and writes the reason to the audit log.
export class MessageRefusal extends Error {
  override name = 'MessageRefusal';

  constructor(
    readonly responseCode: number,
    /** The reply text, starting with its enhanced status code. */
    readonly reply: string,
    /** For the audit log. */
    readonly reason: string,
  ) {
    super(reply);
  }
}

/**
 * A message a content rule discards (Postfix's DISCARD): the client gets 250 as for any message,
 * and nothing of it is stored or relayed; the audit log has the one line that says so.
 */
export class MessageDiscard extends Error {
  override name = 'MessageDiscard';

  constructor(
    /** For the audit log. */
    readonly reason: string,
    /** The content rule's place in contentRules, from 0: the Send API's answer names it. */
    readonly rule: number,
  ) {
    super(reason);
  }
}
