import { Dialog } from '../layout/Dialog';
import { ConfirmActions } from '../layout/ConfirmActions';
import { shownSubject } from '../format/mail-format';
import { messageCount } from './held-mail';

/** The states Cancel takes a recipient out of (the relay's own cancel transition). */
const cancellable = new Set(['pending', 'deferred', 'held']);

export interface CancelledMessage {
  subject: string;
  recipients: ReadonlyArray<{ deliverTo: string; state: string }>;
}

/** "a, b, c and 4 more", or `none` when there is no one to name. Pure. */
function named(addresses: readonly string[], none: string): string {
  if (addresses.length === 0) return none;
  if (addresses.length <= 3) return addresses.join(', ');
  return `${addresses.slice(0, 3).join(', ')} and ${addresses.length - 3} more`;
}

/**
 * What the confirm says of the messages whose delivery Cancel stops, and of the selected ones it
 * skips (nothing left to cancel: captured only, or every recipient already final). Pure.
 */
export function cancelDeliveryWords(
  messages: readonly CancelledMessage[],
  skipped = 0,
): { title: string; text: string; skippedText: string | null; confirmLabel: string } {
  const waiting = messages.flatMap((m) =>
    m.recipients.filter((r) => cancellable.has(r.state)).map((r) => r.deliverTo),
  );
  const skippedText =
    skipped > 0
      ? `${skipped} of the selected messages ${skipped === 1 ? 'has' : 'have'} nothing left to cancel (captured only, or already delivered) and ${skipped === 1 ? 'is' : 'are'} skipped.`
      : null;
  const [only] = messages;
  if (messages.length === 1 && only) {
    return {
      title: 'Cancel this delivery?',
      text: `“${shownSubject(only.subject)}” will never be delivered to ${named(waiting, 'its recipients')}: cancelled recipients are not tried again, and this cannot be undone. The message stays in the mail list with its delivery record; Resend sends it again.`,
      skippedText,
      confirmLabel: 'Cancel delivery',
    };
  }
  const recipients = `${waiting.length} ${waiting.length === 1 ? 'recipient' : 'recipients'}`;
  return {
    title: `Cancel delivery of ${messageCount(messages.length)}?`,
    text: `${messageCount(messages.length)} will never be delivered to the ${recipients} still waiting (${named(waiting, 'none')}): cancelled recipients are not tried again, and this cannot be undone. The messages stay in the mail list with their delivery records; Resend sends one again.`,
    skippedText,
    confirmLabel: `Cancel ${messageCount(messages.length)}`,
  };
}

/**
 * The question before Cancel (the Queue view's, the Delivery tab's, the list's bulk bar's), which
 * cannot be undone: the messages are never delivered to the recipients they name (every one
 * still waiting, not only the entry's). Asked in the dialog Delete all asks in: Esc or the first
 * button keep them queued, and the focus goes back to the Cancel that asked.
 */
export function CancelDeliveryConfirm(props: {
  messages: readonly CancelledMessage[];
  /** Selected messages with nothing left to cancel, which the relay skips (the bulk bar's). */
  skipped?: number;
  onKeep(): void;
  onConfirm(): void;
}) {
  const words = cancelDeliveryWords(props.messages, props.skipped);
  return (
    <Dialog
      title={words.title}
      onClose={props.onKeep}
      className="confirm-dialog"
      testId="cancel-delivery-dialog"
    >
      <p data-testid="cancel-delivery-text">{words.text}</p>
      {words.skippedText && <p data-testid="cancel-delivery-skipped">{words.skippedText}</p>}
      <ConfirmActions
        keepLabel={props.messages.length === 1 ? 'Keep it queued' : 'Keep them queued'}
        onKeep={props.onKeep}
        confirmLabel={words.confirmLabel}
        onConfirm={props.onConfirm}
        confirmTestId="cancel-delivery-confirm"
      />
    </Dialog>
  );
}
