import { onScreen } from '../../api/contract';
import type { AsyncValue } from '../../use-async-value';
import type { SpamCheck } from './check-results';

/** The SpamAssassin score and every rule that fired, or why spamd is not available. */
export function SpamCheckPanel({
  check,
  onAskAgain,
}: {
  check: AsyncValue<SpamCheck>;
  onAskAgain: () => void;
}) {
  // spamd busy, stopped or just configured answers later: the tab kept its first "not
  // available" until another message was opened and this one again
  const askAgain = (
    <p className="body-notice">
      <button type="button" data-testid="spam-check-again" onClick={onAskAgain}>
        Ask SpamAssassin again
      </button>
    </p>
  );
  if (check.status === 'loading') return <p className="body-notice">Asking SpamAssassin…</p>;
  if (check.status === 'failed') {
    return (
      <>
        <p className="body-notice error" role="alert">
          {check.error}
        </p>
        {askAgain}
      </>
    );
  }
  const result = check.value;
  if (result.Error) {
    return (
      <>
        <p className="body-notice" role="status" data-testid="spam-check-notice">
          {/* the core names spamd's setting as the command line does; here, as the screen does */}
          {onScreen(result.Error)}
        </p>
        {askAgain}
      </>
    );
  }
  return (
    <section className="check-panel" data-testid="spam-check">
      <p className="check-summary" data-testid="spam-check-score">
        Score <strong>{result.Score}</strong> of {result.Threshold} needed to be spam:{' '}
        <span className={result.IsSpam ? 'error' : 'check-ok'}>
          {result.IsSpam ? 'spam' : 'not spam'}
        </span>
      </p>
      <table className="headers-table check-table spam-rules">
        <thead>
          <tr>
            <th scope="col">Points</th>
            <th scope="col">Rule</th>
          </tr>
        </thead>
        <tbody>
          {(result.Rules ?? []).map((rule) => (
            <tr key={rule.Name} data-testid="spam-rule">
              <th scope="row">{rule.Score}</th>
              <td>
                <code>{rule.Name}</code> {rule.Description}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
