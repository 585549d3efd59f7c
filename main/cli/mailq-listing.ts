// The queue as `relaydesk queue` prints it: Postfix's mailq layout (queue ID with `*` while being
// sent and `!` when held, size, arrival time, envelope sender, then the recipients), with each
// recipient's state and, in parentheses as mailq has it, the upstream's last reply or the reason
// it waits. `--json` gives `postqueue -j`'s shape instead, one object per line, so scripts
// written for Postfix's queue read ours.
import type {
  QueuedMessage,
  QueuedRecipient,
  QueueView,
  SmtpReplyView,
  UpstreamPauseView,
} from '../../preload/api-contract.js';
import { rateLimitWords } from '../../preload/rate-limit-words.js';

const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** mailq's time: `Thu Dec  3 08:27:06`, in local time. */
export function mailqTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const day = String(at.getDate()).padStart(2, ' ');
  const clock = `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
  return `${days[at.getDay()]} ${months[at.getMonth()]} ${day} ${clock}`;
}

function replyWords(reply: SmtpReplyView): string {
  return [reply.code, reply.enhanced, reply.text]
    .filter((part) => part !== null && part !== '')
    .join(' ');
}

/** What the recipient's parenthesised line says: the last reply, else why it is where it is. */
function reason(r: QueuedRecipient): string | null {
  // held (by hand, by a suspension): why it was held is the answer; the reply is older news
  if (r.state === 'held' && r.why !== '') {
    return r.lastReply ? `${r.why}; last reply: ${replyWords(r.lastReply)}` : r.why;
  }
  if (r.lastReply) return replyWords(r.lastReply);
  // a pending recipient's reason is only how it arrived
  return r.state !== 'pending' && r.why !== '' ? r.why : null;
}

const WAITS = 'waits for the upstream to resume';
const UNSET = 'waits for an upstream to be set up';
const ANSWERS = 'goes when the upstream answers again';
const PROBE = 'a probe: does the upstream answer again?';

/** Under a pause because nothing answered: waits for a probe rather than its own retry time. */
function goesWithProbe(r: QueuedRecipient, now: number): boolean {
  if (r.state === 'pending') return true;
  if (r.state !== 'deferred') return false;
  const due = r.nextAttemptAt === null || Date.parse(r.nextAttemptAt) <= now;
  return r.waitsForUpstream === true || due;
}

/**
 * While the upstream is paused nothing pending is sent and a retry time already past is not
 * kept: say so, as the Queue view does, rather than list mail as if it were about to go. Mail
 * that waits for an upstream that did not answer goes by itself when it answers: the listing
 * says so and when it is probed next, not a retry time that may be an hour away.
 */
function stateWords(
  r: QueuedRecipient,
  pause: UpstreamPauseView | null,
  rateLimited: boolean,
  now: number,
  configured: boolean,
): string {
  const parts: string[] = [r.state];
  if (r.attempts > 0) parts.push(`${r.attempts} attempt${r.attempts === 1 ? '' : 's'}`);
  const waiting = r.state === 'pending' || r.state === 'deferred';
  const due = r.nextAttemptAt === null || Date.parse(r.nextAttemptAt) <= now;
  // with no upstream the queue does not run: a retry time would be one that never comes
  if (waiting && !configured) parts.push(UNSET);
  else if (r.state === 'sending' && pause?.probingSince) parts.push(PROBE);
  else if (pause?.unreachable && goesWithProbe(r, now)) {
    parts.push(ANSWERS);
    // while a probe is out there is no next one yet: its time, past by then, would mislead
    if (pause.probingSince) parts.push('probing now');
    else if (pause.nextProbeAt) parts.push(`next probe ${mailqTime(pause.nextProbeAt)}`);
  } else if (waiting && pause !== null && (r.state === 'pending' || !pause.unreachable || due)) {
    parts.push(WAITS);
  } else if (waiting && rateLimited && due) {
    parts.push('waits for the rate limit');
  } else if (r.state === 'deferred' && r.nextAttemptAt) {
    parts.push(
      r.waitsForUpstream
        ? `goes when the upstream takes mail again, next ${mailqTime(r.nextAttemptAt)} at the latest`
        : `next ${mailqTime(r.nextAttemptAt)}`,
    );
  }
  return parts.join(', ');
}

/** Held by hand or by the filter: Postfix's hold queue takes both (postsuper -h, a milter). */
const isHeld = (message: QueuedMessage): boolean =>
  message.status === 'held' || message.status === 'quarantined';

function mark(message: QueuedMessage): string {
  if (message.recipients.some((r) => r.state === 'sending')) return '*';
  return isHeld(message) ? '!' : ' ';
}

const sender = (message: QueuedMessage): string => message.sender || 'MAILER-DAEMON';

/** The listing as lines of text, ending in mailq's total or "Mail queue is empty". */
export function mailqListing(view: QueueView, now: number = Date.now()): string {
  const lines: string[] = [];
  const pause = view.upstream.paused;
  if (!view.upstream.configured && view.messages.length > 0) {
    lines.push(
      'No upstream is set up: nothing listed here is sent, nor given up on, until one is (Settings → Upstream, or --mode relay --relay-host HOST:PORT); new mail is not relayed',
    );
  }
  if (pause) {
    lines.push(
      `Relaying is paused since ${mailqTime(pause.since)}: ${pause.reason} (${pause.fix})`,
    );
  }
  if (view.rateLimited) {
    lines.push(
      `The rate limit of ${rateLimitWords(view.rateLimited)} (Settings → Upstream, --rate-limit) holds back what is due: the next message goes at ${mailqTime(view.rateLimited.until)}`,
    );
  }
  if (view.messages.length === 0) {
    lines.push('Mail queue is empty');
    return `${lines.join('\n')}\n`;
  }
  const idWidth = Math.max(10, ...view.messages.map((m) => m.ID.length)) + 1;
  const indent = ' '.repeat(idWidth + 8 + 1 + 20 + 2);
  lines.push(
    `${'-Queue ID-'.padEnd(idWidth, '-')} --Size-- ----Arrival Time---- -Sender/Recipient-------`,
  );
  let bytes = 0;
  for (const message of view.messages) {
    bytes += message.Size;
    lines.push(
      `${(message.ID + mark(message)).padEnd(idWidth)} ${String(message.Size).padStart(8)} ${mailqTime(message.Created)}  ${sender(message)}`,
    );
    for (const r of message.recipients) {
      const to =
        r.deliverTo && r.deliverTo !== r.address ? `${r.address} -> ${r.deliverTo}` : r.address;
      lines.push(
        `${indent}${to}  ${stateWords(r, pause, view.rateLimited !== null, now, view.upstream.configured)}`,
      );
      const why = reason(r);
      if (why) lines.push(`${indent}  (${why})`);
      if (r.advice) lines.push(`${indent}  fix: ${r.advice.fix}`);
    }
    lines.push('');
  }
  const count = view.messages.length;
  lines.push(`-- ${Math.ceil(bytes / 1024)} Kbytes in ${count} Request${count === 1 ? '' : 's'}.`);
  return `${lines.join('\n')}\n`;
}

/**
 * The line after the plain listing when the filter holds mail: it is in no delivery list, so the
 * listing above leaves it out, where Postfix's mailq shows its hold queue's mail (flagged `!`)
 * among the rest. Null when none is held.
 */
export function quarantineLine(held: number): string | null {
  if (held === 0) return null;
  const messages = held === 1 ? '1 message is' : `${held} messages are`;
  return `${messages} held in the quarantine: relaydesk queue --state quarantined lists ${held === 1 ? 'it' : 'them'}\n`;
}

/** postqueue -j's queue names: `hold`, `active` (being or about to be sent), `deferred`. */
function queueName(message: QueuedMessage): string {
  const states = new Set(message.recipients.map((r) => r.state));
  if (states.has('sending') || states.has('pending')) return 'active';
  if (states.has('deferred')) return 'deferred';
  if (states.has('held') || states.has('quarantined')) return 'hold';
  // a final message, listed with --state: its rolled-up status
  return message.status;
}

const unixTime = (iso: string | null): number | null =>
  iso === null ? null : Math.floor(Date.parse(iso) / 1000);

/**
 * One JSON object per line per message, in postqueue -j's fields, plus Relaydesk's own (`status`,
 * and each recipient's `state`, `attempts`, `next_attempt_time`) which Postfix scripts ignore.
 */
export function postqueueJson(view: QueueView, now: number = Date.now()): string {
  const pause = view.upstream.paused;
  // mail that waits for a probe: when it is (not its own retry time, up to an hour away), or
  // that one is out
  const probe = (r: QueuedRecipient) =>
    pause?.unreachable && goesWithProbe(r, now)
      ? {
          waits_for_upstream: true,
          ...(pause.probingSince
            ? { probing: true }
            : { next_probe_time: unixTime(pause.nextProbeAt ?? null) }),
        }
      : {};
  return view.messages
    .map((message) =>
      JSON.stringify({
        queue_name: queueName(message),
        queue_id: message.ID,
        arrival_time: unixTime(message.Created),
        message_size: message.Size,
        forced_expire: false,
        sender: message.sender,
        status: message.status,
        recipients: message.recipients.map((r) => ({
          address: r.deliverTo || r.address,
          ...(r.deliverTo && r.deliverTo !== r.address ? { orig_address: r.address } : {}),
          ...(reason(r) !== null && r.state !== 'relayed' ? { delay_reason: reason(r) } : {}),
          state: r.state,
          attempts: r.attempts,
          // held mail goes when released, not at the retry time a deferral had set (the
          // listing says no time for it either)
          next_attempt_time: r.state === 'held' ? null : unixTime(r.nextAttemptAt),
          ...probe(r),
        })),
      }),
    )
    .map((line) => `${line}\n`)
    .join('');
}
