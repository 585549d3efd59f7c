// Where the queue changes recipients' delivery states: an event is applied to the recipients it
// is allowed for, the due list refiled, the change handed to the store (the journal) in the order
// it is made, and a new message status published.
import type { MessageStatus } from '../../../preload/api-contract.js';
import type { MessageRecord, RecipientDelivery } from '../message-record.js';
import { allows, applyDelivery, type DeliveryEvent } from './delivery-transition.js';
import type { DueList } from './due-list.js';
import type { QueueOptions } from './queue-options.js';
import { messageStatus } from './recipient-state.js';
import { retryScheduleOf, type RetrySchedule } from './retry-schedule.js';

export type RecipientChange = (recipients: RecipientDelivery[]) => RecipientDelivery[];

export class RecipientLedger {
  constructor(
    private readonly options: Pick<QueueOptions, 'settings' | 'store' | 'now' | 'publish'>,
    private readonly due: DueList,
  ) {}

  get schedule(): RetrySchedule {
    return retryScheduleOf(this.options.settings);
  }

  /** Applies one event to the recipients it is allowed for (and `which` picks), at `now`. */
  applyWhere(
    list: RecipientDelivery[],
    event: DeliveryEvent | ((r: RecipientDelivery, index: number) => DeliveryEvent),
    which: (r: RecipientDelivery, index: number) => boolean = () => true,
  ): RecipientDelivery[] {
    const now = new Date(this.options.now());
    const schedule = this.schedule;
    return list.map((r, i) => {
      if (!which(r, i)) return r;
      const e = typeof event === 'function' ? event(r, i) : event;
      return allows(r.state, e.type) ? applyDelivery(r, e, now, schedule) : r;
    });
  }

  /**
   * Changes a message's recipients and resolves once the change is on disk. `captured`: a message
   * that was only captured (no delivery list yet) gets one from `change`, as a release does.
   */
  async update(
    id: string,
    change: RecipientChange,
    captured = false,
  ): Promise<MessageRecord | null> {
    const changed = this.change(id, change, false, captured);
    if (!changed) return null;
    await changed.saved;
    return changed.record;
  }

  /**
   * Changes a message's recipients now; `saved` resolves when the change is on disk. `passing`:
   * a state the next change soon replaces (see QueueStore.save).
   */
  change(
    id: string,
    change: RecipientChange,
    passing = false,
    captured = false,
  ): { record: MessageRecord; saved: Promise<void> } | null {
    const record = this.options.store.get(id);
    const current = record?.delivery ?? (record && captured ? [] : undefined);
    if (!record || !current) {
      this.due.forget(id);
      return null;
    }
    const replaced = record.delivery;
    const before = messageStatus(replaced);
    record.delivery = change(current);
    this.due.note(record);
    // the journal takes changes in the order they are made, whenever each is awaited
    const saved = this.options.store.save(record, passing, replaced);
    const after = messageStatus(record.delivery);
    if (after !== before) this.publishStatus(id, after);
    else if (
      record.delivery.length !== replaced?.length ||
      record.delivery.some((r, i) => r !== replaced[i])
    ) {
      // the status as it was, but not the delivery: an attempt begun, one that deferred again, a
      // retry by hand that waits for the rate limit. The GUI's Delivery tab and queue show it
      // only if told
      this.publishAttempts(id, attemptsOf(record.delivery));
    }
    return { record, saved };
  }

  private publishStatus(id: string, status: MessageStatus): void {
    // Mailpit's `update` event, with the delivery status added: clients that only know
    // Read/Tags ignore the extra field
    this.options.publish({ Type: 'update', Data: { ID: id, Status: status } });
  }

  /** No Status: the status did not change, so no delivery webhook is due (webhook-events.ts). */
  private publishAttempts(id: string, attempts: AttemptFigures): void {
    this.options.publish({ Type: 'update', Data: { ID: id, ...attempts } });
  }
}

interface AttemptFigures {
  /** Attempts made, over all recipients. */
  Attempts: number;
  /** Recipients in an attempt now. */
  Sending: number;
}

function attemptsOf(recipients: readonly RecipientDelivery[] | undefined): AttemptFigures {
  let Attempts = 0;
  let Sending = 0;
  for (const r of recipients ?? []) {
    Attempts += r.attempts.length;
    if (r.state === 'sending') Sending += 1;
  }
  return { Attempts, Sending };
}
