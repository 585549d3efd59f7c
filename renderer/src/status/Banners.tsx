import type { EventStreamState } from '../api/client';
import type { ConnectionTestView, QueuedRecipient, UpstreamPauseView } from '../api/contract';
import { replyLine } from '../delivery/delivery-format';
import { useState } from 'react';
import { ConnectionTest, TestSteps } from '../queue/ConnectionTest';

/** "paused by hand" → "Paused by hand." */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** What stops mail right now, said once at the top with what to do about it. */
export function Banners(props: {
  pause: Pick<UpstreamPauseView, 'reason' | 'fix'> | null;
  failing: QueuedRecipient | null;
  listenerProblems: string[];
  streamState: EventStreamState;
  onRecovered(): void;
}) {
  // a passing test lifts the pause, which takes its banner away: say so, with the steps
  const [passed, setPassed] = useState<ConnectionTestView | null>(null);
  return (
    <div className="banners">
      {!props.pause && passed && (
        <section
          className="banner info"
          role="status"
          aria-label="Relay resumed"
          data-testid="resumed-banner"
        >
          <p>
            <strong>The connection test passed:</strong> relaying has resumed.
          </p>
          <TestSteps result={passed} />
          <button type="button" onClick={() => setPassed(null)}>
            Dismiss
          </button>
        </section>
      )}
      {props.pause && (
        <section
          className="banner warning"
          role="alert"
          aria-label="Relay paused"
          data-testid="paused-banner"
        >
          <p>
            <strong>Relaying is paused:</strong> {sentence(props.pause.reason)}{' '}
            {sentence(props.pause.fix)}
          </p>
          <ConnectionTest
            onPassed={(result) => {
              setPassed(result);
              props.onRecovered();
            }}
          />
        </section>
      )}
      {!props.pause && props.failing && (
        <section
          className="banner warning"
          role="alert"
          aria-label="Upstream failing"
          data-testid="failing-banner"
        >
          <p>
            <strong>The upstream is not answering:</strong> mail to {props.failing.deliverTo} is
            deferred (
            {props.failing.lastReply ? replyLine(props.failing.lastReply) : props.failing.why}). It
            is retried by itself; check the upstream in Settings.
          </p>
        </section>
      )}
      {props.listenerProblems.map((problem) => (
        <section key={problem} className="banner error" role="alert" aria-label="Listener problem">
          <p>
            <strong>A listener could not start:</strong> {problem}
          </p>
        </section>
      ))}
      {props.streamState === 'reconnecting' && (
        <section className="banner info" role="status" data-testid="reconnecting-banner">
          <p>
            Lost the connection to Relaydesk; reconnecting by itself. New mail shows once it is
            back.
          </p>
        </section>
      )}
    </div>
  );
}
