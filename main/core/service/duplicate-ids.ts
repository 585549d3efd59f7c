// Mailpit's --ignore-duplicate-ids (internal/smtpd/main.go, SaveToDatabase): a message whose
// Message-ID is already stored is answered as accepted and not stored again. Mailpit reads the
// header with its angle brackets trimmed and compares it exactly with the stored ones; a message
// without a Message-ID is always stored (Mailpit gives it one of its own).
import { readHeaderFields } from '../message/header-fields.js';
import { sourceHead, type MessageSource } from '../spool/message-source.js';

/** The Message-ID header as Mailpit compares it: the first one, `<` and `>` trimmed; or ''. */
export function messageIdOf(raw: MessageSource): string {
  const field = readHeaderFields(sourceHead(raw)).find(
    (f) => f.name.toLowerCase() === 'message-id',
  );
  return field ? field.value.trim().replace(/^[<>]+|[<>]+$/g, '') : '';
}

/**
 * The Message-IDs of messages being stored right now: two copies arriving at once (a client that
 * retries on a second connection) must not both be stored because neither was listed yet.
 */
export class ArrivingMessageIds {
  private readonly arriving = new Map<string, string>();

  /** The ID of the message with this Message-ID being stored now, if any. */
  get(messageId: string): string | undefined {
    return this.arriving.get(messageId);
  }

  /** Notes `messageId` as being stored under `id` until `done` is called. */
  hold(messageId: string, id: string): () => void {
    if (messageId === '') return () => undefined;
    this.arriving.set(messageId, id);
    return () => {
      if (this.arriving.get(messageId) === id) this.arriving.delete(messageId);
    };
  }
}
