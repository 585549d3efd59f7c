import { useState } from 'react';
import { onScreen } from '../../api/contract';
import type { LinkCheckState } from './use-message-checks';

/**
 * Checks the links only when asked: each check is a request to the sender's servers (HEAD, which
 * does not use up one-time links). The answer is the open message's (useMessageChecks), kept while
 * another tab is looked at.
 */
export function LinkCheckPanel({
  state,
  onCheck,
}: {
  state: LinkCheckState;
  onCheck(follow: boolean): void;
}) {
  const [follow, setFollow] = useState(false);
  const run = () => onCheck(follow);
  return (
    <section className="check-panel" data-testid="link-check">
      <div className="check-actions">
        <button
          type="button"
          onClick={run}
          disabled={state.status === 'checking'}
          data-testid="link-check-run"
        >
          {state.status === 'checking' ? 'Checking…' : 'Check links'}
        </button>
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} />{' '}
          Follow redirects
        </label>
      </div>
      {state.status === 'idle' && (
        // Mailpit says what its check will do before it is run; a bare button left it to guess
        // whose servers would be asked, and whether a one-time link could be used up
        <p className="check-note" data-testid="link-check-about">
          Asks the server of each link and image in the text and HTML (up to 100) for its HTTP
          status, from this machine, with a HEAD request: it does not use up a one-time link. Those
          servers see the requests. Links to this machine and private networks are asked only when
          Settings → Checks &amp; POP3 allows it.
        </p>
      )}
      {state.status === 'failed' && (
        <p className="body-notice error" role="alert">
          {state.error}
        </p>
      )}
      {state.status === 'done' && (
        <>
          <p className="check-summary" data-testid="link-check-summary">
            {state.result.Links.length} link{state.result.Links.length === 1 ? '' : 's'},{' '}
            {state.result.Errors} with errors
          </p>
          <table className="headers-table check-table">
            <thead>
              <tr>
                <th scope="col">Status</th>
                <th scope="col">Link</th>
              </tr>
            </thead>
            <tbody>
              {state.result.Links.map((link) => (
                <tr key={link.URL} data-testid="link-check-row">
                  <th
                    scope="row"
                    className={link.StatusCode === 0 || link.StatusCode >= 400 ? 'error' : ''}
                  >
                    {link.StatusCode || '—'}{' '}
                    <span className="check-status-words">
                      {/* the core names its setting as the command line does */}
                      {onScreen(link.Status)}
                    </span>
                  </th>
                  <td>{link.URL}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
