import type { EventStreamState } from '../api/client';
import type { QueuedRecipient, UpstreamPause } from '../api/pending-contract';
import { replyLine } from '../delivery/delivery-format';
import { ConnectionTest } from '../queue/ConnectionTest';

/** What stops mail right now, said once at the top with what to do about it. */
export function Banners(props: {
  pause: UpstreamPause | null;
  failing: QueuedRecipient | null;
  listenerProblems: string[];
  streamState: EventStreamState;
  onRecovered(): void;
}) {
  return (
    <div className="banners">
      {props.pause && (
        <section
          className="banner warning"
          role="alert"
          aria-label="Relay paused"
          data-testid="paused-banner"
        >
          <p>
            <strong>Relaying is paused:</strong> {props.pause.reason}. {props.pause.fix}
          </p>
          <ConnectionTest onPassed={props.onRecovered} />
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
