import { Dialog } from '../layout/Dialog';
import { ConfirmActions } from '../layout/ConfirmActions';
import { shownSubject } from '../format/mail-format';

/** The states Cancel takes a recipient out of (the relay's own cancel transition). */
const cancellable = new Set(['pending', 'deferred', 'held']);

/**
 * The question before a queued message's Cancel (the Queue view's, the Delivery tab's), which cannot be undone: the message is never
 * delivered to the recipients it names (every one still waiting, not only the entry's). Asked
 * in the dialog Delete all asks in: Esc or the first button keep it queued, and the focus goes
 * back to the Cancel that asked.
 */
export function CancelDeliveryConfirm(props: {
  subject: string;
  recipients: ReadonlyArray<{ deliverTo: string; state: string }>;
  onKeep(): void;
  onConfirm(): void;
}) {
  const waiting = props.recipients.filter((r) => cancellable.has(r.state)).map((r) => r.deliverTo);
  const whom =
    waiting.length === 0
      ? 'its recipients'
      : waiting.length <= 3
        ? waiting.join(', ')
        : `${waiting.slice(0, 3).join(', ')} and ${waiting.length - 3} more`;
  return (
    <Dialog
      title="Cancel this delivery?"
      onClose={props.onKeep}
      className="confirm-dialog"
      testId="cancel-delivery-dialog"
    >
      <p data-testid="cancel-delivery-text">
        {`“${shownSubject(props.subject)}” will never be delivered to ${whom}: cancelled recipients are not tried again. The message stays in the mail list with its delivery record; Resend sends it again.`}
      </p>
      <ConfirmActions
        keepLabel="Keep it queued"
        onKeep={props.onKeep}
        confirmLabel="Cancel delivery"
        onConfirm={props.onConfirm}
        confirmTestId="cancel-delivery-confirm"
      />
    </Dialog>
  );
}
