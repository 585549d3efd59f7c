/** A queue action that cannot be done as asked (unknown message, nothing to resend, no relay). */
export class QueueError extends Error {
  override name = 'QueueError';
}
