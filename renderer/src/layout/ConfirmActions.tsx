import type { Ref } from 'react';

/**
 * The two buttons under a question that asks before something is done: the one that keeps
 * things as they are first (Esc's meaning too, in a Dialog), then the one that does it, red
 * where it cannot be undone.
 */
export function ConfirmActions(props: {
  keepLabel: string;
  onKeep(): void;
  confirmLabel: string;
  onConfirm(): void;
  confirmTestId: string;
  /** Not red: an action that can be undone (Mark all read). */
  harmless?: boolean;
  /** While the action runs: not pressed twice. */
  busy?: boolean;
  keepRef?: Ref<HTMLButtonElement>;
}) {
  return (
    <div className="confirm-actions">
      <button ref={props.keepRef} type="button" onClick={props.onKeep}>
        {props.keepLabel}
      </button>
      <button
        type="button"
        className={props.harmless ? undefined : 'danger-button'}
        data-testid={props.confirmTestId}
        disabled={props.busy}
        onClick={props.onConfirm}
      >
        {props.confirmLabel}
      </button>
    </div>
  );
}
