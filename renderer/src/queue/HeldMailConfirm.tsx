import type { ReactNode } from 'react';
import { useRefusableAction } from '../use-refusable-action';
import { Dialog } from '../layout/Dialog';
import { ConfirmActions } from '../layout/ConfirmActions';
import { heldWhose } from './held-mail';
import type { QueuedMessage } from '../api/contract';

/**
 * The confirm before many held messages are acted on at once (cancelled, or sent by lifting an
 * automatic pause): it names how many and whose, since one click stands for 30 decisions. Esc
 * or the first button keep them held; a refusal of the relay's is shown and the buttons work
 * again.
 */
export function HeldMailConfirm(props: {
  title: string;
  messages: readonly QueuedMessage[];
  /** What the action does to them, after the count and the senders. */
  children: ReactNode;
  confirmLabel: string;
  testId: string;
  onKeep(): void;
  onConfirm(): Promise<void>;
}) {
  const { busy, error, run: confirm } = useRefusableAction(props.onConfirm);
  return (
    <Dialog
      title={props.title}
      onClose={props.onKeep}
      className="confirm-dialog held-mail-confirm"
      testId={props.testId}
    >
      <p data-testid={`${props.testId}-whose`}>{heldWhose(props.messages)}.</p>
      {props.children}
      {error && (
        <p className="form-error" role="alert" data-testid={`${props.testId}-error`}>
          {error}
        </p>
      )}
      <ConfirmActions
        keepLabel="Keep them held"
        onKeep={props.onKeep}
        confirmLabel={props.confirmLabel}
        onConfirm={() => void confirm()}
        confirmTestId={`${props.testId}-confirm`}
        busy={busy}
      />
    </Dialog>
  );
}
