// Who sent a new message, in one phrase for a notice of its arrival (the browser's notification,
// the screen reader's announcer, the desktop's notice). The list shows mail without a From header
// (a scanner's, a printer's) under its envelope sender after a MAIL FROM mark (MessageRow); a
// notice has no mark to show, so the words say whose address it is. Only the null sender `<>`
// has nothing to name. Shared by the core and the renderer. Pure.
import type { MessageSummary } from './api-contract.js';
import { shownMailText } from './mail-text.js';

/** The null sender's words, as the list's row says them. */
export const noSender = '(no sender)';

/**
 * The From header's name (or its address, where `named` is false or there is no name), else the
 * envelope's MAIL FROM marked as the envelope's, else "(no sender)".
 */
export function arrivalSender(
  message: Pick<MessageSummary, 'From' | 'MailFrom'>,
  named = true,
): string {
  const from = (named ? message.From?.Name : '') || message.From?.Address;
  if (from) return shownMailText(from);
  if (message.MailFrom) {
    return `${shownMailText(message.MailFrom)} (envelope sender, no From header)`;
  }
  return noSender;
}
