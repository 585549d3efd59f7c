import { useId, useState } from 'react';
import { useApi } from '../api/api-context';
import type { FilterVerdictView } from '../api/contract';
import { Dialog } from '../layout/Dialog';

/**
 * The confirm before a quarantined message is released: it names what the filter found, and a
 * virus must be acknowledged by ticking a box (the Release button stays disabled until then),
 * since releasing it sends the virus to its recipients. A false positive of the attachment
 * policy is one click more, as amavisd-release or postsuper -H are one command.
 */
export function ReleaseDialog(props: {
  messageId: string;
  filter: FilterVerdictView;
  onClose(): void;
  onReleased(): void;
}) {
  const api = useApi();
  const { filter } = props;
  const virus = filter.scan === 'infected';
  const [confirmed, setConfirmed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tickId = useId();

  const release = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.releaseQuarantined(props.messageId, virus && confirmed);
      props.onReleased();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={virus ? 'Release a message that carries a virus?' : 'Release from the quarantine?'}
      onClose={props.onClose}
      className="release-dialog"
      testId="release-dialog"
    >
      {virus && (
        <p className="release-warning" data-testid="release-virus-warning">
          <strong>This message carries a virus</strong>: clamd found{' '}
          <code>{filter.signature ?? 'a virus'}</code> in it. Releasing it sends the virus to its
          recipients.
        </p>
      )}
      <p>The filter quarantined it for:</p>
      <ul data-testid="release-reasons">
        {filter.reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
      <p>
        Released, it goes back to the mailbox it was for and, where the routing rules relay its
        recipients, into the queue to be sent, once. It keeps its verdict and is tagged “released”.
      </p>
      {virus && (
        <p className="release-confirm">
          <input
            id={tickId}
            type="checkbox"
            data-testid="release-virus-confirm"
            checked={confirmed}
            onChange={(event) => setConfirmed(event.target.checked)}
          />{' '}
          <label htmlFor={tickId}>
            I know this message carries a virus and want it sent to its recipients
          </label>
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="release-error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={props.onClose}>
          Keep in quarantine
        </button>
        <button
          type="button"
          className={virus ? 'danger' : 'primary'}
          data-testid="release-confirm"
          disabled={busy || (virus && !confirmed)}
          onClick={() => void release()}
        >
          {virus ? 'Release the virus' : 'Release'}
        </button>
      </div>
    </Dialog>
  );
}
