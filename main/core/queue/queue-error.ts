import { CallerError } from '../caller-error.js';

/** A queue action that cannot be done as asked (nothing to resend, no relay); answered 400. */
export class QueueError extends CallerError {
  override name = 'QueueError';
}
