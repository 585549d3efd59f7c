import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import type { SenderAlert } from '../api/contract';
import { serverWords } from '../api/http-transport';
import { formatFullDate } from '../format/mail-format';
import { localTimes } from '../format/local-times';

function usual(median: number): string {
  return `usually ${median} an hour`;
}

/**
 * The anomaly alerts kept until dismissed: one raised while no window was open is shown when one
 * opens, with what to do about it (suspend the sender, review the senders, or dismiss it).
 */
export function SenderAlerts({ onReview }: { onReview(): void }) {
  const api = useApi();
  const [alerts, setAlerts] = useState<SenderAlert[]>([]);
  // the suspensions in force, to tell an automatic pause still on from one lifted since
  const [suspended, setSuspended] = useState<ReadonlySet<string> | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(() => {
    api.senderAlerts().then(setAlerts, (err: unknown) => setError(serverWords(err)));
    api.listSuspensions().then(
      (entries) => setSuspended(new Set(entries.map((e) => e.ID))),
      (err: unknown) => setError(serverWords(err)),
    );
  }, [api]);

  useEffect(() => {
    refresh();
    // a new alert, or a suspension made or lifted elsewhere (another window, the CLI)
    return api.onEvent((event) => {
      if (event.Type === 'sender') refresh();
    });
  }, [api, refresh]);

  const alert = alerts[0];
  if (!alert) return null;
  const act = (work: Promise<unknown>) => {
    setError(null);
    work.then(refresh, (err: unknown) => setError(serverWords(err)));
  };
  const dismiss = () => act(api.dismissSenderAlert(alert.ID));
  // an automatic pause lifted since (Lift, unsuspend): "paused until released" was no longer so,
  // and the alert offered no way to suspend the sender again
  const paused =
    alert.SuspensionID !== null && (suspended === null || suspended.has(alert.SuspensionID));
  const lifted = alert.SuspensionID !== null && !paused;
  const suspend = () =>
    act(
      api
        .suspend(alert.Kind, alert.Value, `anomaly alert: ${alert.Count} messages in an hour`)
        .then(() => api.dismissSenderAlert(alert.ID)),
    );
  return (
    <section
      className="filter-decision severe sender-alert"
      role="status"
      aria-label="Sender alert"
      data-testid="sender-alert"
      title={localTimes(alert.Text)}
    >
      <strong>
        {alert.Kind === 'user' ? 'SMTP user' : 'Client'} {alert.Value} sent {alert.Count} messages
        this hour ({usual(alert.Median)})
      </strong>
      {paused
        ? ', and was paused until released.'
        : lifted
          ? ', and was paused; the pause has been lifted.'
          : '.'}{' '}
      <time className="sender-alert-when" dateTime={alert.Created}>
        {formatFullDate(alert.Created)}
      </time>
      <span className="sender-alert-actions">
        {!paused && (
          <button
            type="button"
            className="toolbar-button"
            onClick={suspend}
            data-testid="sender-alert-suspend"
          >
            Suspend {alert.Kind === 'user' ? 'user' : 'client'}
          </button>
        )}
        <button
          type="button"
          className="toolbar-button"
          onClick={() => {
            onReview();
          }}
        >
          Review senders
        </button>
        <button
          type="button"
          className="toolbar-button"
          onClick={dismiss}
          data-testid="sender-alert-dismiss"
        >
          Dismiss
        </button>
      </span>
      {alerts.length > 1 && (
        <span className="sender-alert-more" data-testid="sender-alert-more">
          {' '}
          +{alerts.length - 1} earlier {alerts.length === 2 ? 'alert' : 'alerts'}
        </span>
      )}
      {error && (
        <span className="error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </section>
  );
}
