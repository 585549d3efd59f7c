import {
  Fragment,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { useApi } from '../api/api-context';
import type {
  DeliveryAttemptView,
  DeliveryHandAction,
  FilterVerdictView,
  MessageDelivery,
  RateLimitedView,
  RecipientDeliveryView,
} from '../api/contract';
import { noKeyForDomain, rateLimitWords } from '../api/contract';
import { revealSection } from '../status/reveal-section';
import { ReleaseDialog } from '../message/ReleaseDialog';
import { StatusMark } from '../mailbox/StatusMark';
import { CancelDeliveryConfirm } from '../queue/CancelDeliveryConfirm';
import {
  handActionButtons,
  handActionWithout,
  runQueueAction,
  type QueueAction,
} from '../queue/queue-actions';
import { formatAttemptTime, formatFullDate } from '../format/mail-format';
import { localTimes } from '../format/local-times';
import {
  attemptReply,
  attemptTls,
  attemptUpstream,
  dkimKeyName,
  recipientStateLabels,
  relativeTime,
  resendToLabel,
} from './delivery-format';
import { useMessageUpdates } from '../message/use-message-updates';
import { nextTry, rateLimitedTry, type NextTry } from '../queue/queue-groups';
import { useUpstreamConfigured, useUpstreamPause } from '../status/upstream-pause-context';
import { useTickingNow } from '../queue/use-ticking-now';
import { serverWords } from '../api/http-transport';
import { DeliverySummary } from './DeliverySummary';

/** `office@example.com (From: "Scanner" <office@example.com>), by senderRewrite[0] "*@printer.local"` */
function sentAsLabel(sentAs: NonNullable<DeliveryAttemptView['sentAs']>): string {
  const sender = sentAs.mailFrom === '' ? '<> (null sender)' : sentAs.mailFrom;
  return `${sender}${sentAs.from ? ` (From: ${sentAs.from})` : ''}, by ${sentAs.rule}`;
}

/**
 * A cipher name may break after its underscores (TLS_AES_256_ / GCM_SHA384): unbroken, it
 * took the width the reply asks for, and broken anywhere it read as four scraps.
 */
function cipherBreaks(text: string): ReactNode {
  const pieces = text.split('_');
  return pieces.map((piece, index) => (
    <Fragment key={index}>
      {piece}
      {index < pieces.length - 1 && (
        <>
          _<wbr />
        </>
      )}
    </Fragment>
  ));
}

/** Which DKIM key(s) signed the copy this attempt sent, as `selector._domainkey.domain`. */
function signedByLabel(attempt: DeliveryAttemptView): string {
  if (!attempt.signedBy?.length) {
    return attempt.unsignedReason ? `not signed: ${attempt.unsignedReason}` : 'not signed';
  }
  return attempt.signedBy.map((key) => `${dkimKeyName(key)} (${key.algorithm})`).join(', ');
}

/**
 * Every attempt that sent something went out unsigned because no DKIM key covers the From
 * domain: there is no key at all (the attempt gives no reason), or keys for other domains only.
 * Said once for the message: "Signed by: not signed" on every attempt repeated a non-fact. Null
 * when a key signed an attempt, or one went unsigned for a reason of its own (its key waits for
 * DNS, is turned off, could not be used), which is news on the attempt it happened to.
 */
export function unsignedForLackOfKey(
  delivery: Pick<MessageDelivery, 'recipients'>,
  fromAddress: string | null,
): { domain: string | null; keysFor: string | null } | null {
  const sent = delivery.recipients.flatMap((r) => r.attempts).filter((a) => !a.notSent);
  if (sent.length === 0) return null;
  const at = fromAddress?.lastIndexOf('@') ?? -1;
  let lack: { domain: string | null; keysFor: string | null } = {
    domain: fromAddress && at > 0 ? fromAddress.slice(at + 1) : null,
    keysFor: null,
  };
  for (const attempt of sent) {
    if (attempt.signedBy?.length) return null;
    if (attempt.unsignedReason === undefined) continue;
    const other = noKeyForDomain(attempt.unsignedReason);
    if (!other) return null;
    lack = other;
  }
  return lack;
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** Due now but held back by the rate limit: which limit, and when the next message goes. */
function rateLimitedNext(
  recipient: RecipientDeliveryView,
  rateLimited: RateLimitedView | null,
  now: number,
): NextTry | null {
  if (!rateLimited) return null;
  const held = rateLimitedTry(recipient, rateLimited, now);
  if (!held) return null;
  return {
    ...held,
    text: `${held.text} of ${rateLimitWords(rateLimited)} (Settings → Upstream): the next message goes ${relativeTime(rateLimited.until, now)}`,
  };
}

function Recipient({
  recipient,
  rateLimited,
  unsignedSaid,
}: {
  recipient: RecipientDeliveryView;
  rateLimited: RateLimitedView | null;
  /** The panel says once that no key signs this message's mail: no "Signed by" per attempt. */
  unsignedSaid: boolean;
}) {
  const pause = useUpstreamPause();
  // worded as the Queue view words it: mail waiting for an upstream that did not answer goes when
  // it answers again, which a bare retry time (up to an hour away) did not say
  const waiting = recipient.state === 'pending' || recipient.state === 'deferred';
  // "next probe in 2 min" counts down by itself, as in the Queue view
  const now = useTickingNow([pause?.nextProbeAt, recipient.nextAttemptAt, rateLimited?.until]);
  // what held it (a content rule, a suspension, a person): the Queue view says it, this did not
  const held =
    recipient.state === 'held'
      ? recipient.history.findLast((change) => change.state === 'held')?.reason
      : undefined;
  // with no upstream the queue does not run: its retry time ("due now") would never come
  const noUpstream = useUpstreamConfigured() === false;
  const next =
    waiting && noUpstream
      ? { text: 'waits for an upstream to be set up', at: null }
      : (rateLimitedNext(recipient, rateLimited, now) ??
        (waiting && (recipient.nextAttemptAt || pause) ? nextTry(recipient, pause, now) : null));
  return (
    <li
      className="recipient"
      data-testid="recipient"
      data-state={recipient.state}
      data-address={recipient.address}
    >
      {/* takes the focus when the summary above names this recipient */}
      <h3 tabIndex={-1}>
        {recipient.address}
        {recipient.deliverTo !== recipient.address && ` → ${recipient.deliverTo}`}
      </h3>
      <dl className="recipient-facts">
        <div>
          <dt>State</dt>
          <dd data-testid="recipient-state">{recipientStateLabels[recipient.state]}</dd>
        </div>
        {held && (
          <div>
            <dt>Held because</dt>
            <dd data-testid="recipient-held-reason">{localTimes(held)}</dd>
          </div>
        )}
        <div>
          <dt>Rule</dt>
          <dd>{recipient.rule}</dd>
        </div>
        {recipient.addressCheck && (
          <div>
            <dt>Address check</dt>
            <dd
              className={`address-check address-${recipient.addressCheck.verdict}`}
              data-testid="address-check"
            >
              {recipient.addressCheck.verdict}: {recipient.addressCheck.reason}
            </dd>
          </div>
        )}
        {recipient.advice && (
          <div>
            <dt>What to do</dt>
            <dd className="recipient-advice" data-testid="recipient-advice">
              <span>{capitalised(recipient.advice.detail)}.</span>{' '}
              <span>{capitalised(recipient.advice.fix)}.</span>
            </dd>
          </div>
        )}
        {next && (
          <div>
            <dt>Next attempt</dt>
            <dd data-testid="recipient-next" title={next.at ? formatFullDate(next.at) : undefined}>
              {next.text}
            </dd>
          </div>
        )}
      </dl>
      {recipient.attempts.length > 0 && (
        <div className="attempts-scroll">
          <table className="attempts" data-testid="attempts">
            <caption>Attempts for {recipient.address}</caption>
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Upstream</th>
                <th scope="col">TLS</th>
                <th scope="col" className="attempt-reply-head">
                  Reply
                </th>
                <th scope="col">Upstream queue ID</th>
              </tr>
            </thead>
            <tbody>
              {recipient.attempts.map((attempt, index) => (
                <tr key={index} data-testid="attempt">
                  <td data-label="Time" className="attempt-time">
                    <time dateTime={attempt.startedAt} title={formatFullDate(attempt.startedAt)}>
                      {formatAttemptTime(attempt.startedAt)}
                    </time>
                  </td>
                  <td data-label="Upstream">{attemptUpstream(attempt)}</td>
                  <td data-testid="attempt-tls" data-label="TLS">
                    {cipherBreaks(attemptTls(attempt))}
                  </td>
                  <td className="attempt-free-text" data-label="Reply">
                    <span data-testid="attempt-reply">{attemptReply(attempt)}</span>
                    {/* nothing was signed or said to anyone: the message could not be made */}
                    {!attempt.notSent && !unsignedSaid && (
                      <p className="attempt-signed">
                        Signed by:{' '}
                        <span data-testid="attempt-signed-by">{signedByLabel(attempt)}</span>
                      </p>
                    )}
                    {attempt.sentAs && (
                      <p className="attempt-signed" data-testid="attempt-sent-as">
                        Sent as: {sentAsLabel(attempt.sentAs)}
                      </p>
                    )}
                    {attempt.addedHeaders && (
                      <p className="attempt-signed" data-testid="attempt-added-headers">
                        Added, as the message had none: {attempt.addedHeaders.join('; ')}
                      </p>
                    )}
                    {!attempt.notSent && (
                      <details>
                        <summary>Transcript</summary>
                        <pre className="transcript" data-testid="transcript">
                          {attempt.transcript}
                        </pre>
                      </details>
                    )}
                  </td>
                  <td className="attempt-free-text" data-label="Upstream queue ID">
                    {attempt.upstreamQueueId ?? '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </li>
  );
}

/**
 * A message the filter holds is in no queue: Retry, Hold, Cancel and Resend are all refused by
 * the relay, so the view offers what does apply, the quarantine's Release… (the same confirm as
 * the filter banner's), and says when the queue's actions come back.
 */
function QuarantineActions({ messageId, onReleased }: { messageId: string; onReleased(): void }) {
  const api = useApi();
  const [verdict, setVerdict] = useState<FilterVerdictView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ask = async () => {
    setError(null);
    try {
      setVerdict((await api.messageDecisions(messageId)).Filter);
    } catch (failure) {
      setError(serverWords(failure));
    }
  };
  return (
    <div className="delivery-actions" role="group" aria-label="Delivery actions">
      <button type="button" data-testid="delivery-release-quarantined" onClick={() => void ask()}>
        Release…
      </button>
      <span className="delivery-held-note" data-testid="delivery-held-note">
        Held in the quarantine: Retry, Hold, Cancel and Resend apply once it is released.
      </span>
      {error && (
        <p className="body-notice error" role="alert">
          {error}
        </p>
      )}
      {verdict && (
        <ReleaseDialog
          messageId={messageId}
          filter={verdict}
          onClose={() => setVerdict(null)}
          onReleased={() => {
            setVerdict(null);
            onReleased();
          }}
        />
      )}
    </div>
  );
}

/** Per recipient: state, the rule that routed it, next attempt, every attempt; and the actions. */
export function DeliveryPanel({
  messageId,
  subject = '',
  fromAddress,
  unreadable = false,
}: {
  messageId: string;
  /** Named in the question before Cancel. */
  subject?: string;
  /** The From address, whose domain a DKIM key signs for. */
  fromAddress?: string | null;
  /**
   * The message's file cannot be read (the pane beside it says why): nothing is shown for a
   * captured message, which has no delivery, and no Resend, which would read that file.
   */
  unreadable?: boolean;
}) {
  const api = useApi();
  const [delivery, setDelivery] = useState<MessageDelivery | null>(null);
  const [error, setError] = useState<string | null>(null);
  // an action's answer; a refusal is shown and announced as the error it is (it read as grey
  // status text, as "Release: done." does, so a Resend with no upstream looked half done)
  const [notice, setNotice] = useState<{ text: string; failed: boolean } | null>(null);
  const [resendTo, setResendTo] = useState('');
  // Cancel cannot be undone: it asks first, as the Queue view's does
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  // every attempt publishes updates of the message (its new status, or when the status stays
  // its attempts made and under way): show them as they happen
  const version = useMessageUpdates(api, messageId);
  // and after an action taken here, whether or not it changed anything
  const [asked, setAsked] = useState(0);
  const resendId = useId();
  // without an upstream a Resend can only be refused: it was offered, and the refusal named a
  // command-line flag; the box says where to set one instead
  const noUpstream = useUpstreamConfigured() === false;
  const actions = useRef<HTMLDivElement>(null);
  const recipientList = useRef<HTMLUListElement>(null);
  const showRecipient = (address: string) => {
    const card = [
      ...(recipientList.current?.querySelectorAll<HTMLElement>('[data-testid="recipient"]') ?? []),
    ].find((element) => element.dataset.address === address);
    card?.scrollIntoView({ block: 'start' });
    card?.querySelector<HTMLElement>('h3')?.focus({ preventScroll: true });
  };
  // The button pressed: Hold, Release and Cancel turn themselves off (Hold gives way to Release),
  // and a disabled button drops the focus to the page. Once the delivery is read again it goes to
  // the button that undoes it, else the same one, else the first that applies, else Resend to.
  const pressed = useRef<QueueAction | null>(null);
  useLayoutEffect(() => {
    const action = pressed.current;
    const group = actions.current;
    if (!action || !group || !delivery) return;
    const focused = document.activeElement;
    if (focused && focused !== document.body && !(focused as HTMLButtonElement).disabled) {
      // still on its button (the answer that turns it off may be the next one), or gone on
      if (!group.contains(focused)) pressed.current = null;
      return;
    }
    pressed.current = null;
    const undo: Partial<Record<QueueAction, QueueAction>> = { hold: 'release', release: 'hold' };
    const button = (a: QueueAction | undefined) =>
      a ? group.querySelector<HTMLElement>(`button[data-action="${a}"]:not(:disabled)`) : null;
    (
      button(undo[action]) ??
      button(action) ??
      group.querySelector<HTMLElement>('button:not(:disabled)') ??
      group.querySelector<HTMLElement>('input:not(:disabled)')
    )?.focus();
  }, [delivery]);

  useEffect(() => {
    let current = true;
    api.delivery(messageId).then(
      (value) => current && (setDelivery(value), setError(null)),
      (failure: unknown) => current && setError(serverWords(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, messageId, version, asked]);

  const act = async (action: QueueAction, label: string) => {
    setNotice(null);
    try {
      const to = action === 'resend' ? resendTo.split(/[\s,;]+/).filter(Boolean) : undefined;
      await runQueueAction(api, action, [messageId], to);
      pressed.current = action;
      // "Retry now: done." read as a delivery done, above an attempt that failed again
      setNotice({
        text:
          action === 'retry'
            ? 'Retry now: due now; the attempt shows below once made.'
            : `${label}: done.`,
        failed: false,
      });
    } catch (failure) {
      setNotice({ text: `${label} failed: ${serverWords(failure)}`, failed: true });
    }
    setAsked((n) => n + 1);
  };

  if (error) {
    return (
      <p className="body-notice error" role="alert">
        {error}
      </p>
    );
  }
  if (!delivery) return unreadable ? null : <p className="body-notice">Loading delivery…</p>;
  if (unreadable && delivery.status === 'captured') return null;
  const unsigned = unsignedForLackOfKey(delivery, fromAddress ?? null);
  return (
    <section className="delivery" data-testid="delivery-view" aria-label="Delivery">
      <p className="delivery-status">
        Status: <StatusMark status={delivery.status} />
      </p>
      {unsigned && (
        <p className="body-notice" data-testid="delivery-unsigned">
          Not DKIM-signed:{' '}
          {unsigned.domain
            ? `no key for ${unsigned.domain}${unsigned.keysFor ? ` (the keys are for ${unsigned.keysFor})` : ''}`
            : 'no DKIM key is set up'}{' '}
          — add one in{' '}
          <a href="#settings" onClick={() => revealSection('signing')}>
            Settings → Signing
          </a>
          .
        </p>
      )}
      <DeliverySummary delivery={delivery} onShow={showRecipient} />
      {delivery.status === 'quarantined' ? (
        <QuarantineActions messageId={messageId} onReleased={() => setAsked((n) => n + 1)} />
      ) : (
        <div ref={actions} className="delivery-actions" role="group" aria-label="Delivery actions">
          {(Object.keys(handActionButtons) as DeliveryHandAction[]).map((action) => {
            const { label } = handActionButtons[action];
            // nothing is tried with no upstream: the relay refuses it, so the button says why
            const unsent = action === 'retry' && noUpstream;
            const applies = delivery.actions.includes(action) && !unsent;
            const without = unsent
              ? 'Nothing is tried while no upstream is set: set one in Settings → Upstream'
              : handActionWithout(action, delivery.status === 'held');
            return (
              <button
                key={action}
                type="button"
                data-action={action}
                disabled={!applies}
                title={applies ? undefined : without}
                onClick={() =>
                  action === 'cancel' ? setConfirmingCancel(true) : void act(action, label)
                }
              >
                {label}
              </button>
            );
          })}
          {!unreadable && (
            <span className="resend">
              <label htmlFor={resendId}>{resendToLabel(delivery.recipients)}</label>
              <input
                id={resendId}
                type="text"
                value={resendTo}
                placeholder="someone@example.com"
                disabled={noUpstream}
                aria-describedby={noUpstream ? `${resendId}-why` : undefined}
                onChange={(event) => setResendTo(event.target.value)}
              />
              <button
                type="button"
                disabled={noUpstream}
                aria-describedby={noUpstream ? `${resendId}-why` : undefined}
                onClick={() => void act('resend', 'Resend')}
              >
                Resend
              </button>
              {noUpstream && (
                <span
                  id={`${resendId}-why`}
                  className="field-hint"
                  data-testid="resend-needs-upstream"
                >
                  Resend sends through an upstream smart host, and none is set: set one in Settings
                  → Upstream.
                </span>
              )}
            </span>
          )}
        </div>
      )}
      {notice?.failed && (
        <p className="body-notice error" role="alert" data-testid="delivery-notice">
          {notice.text}
        </p>
      )}
      {/* always in the page: a status region added with its words is not read out, so the first
          "Hold: done." went unheard */}
      <p
        className={notice && !notice.failed ? 'body-notice' : undefined}
        role="status"
        data-testid={notice && !notice.failed ? 'delivery-notice' : 'delivery-status-region'}
      >
        {notice && !notice.failed ? notice.text : ''}
      </p>
      <ul ref={recipientList} className="recipients">
        {delivery.recipients.map((recipient) => (
          <Recipient
            key={recipient.address}
            recipient={recipient}
            rateLimited={delivery.rateLimited}
            unsignedSaid={unsigned !== null}
          />
        ))}
      </ul>
      {confirmingCancel && (
        <CancelDeliveryConfirm
          messages={[{ subject, recipients: delivery.recipients }]}
          onKeep={() => setConfirmingCancel(false)}
          onConfirm={() => {
            setConfirmingCancel(false);
            void act('cancel', handActionButtons.cancel.label);
          }}
        />
      )}
    </section>
  );
}
