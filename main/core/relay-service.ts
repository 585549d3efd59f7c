// RelayService: the one facade over the relay. The HTTP routes, the WebSocket and (in the desktop
// app) the IPC handlers are thin adapters over these methods and events; none holds logic.
import { EventEmitter } from 'node:events';
import type { MessageDetail, MessageSummary, RelaydeskEvent } from '../../preload/api-contract.js';
import { SmtpListener, type AcceptedMessage } from './listener/smtp-listener.js';
import { MessageIndex } from './index/message-index.js';
import { headerMap } from './message/header-fields.js';
import type { MessageRecord } from './message-record.js';
import { MessageParser, type ParsedPart } from './parse/message-parser.js';
import { toMessageDetail, toMessageSummary } from './message/mailpit-shapes.js';
import { selectForPruning } from './retention.js';
import { analyzeMessage, type RouteAnalysis } from './route/index.js';
import { matchesQuery, parseSearchQuery } from './search/index.js';
import type { ListenAddress, Settings } from './settings/settings-schema.js';
import { Spool, type QuarantinedFile } from './spool/spool.js';

export const relaydeskVersion = '0.1.0';
export const defaultMailbox = 'inbox';

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export interface RuntimeStats {
  startedAt: number;
  accepted: number;
  acceptedBytes: number;
  deleted: number;
}

interface ServiceEvents {
  event: [RelaydeskEvent];
  log: [string];
}

export interface RelayServiceOptions {
  settings: Settings;
  /** Injectable clock for retention tests. */
  now?: () => number;
}

export class RelayService extends EventEmitter<ServiceEvents> {
  readonly settings: Settings;
  private readonly spool: Spool;
  private readonly index = new MessageIndex();
  private readonly parser = new MessageParser({ workers: 1 });
  private readonly listener: SmtpListener;
  private readonly now: () => number;
  private retentionTimer: NodeJS.Timeout | null = null;
  private smtpAddress: ListenAddress | null = null;
  /** Where the HTTP API listens, once it does (set by whoever starts it). */
  httpListenAddress: ListenAddress | null = null;
  readonly stats: RuntimeStats;
  quarantined: QuarantinedFile[] = [];

  constructor(options: RelayServiceOptions) {
    super();
    this.settings = options.settings;
    this.now = options.now ?? Date.now;
    this.spool = new Spool(this.settings.dataDir);
    this.stats = { startedAt: this.now(), accepted: 0, acceptedBytes: 0, deleted: 0 };
    this.listener = new SmtpListener(this.settings, {
      accept: (message) => this.accept(message),
      log: (line) => this.log(line),
    });
  }

  private log(line: string): void {
    this.emit('log', line);
  }

  private publish(event: RelaydeskEvent): void {
    this.emit('event', event);
  }

  /** Opens the spool, rebuilds the index, then starts the SMTP listener. */
  async start(): Promise<{ smtp: ListenAddress }> {
    await this.spool.open();
    const loaded = await this.spool.load();
    this.quarantined = loaded.quarantined;
    for (const q of loaded.quarantined)
      this.log(`spool: moved ${q.file} to quarantine: ${q.reason}`);
    this.index.load(loaded.records);
    await this.applyRetention();
    this.smtpAddress = await this.listener.start();
    this.retentionTimer = setInterval(() => void this.applyRetention(), 60 * 60 * 1000);
    this.retentionTimer.unref();
    return { smtp: this.smtpAddress };
  }

  /** Stops taking mail, lets messages being received finish, then releases everything. */
  async stop(): Promise<void> {
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    await this.listener.close();
    await this.parser.close();
  }

  get smtpListenAddress(): ListenAddress | null {
    return this.smtpAddress;
  }

  private async accept(message: AcceptedMessage): Promise<void> {
    const summary = await this.parser.summarize(message.raw);
    if (summary.parseError)
      this.log(`${message.id}: MIME not readable, kept raw: ${summary.parseError}`);
    const record: MessageRecord = {
      id: message.id,
      mailbox: defaultMailbox,
      receivedAt: message.receivedAt.toISOString(),
      size: message.raw.length,
      read: false,
      tags: [],
      envelope: message.envelope,
      summary,
      notes: message.notes,
    };
    await this.spool.store(record, message.raw);
    this.index.add(record);
    this.stats.accepted++;
    this.stats.acceptedBytes += record.size;
    this.log(
      `${record.id}: from=<${record.envelope.mailFrom}>, size=${record.size}, nrcpt=${record.envelope.rcptTo.length}, client=${record.envelope.clientIp}` +
        (record.notes.length ? `, notes=${record.notes.join('; ')}` : ''),
    );
    this.publish({ Type: 'new', Data: toMessageSummary(record) });
    this.publishStats();
    // pruning is not part of accepting: a slow disk must not hold the 250
    setImmediate(() => void this.applyRetention());
  }

  private publishStats(): void {
    this.publish({
      Type: 'stats',
      Data: { Total: this.index.size, Unread: this.index.unread, Version: relaydeskVersion },
    });
  }

  async applyRetention(): Promise<void> {
    const doomed = selectForPruning(this.index.oldestFirst(), this.index.size, {
      maxMessages: this.settings.maxMessages,
      maxAgeDays: this.settings.maxAgeDays,
      now: this.now(),
    });
    if (doomed.length > 0) {
      await this.deleteMessages(doomed);
      this.log(`retention: pruned ${doomed.length} captured message(s)`);
    }
  }

  // --- queries -------------------------------------------------------------------------------

  /** A record by ID, or the newest for `latest` (Mailpit's alias). */
  record(id: string): MessageRecord {
    const record = id === 'latest' ? this.index.latest() : this.index.get(id);
    if (!record) throw new NotFoundError(`message ${JSON.stringify(id)} not found`);
    return record;
  }

  /** `timeZone` is Mailpit's `tz`: how dates in `before:`/`after:` are read. */
  list(start: number, limit: number, query?: string, timeZone?: string) {
    const filter = query && query.trim() !== '' ? parseSearchQuery(query, { timeZone }) : null;
    return this.index.page(start, limit, filter ? (r) => matchesQuery(r, filter) : undefined);
  }

  /** Every ID matching a search (for deletes and bulk read changes). */
  idsMatching(query: string, timeZone?: string): string[] {
    return this.list(0, Number.MAX_SAFE_INTEGER, query, timeZone).records.map((r) => r.id);
  }

  get total(): number {
    return this.index.size;
  }

  get unread(): number {
    return this.index.unread;
  }

  records(): Iterable<MessageRecord> {
    return this.index.oldestFirst();
  }

  summary(record: MessageRecord): MessageSummary {
    return toMessageSummary(record);
  }

  async raw(id: string): Promise<Buffer> {
    const record = this.record(id);
    return this.spool.readRaw(record.id);
  }

  async headers(id: string): Promise<Record<string, string[]>> {
    return headerMap(await this.raw(id));
  }

  /** The full message as Mailpit returns it. Opening a message marks it read, as in Mailpit. */
  async detail(id: string, options: { markRead?: boolean } = {}): Promise<MessageDetail> {
    const record = this.record(id);
    const raw = await this.spool.readRaw(record.id);
    let detail: MessageDetail;
    try {
      detail = toMessageDetail(record, await this.parser.detail(raw));
    } catch (err) {
      detail = toMessageDetail(record, null, (err as Error).message);
    }
    if (options.markRead !== false) await this.setRead([record.id], true);
    return { ...detail, Read: true };
  }

  /** The route the message took, from its Received chain, and its envelope checked. */
  async route(id: string): Promise<RouteAnalysis> {
    const record = this.record(id);
    return analyzeMessage(await this.spool.readRaw(record.id), record.envelope);
  }

  async part(id: string, partId: string): Promise<ParsedPart> {
    const record = this.record(id);
    const part = await this.parser.part(await this.spool.readRaw(record.id), partId);
    if (!part)
      throw new NotFoundError(`message ${record.id} has no part ${JSON.stringify(partId)}`);
    return part;
  }

  // --- changes -------------------------------------------------------------------------------

  async setRead(ids: string[], read: boolean): Promise<void> {
    for (const id of ids) {
      const record = this.index.get(id);
      if (!record || !this.index.setRead(record, read)) continue;
      await this.spool.update(record);
      this.publish({ Type: 'update', Data: { ID: id, Read: read } });
    }
    this.publishStats();
  }

  async deleteMessages(ids: string[]): Promise<string[]> {
    const removed = this.index.remove(ids);
    for (const id of removed) await this.spool.remove(id);
    this.stats.deleted += removed.length;
    if (removed.length > 0) {
      this.publish({ Type: 'delete', Data: { IDs: removed } });
      this.publishStats();
    }
    return removed;
  }

  async deleteAll(): Promise<void> {
    const all = [...this.index.oldestFirst()].map((r) => r.id);
    this.index.remove(all);
    for (const id of all) await this.spool.remove(id);
    this.stats.deleted += all.length;
    this.publish({ Type: 'delete', Data: null });
    this.publishStats();
  }

  /**
   * Resolves with the newest message matching `query` that is already there, or the first one
   * to arrive before the timeout; null at the timeout. Tests use it instead of polling.
   */
  waitFor(query: string, timeoutMs: number, signal?: AbortSignal): Promise<MessageRecord | null> {
    const filter = query.trim() === '' ? null : parseSearchQuery(query);
    const matches = (r: MessageRecord): boolean => (filter ? matchesQuery(r, filter) : true);
    const existing = this.index.page(0, 1, matches).records[0];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve) => {
      const finish = (record: MessageRecord | null): void => {
        clearTimeout(timer);
        this.off('event', onEvent);
        signal?.removeEventListener('abort', onAbort);
        resolve(record);
      };
      const onEvent = (event: RelaydeskEvent): void => {
        if (event.Type !== 'new') return;
        const record = this.index.get(event.Data.ID);
        if (record && matches(record)) finish(record);
      };
      const onAbort = (): void => finish(null);
      const timer = setTimeout(() => finish(null), timeoutMs);
      this.on('event', onEvent);
      signal?.addEventListener('abort', onAbort);
    });
  }
}
