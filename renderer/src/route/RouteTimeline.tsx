import type { ReactNode } from 'react';
import type { RouteAnalysis } from '../api/contract';
import { formatFullDate } from '../format/mail-format';
import {
  authGroups,
  authSubject,
  authTone,
  clientCheckLabel,
  dateLineWarnings,
  delayBars,
  hopClient,
  hopCountText,
  hopReceiver,
  hopWarnings,
  hopWrittenTime,
  humanDelay,
  internalStepNote,
  ipScopeLabel,
  localInvocation,
  localSubmitter,
  originHop,
  queueNote,
  routeSpanText,
  sentOnFromMailbox,
  slowestLabel,
  tlsLabel,
  uncountedDelay,
  verifiedClientsText,
} from './route-format';

function AuthBadges({ route }: { route: RouteAnalysis }) {
  if (route.authentication.length === 0) {
    return <p className="route-note">No Authentication-Results in the headers.</p>;
  }
  return (
    <div className="auth-results">
      {authGroups(route.authentication).map((group) => (
        <div key={group.key} className="auth-group" data-testid="auth-group">
          <p className="auth-source">{group.title}</p>
          <ul className="auth-badges" aria-label={group.title}>
            {group.results.map((result, index) => {
              const subject = authSubject(result);
              return (
                <li
                  key={`${result.method}-${index}`}
                  className={`auth-badge auth-${authTone(result.result)}`}
                  data-testid="auth-badge"
                  title={[result.reason, result.comment].filter(Boolean).join(' · ')}
                >
                  {result.method.toUpperCase()} {result.result}
                  {subject && <span className="auth-reason"> {subject}</span>}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </div>
  );
}

/**
 * The originating client, then the path: `203.0.113.9 (from 10.0.0.5) via 192.0.2.1`: what the
 * proxies wrote left of the client is its own network, what they wrote right of it the proxies.
 */
function forwardedText(origin: RouteAnalysis['origin']): string {
  const path = origin.xForwardedFor ?? [];
  const client = origin.xForwardedForClient;
  const at = client === null ? -1 : path.indexOf(client);
  if (client === null || at < 0) return path.join(', ');
  const behind = path.slice(0, at);
  const via = path.slice(at + 1);
  return (
    client +
    (behind.length ? ` (from ${behind.join(', ')})` : '') +
    (via.length ? ` via ${via.join(', ')}` : '')
  );
}

/** What the headers other than Received say of the sender, where they say anything. */
function OriginFacts({ route }: { route: RouteAnalysis }) {
  const { origin } = route;
  const signers = origin.dkimSignatures
    .filter((signature) => signature.domain)
    .map((signature) =>
      signature.selector ? `${signature.domain} (${signature.selector})` : signature.domain,
    );
  const facts: [string, string][] = [];
  if (origin.returnPath !== null) facts.push(['Return-Path', origin.returnPath || '<> (a bounce)']);
  if (origin.xOriginatingIp) facts.push(['X-Originating-IP', origin.xOriginatingIp]);
  if (origin.xForwardedFor) facts.push(['X-Forwarded-For', forwardedText(origin)]);
  if (signers.length) facts.push(['DKIM-Signature', signers.join(', ')]);
  if (facts.length === 0) return null;
  return (
    <dl className="hop-facts route-origin" data-testid="route-origin">
      {facts.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The Received chain as a vertical timeline, oldest hop first, delays drawn to scale. */
export function RouteTimeline({ route, check }: { route: RouteAnalysis; check?: ReactNode }) {
  const uncounted = route.hops.map((_, index) => uncountedDelay(route, index));
  const bars = delayBars(route.hops, uncounted);
  const origin = originHop(route.hops, route.warnings);
  // the Date line shows its own finding, so it is not said twice
  const general = route.warnings.filter(
    (w) => w.hop === undefined && !dateLineWarnings.includes(w.code),
  );
  const verdict = verifiedClientsText(route);
  const submission = route.dateToFirstHop;
  if (route.hops.length === 0) {
    // no Received field: the sentence saying so (and where the whole header is) is all there is
    // to read; "0 hops" and "No Authentication-Results" above a pasted Subject or body read as
    // findings about a message
    return (
      <section className="route" data-testid="route-view" aria-label="Route">
        {check}
        {route.authentication.length > 0 && <AuthBadges route={route} />}
        {general.map((warning) => (
          <p key={warning.code + warning.message} className="route-warning" role="note">
            {warning.message}
          </p>
        ))}
        {!general.some((w) => w.code === 'no-received') && (
          <p className="route-note">No Received headers: the message never passed a mail server.</p>
        )}
      </section>
    );
  }
  return (
    <section className="route" data-testid="route-view" aria-label="Route">
      {check}
      <AuthBadges route={route} />
      <OriginFacts route={route} />
      <p className="route-summary">
        {hopCountText(route.hops)}
        {routeSpanText(route)}
        {verdict && (
          <>
            {'. '}
            <span data-testid="route-verified">{verdict}</span>
          </>
        )}
      </p>
      {general.map((warning) => (
        <p key={warning.code + warning.message} className="route-warning" role="note">
          {warning.message}
        </p>
      ))}
      <ol className="hops" aria-label="Hops, oldest first">
        {submission && (
          // before the first hop: how long the sender's program took to hand the message over
          <li
            className={`hop hop-submission hop-submission-${submission.kind}`}
            data-testid="date-to-first-hop"
            data-kind={submission.kind}
          >
            <p
              className={submission.kind === 'submission' ? 'submission-line' : 'route-warning'}
              role={submission.kind === 'submission' ? undefined : 'note'}
              title={`Date: ${formatFullDate(submission.date)} (your time)`}
            >
              {submission.message}
            </p>
          </li>
        )}
        {route.hops.map((hop, index) => {
          const slowest = route.slowestHop === index;
          const tie = slowestLabel(route, index);
          const check = clientCheckLabel(hop);
          const queued = queueNote(hop);
          const invoked = localInvocation(hop);
          const step = internalStepNote(hop, sentOnFromMailbox(route, index));
          const unverified =
            queued === null &&
            step === null &&
            (hop.clientCheck === 'claimed' || hop.clientCheck === 'none');
          const warnings = hopWarnings(route, index);
          return (
            <li
              key={index}
              className={`hop${slowest ? ' slowest' : ''}${hop.skew ? ' skew' : ''}${hop.broken ? ' broken' : ''}`}
              data-testid="hop"
              data-slowest={slowest}
              data-client-check={hop.clientCheck}
            >
              <div className="hop-delay">
                {hop.delaySeconds !== null && index > 0 && (
                  <>
                    {!uncounted[index] && (
                      <span className="hop-bar" style={{ width: `${bars[index]}%` }} />
                    )}
                    <span
                      data-testid="hop-delay"
                      className={uncounted[index] ? 'hop-delay-uncounted' : undefined}
                    >
                      {hop.delaySeconds < 0
                        ? `${humanDelay(hop.delaySeconds)} earlier (clock skew)`
                        : `+${humanDelay(hop.delaySeconds)}`}
                      {uncounted[index] && (
                        <span className="uncounted-label">, {uncounted[index]}</span>
                      )}
                      {tie && (
                        <strong className={slowest ? 'slowest-label' : 'tied-label'}> {tie}</strong>
                      )}
                    </span>
                  </>
                )}
              </div>
              <div className="hop-card">
                {queued !== null ? (
                  <p className="hop-title" data-testid="hop-queue-note">
                    <span className="hop-number">Hop {index + 1}</span> queued on{' '}
                    {route.hops[index - 1]?.by ?? 'the qmail server'} (qmail {queued} invoked from
                    network): the server’s note that it took the message in, not a hand-over
                  </p>
                ) : invoked !== null ? (
                  // qmail-inject names no host: it is the one that stamped the hop above
                  <p className="hop-title" data-testid="hop-local-submission">
                    <span className="hop-number">Hop {index + 1}</span> local submission by{' '}
                    {localSubmitter(route.hops, index)} (qmail {invoked.process} invoked by{' '}
                    {invoked.user})
                  </p>
                ) : (
                  <p className="hop-title">
                    <span className="hop-number">Hop {index + 1}</span> {hopClient(hop)}
                    {unverified && (
                      <>
                        {' '}
                        <span className="hop-unverified" data-testid="hop-unverified">
                          unverified
                        </span>
                      </>
                    )}
                    {step && (
                      <>
                        {' '}
                        <span className="hop-internal" data-testid="hop-internal">
                          {step.badge}
                        </span>
                      </>
                    )}
                    {' → '}
                    <span data-testid="hop-by">{hopReceiver(hop)}</span>
                  </p>
                )}
                {step && (
                  <p className="hop-step" data-testid="hop-step">
                    {step.sentence}
                  </p>
                )}
                {origin?.index === index && (
                  <p className="hop-origin" data-testid="hop-origin">
                    {origin.gap === 'helo'
                      ? `Origin: ${hop.fromIp}, as ${hop.by ?? 'its receiver'} saw it; the ` +
                        'hops below it were checked by no receiver (the sender’s claim).'
                      : origin.afterGap
                        ? `Origin: the first hop from an Internet address (${hop.fromIp}) after ` +
                          'the gap no queue explains; the hops before it are not counted.'
                        : index === 0
                          ? `Origin: the message entered the Internet here, from ${hop.fromIp}.`
                          : `Origin: the first hop from an Internet address (${hop.fromIp}); the ` +
                            (index === 1
                              ? 'hop before it names no address or a private one.'
                              : `${index} hops before it name no address or a private one.`)}
                  </p>
                )}
                <dl className="hop-facts">
                  {check && (
                    <div>
                      <dt>Client</dt>
                      <dd data-testid="hop-client-check">{check}</dd>
                    </div>
                  )}
                  {ipScopeLabel(hop) && (
                    <div>
                      <dt>IP</dt>
                      <dd>{ipScopeLabel(hop)}</dd>
                    </div>
                  )}
                  {/* a stamp written on its host with no protocol (a report the host wrote, a
                      program's submission) crossed no network: "unknown" protocol and TLS read
                      as if something had been hidden */}
                  {hop.local && hop.with === null && !hop.tls ? (
                    <div>
                      <dt>Protocol</dt>
                      <dd data-testid="hop-no-network">
                        none: on{' '}
                        {/* a program's step is on the machine it ran on, not on its own name */}
                        {hop.internalStep?.kind === 'same-machine'
                          ? hop.internalStep.host
                          : (hop.by ?? 'its host')}{' '}
                        itself, no network
                      </dd>
                    </div>
                  ) : (
                    <>
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
                    </>
                  )}
                  {/* how the host handed it on when no protocol did: majordomo's list expansion
                      stamps `by lists.example.net via listexpand` */}
                  {hop.via && (
                    <div>
                      <dt>Via</dt>
                      <dd data-testid="hop-via">{hop.via}</dd>
                    </div>
                  )}
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
                    <dd
                      data-testid="hop-time"
                      title={
                        hop.timestamp ? `Your time: ${formatFullDate(hop.timestamp)}` : undefined
                      }
                    >
                      {hopWrittenTime(hop) ?? 'no date'}
                    </dd>
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
