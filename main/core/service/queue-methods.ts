// The facade's calls over the delivery queue: what waits and why, the actions on it (the IDs may
// include Mailpit's `latest`), pausing the upstream, and the upstream connection test.
import { isDeepStrictEqual } from 'node:util';
import { adviseOnSenderRefusal } from '../upstream/sender-refusal.js';
import type {
  DeliveryHandAction,
  QueueActionResult,
  QueuedMessage,
  QueueView,
  RecipientState,
  UpstreamPresetView,
} from '../../../preload/api-contract.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { heldFor } from '../sender-control/sender-control-service.js';
import type { UpstreamPause } from '../queue/delivery-queue.js';
import { applicableActions } from '../queue/delivery-transition.js';
import { heldInQuarantineQuery, isHeldInQuarantine } from '../filter/quarantine-release.js';
import { quarantinedRecipients } from '../filter/quarantined-recipients.js';
import { handActionRefusal } from '../queue/hand-action-refusal.js';
import { QueueError } from '../queue/queue-error.js';
import { resendAddresses, resendTargets } from '../queue/resend.js';
import { rateLimitedView } from './rate-limited.js';
import {
  hasDeliveryWork,
  isFinal,
  messageStatus,
  waitsForUpstream,
} from '../queue/recipient-state.js';
import { parseRelay } from '../settings/settings-editor.js';
import { testUpstream, type ConnectionTestResult } from '../upstream/connection-test.js';
import { answeredBeforeNote } from '../queue/upstream-answered.js';
import { getPreset, presetIds } from '../upstream/presets.js';
import type { UpstreamSettings } from '../upstream/upstream-settings.js';
import { NotFoundError, SettingsInputError } from './service-errors.js';
import type { ServiceParts } from './service-parts.js';

/** A message waiting in the queue: its record, its rolled-up status and each recipient's state. */
export type QueuedRecord = Pick<QueuedMessage, 'sender' | 'status' | 'recipients' | 'actions'> & {
  record: MessageRecord;
};

/** What waits and why, whether the upstream is paused, and how much mail the quarantine holds. */
export interface QueueState {
  upstream: QueueView['upstream'];
  messages: QueuedRecord[];
  quarantined: number;
  rateLimited: QueueView['rateLimited'];
}

/**
 * A quarantined message is in no queue (it has no delivery): a release of it by its queue ID is
 * the quarantine's release, which the refusal names, as every other action's refusal names why.
 */
function quarantinedRefusal(action: DeliveryHandAction, record: MessageRecord): string {
  const why = record.filter?.reasons.join('; ') ?? '';
  const fix =
    action === 'release'
      ? `release it from the quarantine: relaydesk queue release ${record.id}, POST /api/v1/quarantine/${record.id}/release, or Release in the Quarantine view`
      : 'it is never relayed unless released from the quarantine';
  return `message ${record.id} is quarantined (${why}), not queued; ${fix}`;
}

/** Same settings, whatever the key order and whichever optional keys are present but unset. */
function sameUpstream(a: unknown, b: unknown): boolean {
  const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value ?? null));
  return isDeepStrictEqual(plain(a), plain(b));
}

/** The longest Mailpit's release waits for the upstream's answer before it answers anyway. */
export const releaseWaitMs = 30_000;

/** How a release by Mailpit's route ended for the recipients it was released to. */
export interface ReleaseOutcome {
  /** Those the attempt did not send (bounced, or deferred to try again), with the reply. */
  refused: Array<{
    address: string;
    state: RecipientState;
    reply: string;
    /** Deferred because the upstream failed as a whole: it goes when the upstream answers. */
    waitsForUpstream: boolean;
  }>;
  /** Why the queue is paused when it held the release back (it goes when the pause ends). */
  paused: string | null;
  /** The wait ran out with these still waiting for their attempt (they go on in the queue). */
  waiting: string[];
}

/** `550 5.1.1 Unknown user`, or the reason a reply without a code gives (connection refused). */
function replyLine(r: RecipientDelivery): string {
  const reply = r.attempts.at(-1)?.reply;
  if (!reply) return r.history.at(-1)?.reason ?? r.state;
  return [reply.code, reply.enhanced, reply.text].filter((part) => part !== null).join(' ');
}

export function queueMethods({
  settings,
  store,
  queue,
  saved,
  passwordFile,
  senders,
  events,
  now,
}: ServiceParts) {
  const upstreamState = (): QueueView['upstream'] => ({
    configured: settings.relay !== null,
    paused: queue.paused,
  });
  const rateLimited = (): QueueView['rateLimited'] => rateLimitedView(queue);
  /**
   * The real IDs of the messages a hand action would change. Unknown IDs are 404, before anything
   * changes. A selection may mix messages (the list's bulk bar: held and delivered ones), so what
   * can be changed is, as postsuper does, and the answer's IDs say which; only when nothing can
   * be is it refused, 409, naming each message and its state.
   */
  const changeableIds = (action: DeliveryHandAction, ids: string[]): string[] => {
    const records = ids.map((id) => store.record(id));
    const refusals = records.map((record) =>
      isHeldInQuarantine(record)
        ? quarantinedRefusal(action, record)
        : handActionRefusal(action, record.id, record.delivery),
    );
    if (records.length > 0 && refusals.every((refusal) => refusal !== null))
      throw new QueueError(refusals.join('; '), 409);
    return records.filter((_, i) => refusals[i] === null).map((record) => record.id);
  };
  /**
   * Mail the filter holds, oldest first, as Postfix's mailq lists what a milter put in the hold
   * queue (flagged `!`): its recipients are not in any delivery list (quarantined-recipients.ts),
   * so it is found by its tags, and each one's verdict is read again.
   */
  const heldInQuarantine = (): MessageRecord[] =>
    store
      .list(0, Number.MAX_SAFE_INTEGER, heldInQuarantineQuery)
      .records.filter(isHeldInQuarantine)
      .reverse();
  /** The recipients as the queue shows them: the quarantine's stand-ins for mail it holds. */
  const recipientsOf = (record: MessageRecord) =>
    isHeldInQuarantine(record) ? quarantinedRecipients(record) : (record.delivery ?? []);
  const methods = {
    /**
     * Messages with work left (not every recipient final), optionally with a recipient in
     * `state`; `quarantined` lists the mail the filter holds.
     */
    queued(state?: RecipientState): MessageRecord[] {
      if (state === 'quarantined') return heldInQuarantine();
      // final states are read from the database; the rest are the working set's, in memory
      const records =
        state && isFinal(state)
          ? [...store.index.relayedOldestFirst()]
          : store.index.workingOldestFirst();
      return records.filter((record) => {
        if (!record.delivery) return false;
        if (state) return record.delivery.some((r) => r.state === state);
        return hasDeliveryWork(messageStatus(record.delivery));
      });
    },

    /** The queue as the API and the GUI show it: what waits, why, and when it is tried next. */
    queueState(state?: RecipientState): QueueState {
      return {
        upstream: upstreamState(),
        rateLimited: rateLimited(),
        // counted by the index (no record read): the GUI asks after every change in the queue
        quarantined: store.list(0, 0, heldInQuarantineQuery).total,
        messages: methods.queued(state).map((record) => ({
          record,
          sender: record.envelope.mailFrom,
          status: messageStatus(recipientsOf(record)),
          actions: applicableActions(record.delivery ?? []),
          recipients: recipientsOf(record).map((r) => {
            const last = r.attempts.at(-1);
            // a delay warning sent is a notice, not why it waits
            const why = r.history.findLast((h) => !h.notice)?.reason ?? '';
            const advice =
              last && (r.state === 'bounced' || r.state === 'deferred')
                ? adviseOnSenderRefusal(
                    last.reply,
                    last.sentAs?.mailFrom ?? record.envelope.mailFrom,
                    settings.relay?.auth?.user ?? null,
                  )
                : null;
            return {
              address: r.address,
              deliverTo: r.deliverTo,
              state: r.state,
              nextAttemptAt: r.nextAttemptAt,
              attempts: r.attempts.length,
              lastReply: last?.reply ?? null,
              // still pending from its arrival, the last reason is the routing rule that sent
              // it to the upstream ('rule 0 "relay everything" matched…'), which is not why it
              // waits (the pause, the rate limit or its turn is, and the entry says those); mailq
              // leaves it out too, and the Delivery tab shows the rule as such
              why: r.state === 'pending' && why === r.rule ? '' : why,
              ...(waitsForUpstream(r) ? { waitsForUpstream: true } : {}),
              ...(last?.notSent ? { lastNotSent: true as const } : {}),
              ...(advice ? { advice } : {}),
            };
          }),
        })),
      };
    },

    async holdMessages(ids: string[]): Promise<QueueActionResult> {
      return { IDs: await queue.hold(changeableIds('hold', ids)) };
    },

    async releaseMessages(ids: string[]): Promise<QueueActionResult> {
      return { IDs: await queue.release(changeableIds('release', ids)) };
    },

    /** "Retry now"; with no IDs, everything deferred (greylisted recipients too: it is by hand). */
    async retryMessages(ids: string[]): Promise<QueueActionResult> {
      const known = changeableIds('retry', ids);
      // with no upstream nothing is tried (the queue does not run): "to be tried now" was a
      // promise the relay could not keep, and the mail stayed where it was
      if (settings.relay === null) {
        throw new QueueError(
          `nothing can be tried: no upstream is set up ("relay" is not set); set one in Settings → Upstream, or start with --mode relay --relay-host HOST:PORT, and the waiting mail goes by itself`,
        );
      }
      return {
        IDs: known.length
          ? await queue.retry(known)
          : await queue.retryAll('retry by hand', { greylisted: true }),
      };
    },

    /** Sends again: to `to` when given, else to the recipients that bounced, expired or were cancelled. */
    async resendMessages(ids: string[], to: string[] | null): Promise<QueueActionResult> {
      const addresses = to && to.length > 0 ? resendAddresses(to) : null;
      const known = store.knownIds(ids);
      for (const id of known) await queue.resend(id, addresses);
      return { IDs: known };
    },

    /**
     * Mailpit's release: resends the message to `to` through the upstream and resolves once each
     * of those recipients' attempt has ended. Mailpit relays inline and answers `ok` only when the
     * upstream took the message, so a test checks the receiving side right after; answering when
     * it was only queued made that check race the queue. Mail that cannot go now (a pause, the
     * wait running out) stays queued and says so; the queue still retries a deferral.
     */
    async releaseMessage(
      id: string,
      to: string[] | null,
      timeoutMs = releaseWaitMs,
      signal?: AbortSignal,
    ): Promise<ReleaseOutcome> {
      // without `to`, to the recipients a resend picks (its own, for captured mail)
      const addresses = to && to.length > 0 ? resendAddresses(to) : null;
      const [known] = store.knownIds([id]) as [string];
      const targets = addresses ?? resendTargets(store.record(known), null);
      const releasedAt = now();
      await queue.resend(known, addresses);
      const wanted = new Set(targets.map((a) => a.toLowerCase()));
      // a recipient released before keeps its old state until the resend reaches what we read:
      // only a state reached since this release is its answer
      const since = (r: RecipientDelivery): boolean =>
        Date.parse(r.history.at(-1)?.at ?? '') >= releasedAt;
      const outcome = (): ReleaseOutcome | null => {
        let record: MessageRecord;
        try {
          record = store.record(known);
        } catch {
          // deleted meanwhile: nothing is left to wait for
          return { refused: [], paused: null, waiting: [] };
        }
        const released = (record.delivery ?? []).filter((r) => wanted.has(r.address.toLowerCase()));
        const waiting = released.filter(
          (r) => r.state === 'pending' || r.state === 'sending' || !since(r),
        );
        if (waiting.length > 0 || released.length < wanted.size) {
          const pause = queue.paused;
          if (!pause) return null;
          return { refused: [], paused: pause.reason, waiting: waiting.map((r) => r.address) };
        }
        const refused = released
          .filter((r) => r.state !== 'relayed')
          .map((r) => ({
            address: r.address,
            state: r.state,
            reply: replyLine(r),
            waitsForUpstream: waitsForUpstream(r),
          }));
        return { refused, paused: null, waiting: [] };
      };
      const ended = outcome();
      if (ended) return ended;
      return new Promise((resolve) => {
        const check = (): void => {
          const ended = outcome();
          if (ended) finish(ended);
        };
        const finish = (ended: ReleaseOutcome): void => {
          clearTimeout(timer);
          clearInterval(poll);
          events.off('event', check);
          signal?.removeEventListener('abort', stillWaiting);
          resolve(ended);
        };
        const stillWaiting = (): void => {
          const ended = outcome();
          const record = store.index.get(known);
          finish(
            ended ?? {
              refused: [],
              paused: null,
              waiting: (record?.delivery ?? [])
                .filter((r) => wanted.has(r.address.toLowerCase()) && !isFinal(r.state))
                .map((r) => r.address),
            },
          );
        };
        const timer = setTimeout(stillWaiting, timeoutMs);
        // a delivery's state changes come as `update` events; the poll covers one told otherwise
        const poll = setInterval(check, 250);
        events.on('event', check);
        // the client hung up (or the server is stopping): stop waiting for it
        signal?.addEventListener('abort', stillWaiting);
      });
    },

    async cancelMessages(ids: string[]): Promise<QueueActionResult> {
      return { IDs: await queue.cancel(changeableIds('cancel', ids)) };
    },

    /**
     * Cancels every held recipient (`postsuper -d ALL hold`), or with `suspension` those held
     * for that suspension (a hacked workstation's 30 messages in one go). Mail the quarantine
     * holds is not held mail: it is released or kept there.
     */
    async cancelHeld(suspension?: string): Promise<QueueActionResult> {
      if (suspension !== undefined && !senders.list().some((s) => s.ID === suspension)) {
        throw new NotFoundError(
          `Suspension: ${JSON.stringify(suspension)} is not a listed suspension; GET /api/v1/suspensions (relaydesk suspensions) lists them, or leave Suspension out to cancel all held mail`,
        );
      }
      const which = (r: RecipientDelivery): boolean =>
        suspension === undefined || heldFor(r.history.at(-1)?.reason) === suspension;
      const ids = store.index
        .workingOldestFirst()
        .filter((record) => record.delivery?.some((r) => r.state === 'held' && which(r)))
        .map((record) => record.id);
      return { IDs: ids.length > 0 ? await queue.cancelHeld(ids, which) : [] };
    },

    /** Retries everything deferred at once (the network is back, the machine woke up). */
    retryDeferred: (why: string): Promise<string[]> => queue.retryAll(why),

    /** Tries what is due now (after a change a test made behind the queue's back). */
    kickQueue: (): void => queue.kick(),

    /** Resolves when no delivery is running or due now. */
    queueIdle: (): Promise<void> => queue.idle(),

    /** Why relaying is paused (by hand, or an upstream-wide failure), or null. */
    get relayPause(): UpstreamPause | null {
      return queue.paused;
    },

    pauseUpstream(reason = 'paused by hand'): QueueView['upstream'] {
      queue.pause(reason);
      return upstreamState();
    },

    resumeUpstream(): QueueView['upstream'] {
      queue.resume('resumed by hand');
      return upstreamState();
    },

    upstreamPresets: (sesRegion?: string): UpstreamPresetView[] =>
      presetIds.map((id) => getPreset(id, sesRegion ? { sesRegion } : {})),

    /**
     * Runs the connection test against the saved upstream, or against `candidate` settings
     * (validated as the settings file would be). A successful test of the saved upstream lifts
     * a pause.
     */
    async testRelay(candidate?: unknown): Promise<ConnectionTestResult> {
      // the saved upstream is tested with the password its file holds now
      if (candidate === undefined) await passwordFile?.refresh();
      let endpoint = settings.relay;
      if (candidate !== undefined) {
        // read as a PUT's relay is: the parts it leaves out are the saved ones (`{"port": 465}`
        // tests the saved host on another port), and a form testing the saved upstream's
        // password sends none (it never sees it)
        const parsed = parseRelay(candidate, saved.target.relay);
        if ('errors' in parsed) {
          throw new SettingsInputError(parsed.errors.map((e) => e.message).join('\n'));
        }
        endpoint = parsed.value as UpstreamSettings | null;
      }
      if (!endpoint)
        throw new SettingsInputError('no upstream is configured; give the relay settings to test');
      const result = await testUpstream(endpoint);
      // Settings → Upstream tests the form's values, which are the saved ones until edited: a
      // pass of those is a pass of the saved upstream. It lifts the pause and sends what the
      // failure deferred now: left to its retry time (an hour once the schedule has run out),
      // the upstream back and the test passed would look as if nothing had happened.
      // the saved upstream tested on its own (the banner's Test connection) ends any pause, also
      // one by hand, as it always has
      const savedOne = candidate === undefined || sameUpstream(endpoint, settings.relay);
      const answeredAt = queue.answeredAt;
      if (!result.ok && savedOne && answeredAt !== null) {
        // the banner says the upstream took mail with these settings: the test's fix agrees
        // with it rather than sending the admin to "check the host and port"
        for (const step of result.steps) {
          if (step.step === 'connect' && !step.ok && step.fix) {
            step.fix = `${answeredBeforeNote(answeredAt)}${step.fix}`;
          }
        }
      }
      if (result.ok && candidate === undefined) queue.resume('connection test succeeded');
      if (result.ok && savedOne) {
        await queue.retryAll('connection test succeeded');
      }
      return result;
    },
  };
  return methods;
}

export type QueueMethods = ReturnType<typeof queueMethods>;
