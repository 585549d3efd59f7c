import type { ReactNode } from 'react';
import type { RouteAnalysis } from '../api/contract';
import { formatFullDate } from '../format/mail-format';
import {
  authTone,
  delayBars,
  hopClient,
  hopWarnings,
  humanDelay,
  ipScopeLabel,
  tlsLabel,
} from './route-format';

function AuthBadges({ route }: { route: RouteAnalysis }) {
  if (route.authentication.length === 0) {
    return <p className="route-note">No Authentication-Results in the headers.</p>;
  }
  return (
    <ul className="auth-badges" aria-label="Authentication results">
      {route.authentication.map((result, index) => (
        <li
          key={`${result.header}-${result.fieldIndex}-${result.method}-${index}`}
          className={`auth-badge auth-${authTone(result.result)}`}
          data-testid="auth-badge"
          title={[result.authservId, result.reason, result.comment].filter(Boolean).join(' · ')}
        >
          {result.method.toUpperCase()} {result.result}
        </li>
      ))}
    </ul>
  );
}

/** The Received chain as a vertical timeline, oldest hop first, delays drawn to scale. */
export function RouteTimeline({ route, check }: { route: RouteAnalysis; check?: ReactNode }) {
  const bars = delayBars(route.hops);
  const general = route.warnings.filter((w) => w.hop === undefined);
  return (
    <section className="route" data-testid="route-view" aria-label="Route">
      {check}
      <AuthBadges route={route} />
      <p className="route-summary">
        {route.hops.length} {route.hops.length === 1 ? 'hop' : 'hops'}
        {route.totalSeconds !== null && `, ${humanDelay(route.totalSeconds)} from first to last`}
      </p>
      {general.map((warning) => (
        <p key={warning.code + warning.message} className="route-warning" role="note">
          {warning.message}
        </p>
      ))}
      {route.hops.length === 0 && (
        <p className="route-note">No Received headers: the message never passed a mail server.</p>
      )}
      <ol className="hops" aria-label="Hops, oldest first">
        {route.hops.map((hop, index) => {
          const slowest = route.slowestHop === index;
          const warnings = hopWarnings(route, index);
          return (
            <li
              key={index}
              className={`hop${slowest ? ' slowest' : ''}${hop.skew ? ' skew' : ''}${hop.broken ? ' broken' : ''}`}
              data-testid="hop"
              data-slowest={slowest}
            >
              <div className="hop-delay">
                {hop.delaySeconds !== null && index > 0 && (
                  <>
                    <span className="hop-bar" style={{ width: `${bars[index]}%` }} />
                    <span data-testid="hop-delay">
                      {hop.delaySeconds < 0
                        ? `${humanDelay(hop.delaySeconds)} earlier (clock skew)`
                        : `+${humanDelay(hop.delaySeconds)}`}
                      {slowest && <strong className="slowest-label"> slowest hop</strong>}
                    </span>
                  </>
                )}
              </div>
              <div className="hop-card">
                <p className="hop-title">
                  <span className="hop-number">Hop {index + 1}</span> {hopClient(hop)}
                  {' → '}
                  <span data-testid="hop-by">{hop.by ?? 'unknown server'}</span>
                </p>
                <dl className="hop-facts">
                  {ipScopeLabel(hop) && (
                    <div>
                      <dt>IP</dt>
                      <dd>{ipScopeLabel(hop)}</dd>
                    </div>
                  )}
                  <div>
                    <dt>Protocol</dt>
                    <dd>
                      {hop.with ?? 'unknown'}
                      {hop.authenticated && ', authenticated'}
                    </dd>
                  </div>
                  <div>
                    <dt>TLS</dt>
                    <dd>{tlsLabel(hop)}</dd>
                  </div>
                  {hop.id && (
                    <div>
                      <dt>ID</dt>
                      <dd>{hop.id}</dd>
                    </div>
                  )}
                  {hop.for && (
                    <div>
                      <dt>For</dt>
                      <dd>{hop.for}</dd>
                    </div>
                  )}
                  <div>
                    <dt>Time</dt>
                    <dd>{hop.timestamp ? formatFullDate(hop.timestamp) : 'no date'}</dd>
                  </div>
                </dl>
                {warnings.map((message) => (
                  <p key={message} className="route-warning" role="note">
                    {message}
                  </p>
                ))}
                {!hop.parsed && <pre className="hop-raw">{hop.raw}</pre>}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
