import { useEffect, useRef, useState } from 'react';
import { useApi } from '../api/api-context';
import type {
  DeliveryHandAction,
  QueuedMessage,
  QueuedRecipient,
  QueueView as QueueData,
  RateLimitedView,
  UpstreamPauseView,
} from '../api/contract';
import { rateLimitWords, sentByLiftedPause } from '../api/contract';
import { useOnScreen } from '../settings/pinned-settings-context';
import { formatFullDate, shownSubject } from '../format/mail-format';
import {
  handActionButtons,
  handActionWithout,
  runQueueAction,
  type QueueAction,
} from './queue-actions';
import { groupCount, groupQueue, lastReplyNote, nextTry, rateLimitedTry } from './queue-groups';
import { relativeTime } from '../delivery/delivery-format';
import { useTickingNow } from './use-ticking-now';
import { heldMessages, messageCount } from './held-mail';
import { HeldMailConfirm } from './HeldMailConfirm';
import { CancelDeliveryConfirm } from './CancelDeliveryConfirm';
import { serverWords } from '../api/http-transport';
import { focusLanding } from '../layout/focus-landing';

/** A queue entry's buttons: Release in place of Hold while the recipient is held. */
function entryActions(held: boolean): DeliveryHandAction[] {
  return ['retry', held ? 'release' : 'hold', 'cancel'];
}

/**
 * An entry's button acts on its message, as Postfix's postsuper -h and -d act on a queue file:
 * with several recipients listed as entries of their own, Hold on bob's row held alice and carol
 * too, and said only "Hold: done.". The button's tooltip and the answer say so.
 */
function wholeMessage(message: QueuedMessage): string | null {
  const n = message.recipients.length;
  return n > 1 ? `all ${n} recipients of "${shownSubject(message.Subject)}"` : null;
}

/** When a queue entry is tried next, then how many attempts it has had. */
function NextTry({
  recipient,
  paused,
  rateLimited,
  now,
  unset,
}: {
  recipient: QueuedRecipient;
  paused: UpstreamPauseView | null;
  rateLimited: RateLimitedView | null;
  now: number;
  /** No upstream is set up: nothing is tried, whatever retry time the mail kept. */
  unset: boolean;
}) {
  const next =
    unset && recipient.state !== 'held'
      ? { text: 'waits for an upstream to be set up', at: null }
      : (rateLimitedTry(recipient, rateLimited, now) ?? nextTry(recipient, paused, now));
  const attempts = `${recipient.attempts} ${recipient.attempts === 1 ? 'attempt' : 'attempts'}`;
  return (
    <span className="queue-next">
      <span data-testid="queue-next" title={next.at ? formatFullDate(next.at) : undefined}>
        {next.text}
      </span>
      {/* an entry being sent has no next try: no separator before nothing */}
      {next.text ? ` · ${attempts}` : attempts}
    </span>
  );
}

/**
 * What a retry did: the mail is due now, not "done" (its attempt may fail again, or wait for the
 * rate limit, whose notice the view shows below).
 */
function retryWords(
  label: string,
  all: boolean,
  changed: number,
  rateLimited: RateLimitedView | null,
  lifted = 0,
): string {
  // the pause a failure set is lifted too: what waited for the upstream goes with the rest
  const waited = `${messageCount(lifted)} waiting for the upstream`;
  if (all && changed === 0) {
    return lifted > 0
      ? `${label}: nothing was deferred; relaying resumed, so ${waited} ${lifted === 1 ? 'goes' : 'go'} now.`
      : `${label}: nothing was deferred.`;
  }
  const due = all
    ? `${messageCount(changed)} due now${lifted > 0 ? `, and ${waited}` : ''}`
    : 'due now';
  if (!rateLimited) return `${label}: ${due}.`;
  return `${label}: ${due}; the rate limit holds ${all && changed > 1 ? 'them' : 'it'} back (see below).`;
}

/** Everything not final, grouped by state: why it waits and when it is tried next. */
export function QueueView(props: {
  queue: QueueData | null;
  error: string | null;
  onChanged(): void;
  onOpenMessage(id: string): void;
  /** Shows the Quarantine view, where the mail the filter holds is listed. */
  onShowQuarantine(): void;
}) {
  const api = useApi();
  const onScreen = useOnScreen();
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmCancelHeld, setConfirmCancelHeld] = useState(false);
  // the entry whose Cancel asks first: it cannot be undone (the message is never delivered)
  const [cancelling, setCancelling] = useState<{
    message: QueuedMessage;
    from: { key: string; index: number };
  } | null>(null);
  const view = useRef<HTMLElement>(null);
  // The entry whose button was pressed, by key and place: Cancel takes its row away and Hold
  // moves it to another group, and the focus would fall to the page with the button.
  const acted = useRef<{ key: string; index: number } | null>(null);
  useEffect(() => {
    const from = acted.current;
    const section = view.current;
    if (!from || !section || section.contains(document.activeElement)) return;
    const entries = [...section.querySelectorAll<HTMLElement>('[data-testid="queue-entry"]')];
    const entry =
      entries.find((e) => e.dataset.key === from.key) ??
      entries[Math.min(from.index, entries.length - 1)];
    const target = entry
      ? entry.querySelector<HTMLElement>('.queue-actions button:not(:disabled)')
      : section.querySelector<HTMLElement>('#queue-title');
    // every button of the entry off for now (Retry now made it due: an attempt is under way):
    // the next update, when the attempt ends, gives the focus back; focusing a disabled button
    // left it on the page for good
    if (!target) return;
    acted.current = null;
    target.focus();
  }, [props.queue]);
  const rateLimited = props.queue?.rateLimited ?? null;
  const act = async (
    action: QueueAction,
    ids: string[],
    label: string,
    /** The one message acted on from its entry: named when it has other recipients. */
    message?: QueuedMessage,
  ) => {
    // emptied first, so the same words again ("Hold: done.") are a change the region reads out
    setNotice(null);
    try {
      const before = props.queue;
      const changed = await runQueueAction(api, action, ids);
      const lifted = action === 'retry' && before ? sentByLiftedPause(before, changed) : 0;
      setNotice(
        action === 'retry'
          ? retryWords(label, ids.length === 0, changed.length, rateLimited, lifted)
          : `${label}: done${message && wholeMessage(message) ? `, for ${wholeMessage(message)}` : ''}.`,
      );
    } catch (failure) {
      setNotice(`${label} failed: ${serverWords(failure)}`);
    }
    props.onChanged();
  };
  const paused = props.queue?.upstream.paused ?? null;
  const held = heldMessages(props.queue);
  const groups = props.queue ? groupQueue(props.queue) : [];
  const now = useTickingNow([
    paused?.nextProbeAt,
    rateLimited?.until,
    ...groups.flatMap((g) => g.entries.map((e) => e.recipient.nextAttemptAt)),
  ]);
  return (
    <section
      ref={view}
      className="queue-view"
      aria-labelledby="queue-title"
      data-testid="queue-view"
    >
      <header className="view-header">
        {/* takes the focus when the last entry acted on leaves the queue */}
        <h2 id="queue-title" {...focusLanding}>
          Queue
        </h2>
        {props.queue?.upstream.configured && (
          <button
            type="button"
            onClick={async () => {
              try {
                if (paused) await api.resumeUpstream();
                else await api.pauseUpstream();
                setNotice(paused ? 'Relaying resumed.' : 'Relaying paused.');
              } catch (failure) {
                setNotice(serverWords(failure));
              }
              props.onChanged();
            }}
          >
            {paused ? 'Resume upstream' : 'Pause upstream'}
          </button>
        )}
        <button type="button" onClick={() => void act('retry', [], 'Retry all deferred')}>
          Retry all deferred
        </button>
        {held.length > 0 && (
          <button
            type="button"
            data-testid="cancel-all-held"
            onClick={() => setConfirmCancelHeld(true)}
          >
            Cancel all held…
          </button>
        )}
      </header>
      {confirmCancelHeld && held.length > 0 && (
        <HeldMailConfirm
          title={`Cancel ${messageCount(held.length)} held in the queue?`}
          messages={held}
          confirmLabel={`Cancel ${messageCount(held.length)}`}
          testId="cancel-held-dialog"
          onKeep={() => setConfirmCancelHeld(false)}
          onConfirm={async () => {
            const { IDs } = await api.cancelHeld();
            setConfirmCancelHeld(false);
            setNotice(`${messageCount(IDs.length)} cancelled: never sent, kept in the mail list.`);
            props.onChanged();
          }}
        >
          <p>
            Their held recipients are cancelled and never tried again (postsuper -d ALL hold). The
            messages stay in the mail list with their delivery record; Resend sends one again.
          </p>
        </HeldMailConfirm>
      )}
      {cancelling && (
        <CancelDeliveryConfirm
          messages={[
            { subject: cancelling.message.Subject, recipients: cancelling.message.recipients },
          ]}
          onKeep={() => setCancelling(null)}
          onConfirm={() => {
            acted.current = cancelling.from;
            setCancelling(null);
            void act(
              'cancel',
              [cancelling.message.ID],
              handActionButtons.cancel.label,
              cancelling.message,
            );
          }}
        />
      )}
      {/* always in the page, so a screen reader hears what the first action did (a status
          region added with its words is not read out) */}
      <p className={notice ? 'body-notice' : undefined} role="status" data-testid="queue-notice">
        {notice}
      </p>
      {props.error && (
        <p className="body-notice error" role="alert">
          {props.error}
        </p>
      )}
      {/* mail queued while an upstream was set (or by an earlier run's flags) stays: the queue
          does not run without one, so say that it waits, not that nothing does */}
      {props.queue && !props.queue.upstream.configured && (
        <p className="body-notice" data-testid="queue-no-upstream">
          {groups.length === 0 ? (
            'No upstream is set up, so every message is captured and nothing waits here. Set one in Settings → Upstream to relay mail.'
          ) : (
            <>
              No upstream is set up: the mail below is not sent, nor given up on, until one is set
              in <a href="#settings">Settings → Upstream</a>; then it goes by itself. New mail is
              not relayed meanwhile.
            </>
          )}
        </p>
      )}
      {props.queue && groups.length === 0 && (
        <p className="body-notice" data-testid="queue-empty">
          Nothing is waiting: every message has reached its final state.
        </p>
      )}
      {/* held by the filter, in no delivery list: said once, quietly, as mailq shows its hold
          queue beside the rest (the listing's own line in relaydesk queue) */}
      {props.queue && props.queue.quarantined > 0 && (
        <p className="body-notice" data-testid="queue-quarantined">
          {props.queue.quarantined === 1
            ? '1 message is'
            : `${props.queue.quarantined} messages are`}{' '}
          held in the quarantine, not sent unless released.{' '}
          <button type="button" className="link-button" onClick={props.onShowQuarantine}>
            Show the quarantine
          </button>
        </p>
      )}
      {/* the limit is the user's own (or their provider's): say why due mail is not going out
          and when the next message goes, rather than leave it "due now" for minutes */}
      {rateLimited && (
        <p className="body-notice" data-testid="queue-rate-limited">
          The rate limit of {rateLimitWords(rateLimited)} (
          <a href="#settings">Settings → Upstream</a>) holds back what is due: the next message goes{' '}
          <span title={formatFullDate(rateLimited.until)}>
            {relativeTime(rateLimited.until, now)}
          </span>
          .
        </p>
      )}
      {groups.map((group) => (
        <section key={group.state} className="queue-group" aria-label={group.title}>
          <h3>
            {group.title} ({groupCount(group)})
          </h3>
          <ul>
            {group.entries.map(({ message, recipient }) => (
              <li
                key={`${message.ID}-${recipient.address}`}
                className="queue-entry"
                data-testid="queue-entry"
                data-state={recipient.state}
                data-address={recipient.address}
                data-key={`${message.ID}-${recipient.address}`}
              >
                <button
                  type="button"
                  className="link-button"
                  onClick={() => props.onOpenMessage(message.ID)}
                >
                  {shownSubject(message.Subject)}
                </button>
                <span className="queue-recipient">to {recipient.deliverTo}</span>
                <span className="queue-why" data-testid="queue-why">
                  {onScreen(recipient.why)}
                  {lastReplyNote(recipient)}
                </span>
                <NextTry
                  recipient={recipient}
                  paused={paused}
                  rateLimited={rateLimited}
                  now={now}
                  unset={!props.queue?.upstream.configured}
                />
                <span
                  className="queue-actions"
                  role="group"
                  aria-label={`Actions for ${message.Subject}`}
                >
                  {entryActions(recipient.state === 'held').map((action) => {
                    const { label } = handActionButtons[action];
                    const without = handActionWithout(action, recipient.state === 'held');
                    const applies = message.actions.includes(action);
                    const whole = wholeMessage(message);
                    return (
                      <button
                        key={action}
                        type="button"
                        disabled={!applies}
                        title={applies ? (whole ? `${label}: ${whole}` : undefined) : without}
                        onClick={(event) => {
                          const entry = event.currentTarget.closest<HTMLElement>('.queue-entry');
                          const all = [...(view.current?.querySelectorAll('.queue-entry') ?? [])];
                          const from = {
                            key: `${message.ID}-${recipient.address}`,
                            index: entry ? all.indexOf(entry) : 0,
                          };
                          if (action === 'cancel') {
                            setCancelling({ message, from });
                            return;
                          }
                          acted.current = from;
                          void act(action, [message.ID], label, message);
                        }}
                      >
                        {label}
                      </button>
                    );
                  })}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </section>
  );
}
