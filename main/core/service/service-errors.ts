// Errors the service's methods throw for a caller's mistake (see main/core/caller-error.ts).
import { CallerError } from '../caller-error.js';

export { NotFoundError } from '../caller-error.js';

/** Settings given to a call (not the saved ones) are not valid; the message says which and why. */
export class SettingsInputError extends CallerError {
  override name = 'SettingsInputError';
}
