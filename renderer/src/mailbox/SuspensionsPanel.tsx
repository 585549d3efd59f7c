import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useApi } from '../api/api-context';
import type { SuspensionEntry } from '../api/contract';
import { ApiError } from '../api/http-transport';

type Kind = SuspensionEntry['Kind'];

/** The server's own sentence (it names the field, the value and the fix), not the HTTP wrapper. */
function reasonOf(err: Error): string {
  // (over IPC the preload hands over the handler's own words already)
  return err instanceof ApiError && err.detail !== '' ? err.detail : err.message;
}
const kinds: Kind[] = ['ip', 'cidr', 'user', 'sender'];
const placeholders: Record<Kind, string> = {
  ip: '192.168.1.23',
  cidr: '192.168.1.0/24',
  user: 'printer',
  sender: 'newsletter@example.com or *@example.com',
};

/**
 * Suspended senders: cut one off at once (an IP, a range, an SMTP user or a sender, with the
 * reason the client is told), lift a suspension, or lift it and send on what it held. Kept
 * current by the `sender` events, so an automatic pause appears here as it happens.
 */
export function SuspensionsPanel() {
  const api = useApi();
  const [entries, setEntries] = useState<SuspensionEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [kind, setKind] = useState<Kind>('ip');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');

  const reload = useCallback(() => {
    api.listSuspensions().then(setEntries, (err: Error) => setError(reasonOf(err)));
  }, [api]);

  useEffect(() => {
    reload();
    return api.onEvent((event) => {
      if (event.Type === 'sender') reload();
    });
  }, [api, reload]);

  const act = (work: Promise<unknown>): void => {
    work.then(
      () => {
        setError(null);
        reload();
      },
      (err: Error) => setError(reasonOf(err)),
    );
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    act(
      api.suspend(kind, value.trim(), reason.trim()).then(() => {
        setValue('');
        setReason('');
      }),
    );
  };

  return (
    <section className="suspensions" data-testid="suspensions" aria-label="Suspended senders">
      <h2>Suspended senders</h2>
      <form className="suspend-form" onSubmit={submit}>
        <select
          aria-label="Kind"
          data-testid="suspend-kind"
          value={kind}
          onChange={(event) => setKind(event.target.value as Kind)}
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
        <input
          aria-label="Value"
          data-testid="suspend-value"
          placeholder={placeholders[kind]}
          value={value}
          onChange={(event) => setValue(event.target.value)}
        />
        <input
          aria-label="Reason"
          data-testid="suspend-reason"
          placeholder="Reason (the client is told)"
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        <button type="submit" className="toolbar-button" data-testid="suspend-submit">
          Suspend
        </button>
      </form>
      {error && (
        <p className="body-notice error" role="alert" data-testid="suspend-error">
          {error}
        </p>
      )}
      {entries && entries.length === 0 && <p className="body-notice">Nobody is suspended.</p>}
      <ul className="suspension-list">
        {(entries ?? []).map((entry) => (
          <li key={entry.ID} data-testid="suspension" data-suspension-id={entry.ID}>
            <span className="suspension-what">
              {entry.Kind} <strong>{entry.Value}</strong>
              {entry.Auto && <span className="row-flag">automatic</span>}
            </span>
            <span className="suspension-reason">{entry.Reason}</span>
            <span className="suspension-actions">
              <button
                type="button"
                className="toolbar-button"
                data-testid="unsuspend"
                onClick={() => act(api.unsuspend(entry.ID, false))}
              >
                Lift
              </button>
              <button
                type="button"
                className="toolbar-button"
                data-testid="unsuspend-release"
                title="Lift, and send on the mail it held"
                onClick={() => act(api.unsuspend(entry.ID, true))}
              >
                Lift and release
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
