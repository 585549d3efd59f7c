// The messages the service keeps: the spool on disk, the in-memory index over it and the MIME
// parser, with the few changes every feature area makes (read, delete) and the events they
// publish. Feature modules reach messages through this, never through the spool directly.
import { portHost } from '../index/index-writer.js';
import { MessageIndex } from '../index/message-index.js';
import type { MessageRecord } from '../message-record.js';
import { MessageParser } from '../parse/message-parser.js';
import { ArrivalBytes } from '../queue/arrival-bytes.js';
import { crashPoint } from '../queue/crash-point.js';
import { UnsyncedDeliveries } from '../queue/unsynced-deliveries.js';
import { parseSearchQuery } from '../search/index.js';
import { Spool, type QuarantinedFile } from '../spool/spool.js';
import { NotFoundError } from './service-errors.js';
import type { DeletionCause, ServiceEvent } from './service-event.js';

export { relaydeskVersion } from '../version.js';

export interface RuntimeStats {
  startedAt: number;
  accepted: number;
  acceptedBytes: number;
  deleted: number;
  /** Messages not stored because their Message-ID was (--ignore-duplicate-ids). */
  ignored: number;
}

export class MessageStore {
  readonly spool: Spool;
  readonly index: MessageIndex;
  readonly parser = new MessageParser({ workers: 1 });
  /** Small messages to relay, from their arrival until sent (see arrival-bytes.ts). */
  readonly arrivalBytes = new ArrivalBytes();
  /** Delivery lists on their way to the queue's journal (see unsynced-deliveries.ts). */
  readonly unsyncedDeliveries = new UnsyncedDeliveries();
  readonly stats: RuntimeStats;
  quarantined: QuarantinedFile[] = [];

  constructor(
    dataDir: string,
    readonly now: () => number,
    readonly publish: (event: ServiceEvent) => void,
    log: (line: string) => void,
  ) {
    // the index logs when its writes fail (a full disk) and when they succeed again; its writes
    // run in the parse worker (one thread and one V8 heap fewer than a worker of their own)
    this.index = new MessageIndex(log, (data, events) =>
      portHost(this.parser.hostIndexWrites(data, events.ended), events),
    );
    // the parse worker writes the small files: see message-parser.ts
    this.spool = new Spool(dataDir, log, this.parser);
    this.stats = { startedAt: now(), accepted: 0, acceptedBytes: 0, deleted: 0, ignored: 0 };
  }

  /** A record by ID, or the newest for `latest` (Mailpit's alias). */
  record(id: string): MessageRecord {
    const record = id === 'latest' ? this.index.latest() : this.index.get(id);
    if (!record) throw new NotFoundError(`message ${JSON.stringify(id)} not found`);
    return record;
  }

  /** The records' real IDs; a NotFoundError for an unknown one before anything changes. */
  knownIds(ids: string[]): string[] {
    return ids.map((id) => this.record(id).id);
  }

  /** The message's bytes as stored (`latest` allowed). */
  raw(id: string): Promise<Buffer> {
    return this.spool.readRaw(this.record(id).id);
  }

  /** `timeZone` is Mailpit's `tz`: how dates in `before:`/`after:` are read. */
  list(start: number, limit: number, query?: string, timeZone?: string) {
    const filter = query && query.trim() !== '' ? parseSearchQuery(query, { timeZone }) : null;
    return this.index.page(start, limit, filter);
  }

  /**
   * A state change (tags, a release): the index first (it answers the next question), then the
   * sidecar. Both take the delivery list on disk, not one the queue has changed since and whose
   * journal line is still on its way: committed by the index (or written to the sidecar) first,
   * a kill -9 before the line left it saying what no journal said (unsynced-deliveries.ts). The
   * record in memory keeps the queue's list, so a reader sees it as before.
   */
  async saveRecord(record: MessageRecord): Promise<void> {
    this.index.update(record, this.unsyncedDeliveries.onDisk(record));
    await this.index.settled();
    // the kill -9 tests': the change committed by the index, the sidecar not rewritten yet
    crashPoint('state-change-indexed');
    // the list on disk now (a folding may have written a newer one meanwhile: never go back)
    return this.spool.update(this.unsyncedDeliveries.stored(record));
  }

  async setRead(ids: string[], read: boolean): Promise<void> {
    for (const id of ids) {
      const record = this.index.get(id);
      if (!record) continue;
      // (the delivery list on disk, as saveRecord)
      if (!this.index.setRead(record, read, this.unsyncedDeliveries.onDisk(record))) continue;
      await this.index.settled();
      crashPoint('state-change-indexed');
      await this.spool.update(this.unsyncedDeliveries.stored(record));
      this.publish({ Type: 'update', Data: { ID: id, Read: read } });
    }
    this.publishCounts();
  }

  /** `cause` is said in the event: Mailpit's clients hear a deletion differently by its cause. */
  async deleteMessages(ids: string[], cause: DeletionCause = 'request'): Promise<string[]> {
    const removed = this.index.remove(ids);
    try {
      await this.removeFiles(removed);
    } finally {
      // out of the index, so out of every list, even where a file could not be removed
      this.stats.deleted += removed.length;
      if (removed.length > 0) {
        this.publish({ Type: 'deleted', Data: { IDs: removed, cause } });
        this.publishCounts();
      }
    }
    return removed;
  }

  async deleteAll(): Promise<void> {
    const all = this.index.remove(this.index.oldestIds(this.index.size));
    try {
      await this.removeFiles(all);
    } finally {
      this.stats.deleted += all.length;
      this.publish({ Type: 'deleted', Data: { IDs: all, cause: 'all' } });
      this.publishCounts();
    }
  }

  /** The files of messages already out of the index. */
  private async removeFiles(ids: readonly string[]): Promise<void> {
    try {
      await this.spool.removeAll(ids);
    } catch (err) {
      // what could not go stays in the folder unlisted: the next start must list the folder (and
      // so list those messages again, as the error says) rather than trust a later stamp
      this.index.folderHoldsUnlisted();
      throw err;
    }
  }

  publishCounts(): void {
    this.publish({
      Type: 'counted',
      Data: { messages: this.index.size, unread: this.index.unread },
    });
  }
}
