import type { EventStreamState } from '../api/client';
import type {
  ListenerProblemView,
  ListenerStatusView,
  QueuedRecipient,
  ScannerDownView,
  UpstreamPauseView,
} from '../api/contract';
import { useOnScreen } from '../settings/pinned-settings-context';
import { replyLine } from '../delivery/delivery-format';
import { useState, type ReactNode } from 'react';
import { ConnectionTestPanel } from '../settings/ConnectionTestPanel';

/**
 * "paused by hand" → "Paused by hand." The core's words name settings as flags and settings-file
 * keys; here they name the Settings screen's boxes.
 */
function sentence(text: string, onScreen: (text: string) => string): string {
  const trimmed = onScreen(text).trim();
  if (trimmed === '') return '';
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** What stops mail right now, said once at the top with what to do about it. */
export function Banners(props: {
  pause: Pick<UpstreamPauseView, 'reason' | 'fix'> | null;
  failing: QueuedRecipient | null;
  /** Listeners that could not start (a port taken…), each with its reason and fix. */
  listenerProblems: ListenerStatusView[];
  /** The disk holding the data folder is full: new mail is refused. */
  diskFull: ListenerProblemView | null;
  /** clamd does not answer: new mail gets 451 (or is taken unscanned) until it does. */
  scannerDown: ScannerDownView | null;
  onOpenListenerSettings(): void;
  onOpenFilterSettings(): void;
  streamState: EventStreamState;
  onRecovered(): void;
}) {
  // A passing test lifts the pause, and the server may say so before the test's answer arrives:
  // once the user works in the banner it stays (saying relaying resumed) until dismissed, so the
  // steps of the test are not taken away from under them.
  const [kept, setKept] = useState(false);
  const onScreen = useOnScreen();
  return (
    <div className="banners">
      {(props.pause || kept) && (
        <section
          className={`banner ${props.pause ? 'warning' : 'info'}`}
          role={props.pause ? 'alert' : 'status'}
          aria-label={props.pause ? 'Relay paused' : 'Relay resumed'}
          data-testid="paused-banner"
          onClickCapture={() => setKept(true)}
        >
          <p>
            {props.pause ? (
              <>
                <strong>Relaying is paused:</strong> {sentence(props.pause.reason, onScreen)}{' '}
                {sentence(props.pause.fix, onScreen)}
              </>
            ) : (
              <strong>Relaying has resumed.</strong>
            )}
          </p>
          <ConnectionTestPanel onPassed={props.onRecovered} label="Test the paused upstream" />
          {!props.pause && (
            <button type="button" onClick={() => setKept(false)}>
              Dismiss
            </button>
          )}
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
            {props.failing.lastReply
              ? replyLine(props.failing.lastReply)
              : onScreen(props.failing.why)}
            ). It is retried by itself; check the upstream in Settings.
          </p>
        </section>
      )}
      {props.listenerProblems.map((failed) => {
        const name = failed.listener.toUpperCase();
        return (
          <section
            key={failed.listener}
            className="banner error"
            role="alert"
            aria-label={`${name} could not start`}
            data-testid="listener-banner"
          >
            <p>
              <strong>{name} is not receiving:</strong>{' '}
              {failed.problem ? sentence(failed.problem.reason, onScreen) : ''}{' '}
              {failed.problem ? sentence(failed.problem.fix, onScreen) : ''}
            </p>
            {(failed.listener === 'smtp' || failed.listener === 'smtps') && (
              <button type="button" onClick={props.onOpenListenerSettings}>
                Open Settings → Listener
              </button>
            )}
          </section>
        );
      })}
      {props.diskFull && (
        <ProblemBanner
          // a file size limit refuses only mail that large, on a disk with room
          label={props.diskFull.code === 'EFBIG' ? 'File size limit reached' : 'Disk full'}
          testId="disk-full-banner"
          lead={
            props.diskFull.code === 'EFBIG'
              ? 'Mail too large to store is refused:'
              : 'New mail is refused:'
          }
          problem={props.diskFull}
          onScreen={onScreen}
        />
      )}
      {props.scannerDown && (
        <ProblemBanner
          label="Virus scanner not answering"
          testId="scanner-down-banner"
          lead="The virus scanner is not answering:"
          problem={props.scannerDown}
          onScreen={onScreen}
          // mail taken unscanned (clamdUnavailable accept) is not refused: a warning, not the
          // error red of mail turned away (an older relay without the field: as before)
          tone={props.scannerDown.refusesMail === false ? 'warning' : 'error'}
        >
          <button type="button" onClick={props.onOpenFilterSettings}>
            Open Settings → Filtering &amp; senders
          </button>
        </ProblemBanner>
      )}
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

/**
 * A problem that stops new mail (the disk, the virus scanner), or lets it in with something
 * missing (mail taken unscanned): what, why, the fix, and a way there.
 */
function ProblemBanner(props: {
  label: string;
  testId: string;
  lead: string;
  problem: ListenerProblemView;
  onScreen(text: string): string;
  /** error: new mail is refused; warning: it is taken, with something missing. */
  tone?: 'error' | 'warning';
  children?: ReactNode;
}) {
  return (
    <section
      className={`banner ${props.tone ?? 'error'}`}
      // mail turned away interrupts a screen reader; mail taken unscanned waits its turn, as the
      // paused banner does
      role={props.tone === 'warning' ? 'status' : 'alert'}
      aria-label={props.label}
      data-testid={props.testId}
    >
      <p>
        <strong>{props.lead}</strong> {sentence(props.problem.reason, props.onScreen)}{' '}
        {sentence(props.problem.fix, props.onScreen)}
      </p>
      {props.children}
    </section>
  );
}
