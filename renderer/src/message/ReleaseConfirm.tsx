import { useId, useState } from 'react';
import { useRefusableAction } from '../use-refusable-action';

/**
 * What the confirms before a release from the quarantine share (one message's ReleaseDialog, the
 * bulk bar's BulkReleaseDialog): the tick a virus needs (Release stays disabled until it is
 * ticked), the relay's answer when it refused, and the two buttons.
 */
export function ReleaseConfirm(props: {
  /** The dialog's test IDs: `${testIds}-virus-confirm`, `-error`, `-confirm`. */
  testIds: string;
  /** The tick's words when a virus must be acknowledged; null when none is released. */
  virusTick: string | null;
  releaseLabel: string;
  onKeep(): void;
  /** Releases (`confirmVirus`: the tick); a failure is shown and the buttons work again. */
  onRelease(confirmVirus: boolean): Promise<void>;
}) {
  const virus = props.virusTick !== null;
  const [confirmed, setConfirmed] = useState(false);
  const tickId = useId();
  const {
    busy,
    error,
    run: release,
  } = useRefusableAction(() => props.onRelease(virus && confirmed));

  return (
    <>
      {virus && (
        <p className="release-confirm">
          <input
            id={tickId}
            type="checkbox"
            data-testid={`${props.testIds}-virus-confirm`}
            checked={confirmed}
            onChange={(event) => setConfirmed(event.target.checked)}
          />{' '}
          <label htmlFor={tickId}>{props.virusTick}</label>
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid={`${props.testIds}-error`}>
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={props.onKeep}>
          Keep in quarantine
        </button>
        <button
          type="button"
          className={virus ? 'danger-button' : 'primary'}
          data-testid={`${props.testIds}-confirm`}
          disabled={busy || (virus && !confirmed)}
          onClick={() => void release()}
        >
          {props.releaseLabel}
        </button>
      </div>
    </>
  );
}
