// Parses MIME with mailparser in worker threads, with a time budget per message. mailparser's
// maintainer says not all of its regexes are safe from catastrophic backtracking (mailparser#378),
// so a hostile message must neither stall the SMTP event loop nor crash the relay: a job that
// runs over its budget has its worker terminated and the message is kept with a parse error.
//
// The same worker writes the spool's small files (a new message's .eml, whose bytes it gets for
// the parse anyway, and the sidecars folded in from the arrivals journal): a batch of files costs
// the SMTP thread one hand-off, where the libuv pool took three per file (open, write, close),
// each a wake-up of another thread on a machine of few cores.
//
// It also hosts the message index's writes (hostIndexWrites): one thread and one V8 heap fewer
// than a worker of their own. They come and go through a port of their own; a worker stopped for
// overrunning takes them along, and the index sends what it had not committed to the next one.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type {
  DeliveryReport,
  MimePartContent,
  MimeStructurePart,
  PartChecksums,
} from '../../../preload/api-contract.js';
import type { ParsedSummary } from '../message-record.js';
import type { IndexWritesData } from '../index/index-writer.js';
import { IncomingFile } from '../spool/incoming-file.js';
import { tempPathFor, type WriteOptions } from '../spool/durable-file.js';
import { sourceHead, sourceSize, type MessageSource } from '../spool/message-source.js';
import { bodyOffset, readHeaderFields } from '../message/header-fields.js';

const noBytes = new Uint8Array(0);

/** Messages up to this size are summarised from all of their bytes, but for attachments'. */
const trimAbove = 1024 * 1024;
/**
 * A message with parts (or one part that is not text) above this size is summarised without
 * the bodies of its attachments (parse-worker.js, trimmedParts): they are most of its bytes, and
 * the summary needs only their headers. An invoice of 700 KB (a 500 KB PDF): 4.4–4.9 against
 * 8.6–8.9 ms per summary through the worker.
 */
const attachmentsLeftAbove = 64 * 1024;
/**
 * A message of one plain-text part whose body is longer than this is summarised from the start
 * of its body only (parse-worker.js, cutSummary): the summary keeps the first 16 K characters of
 * the text, and the rest was decoded, split into lines and copied for nothing.
 */
const textCutAbove = 64 * 1024;
/** How much of such a body the summary's parse reads first (parse-worker.js reads more if need be). */
const textCutBytes = 48 * 1024;

/** The top-level Content-Type, lowercased; '' when there is none (text/plain, RFC 2045 §5.2). */
function topContentType(source: MessageSource): string {
  const type = readHeaderFields(sourceHead(source)).find(
    (field) => field.name.toLowerCase() === 'content-type',
  );
  return type ? type.value.trim().toLowerCase() : '';
}

/** Summarised from part of its bytes (see trimAbove, attachmentsLeftAbove). */
function summaryTrimmed(source: MessageSource, type: string): boolean {
  const size = sourceSize(source);
  if (size > trimAbove) return true;
  if (size <= attachmentsLeftAbove) return false;
  return type !== '' && !type.startsWith('text/');
}

/** How the summary's parse of a long plain-text message reads the start of its body. */
export interface SummaryCut {
  bodyStart: number;
  /** Bytes of the body read first. */
  bytes: number;
  /** The whole message's. */
  size: number;
}

/** Null: the summary's parse reads the whole message. */
function summaryCut(source: MessageSource, type: string): SummaryCut | null {
  const size = sourceSize(source);
  if (size <= textCutAbove) return null;
  if (type !== '' && !/^text\/plain\s*(;|$)/.test(type)) return null;
  const bodyStart = bodyOffset(sourceHead(source));
  if (size - bodyStart <= textCutAbove) return null;
  return { bodyStart, bytes: textCutBytes, size };
}

export interface ParsedPartInfo {
  PartID: string;
  FileName: string;
  ContentType: string;
  ContentID: string;
  Size: number;
  Checksums: PartChecksums;
  inline: boolean;
  /**
   * Mailpit's API lists it under neither Inline nor Attachments: no file name, Content-ID or
   * Content-Disposition (an invitation's text/calendar alternative; parse-worker.js).
   */
  unlisted: boolean;
  /**
   * An attached message's (message/rfc822) Subject, or that of the message a returned header
   * block (text/rfc822-headers) comes from; absent for other parts.
   */
  messageSubject?: string;
  /** With messageSubject: the name the part is saved under ("Your order.eml"). */
  savedName?: string;
}

export interface ParsedDetail {
  summary: ParsedSummary;
  text: string;
  /** The text was made from the HTML: the message has no text part. */
  textFromHtml: boolean;
  html: string;
  /** The first Date header's value, its folds joined; '' without one. */
  dateHeader: string;
  parts: ParsedPartInfo[];
  listUnsubscribe: string;
  listUnsubscribePost: string;
  /** What a delivery status notification reports (delivery-report.js); null for other mail. */
  deliveryReport: DeliveryReport | null;
}

export interface ParsedPart {
  contentType: string;
  fileName: string;
  /** Its Content-ID without the brackets; '' without one. */
  contentId: string;
  /**
   * Without a file name, the name it is saved under: an attached message's Subject with .eml,
   * a returned header block's with " (headers).txt"; '' for other parts and named ones.
   */
  savedName: string;
  content: Uint8Array;
}

type JobKind = 'summary' | 'detail' | 'part' | 'parts' | 'structure' | 'partContent' | 'write';
/** A job's result as the worker answers it (parse-worker.js). */
export type JobResult =
  | { summary: ParsedSummary; fromStart?: boolean }
  | ParsedDetail
  | { part: ParsedPart | null }
  | { parts: ParsedPart[] }
  | { structure: MimeStructurePart[] }
  | { partContent: MimePartContent | null }
  | Record<string, never>;

interface Job {
  jobId: number;
  kind: JobKind;
  source: MessageSource;
  partId?: string;
  /** For a write: the file, and whether it may be there already (else it must be new). */
  path?: string;
  overwrite?: boolean;
  /** For a replacing write: the temporary name it is written under, then renamed from. */
  temp?: string;
  /** A write into the page cache only, answered with the batch's parses (WriteOptions). */
  unsynced?: boolean;
  /** No bytes: the fdatasync of a file written unsynced before. */
  syncOnly?: boolean;
  /** Run alone: its batch overran the time budget, and this one may be why. */
  alone?: boolean;
  resolve(result: JobResult): void;
  reject(err: Error): void;
}

/** The worker's answer to one job (parse-worker.js writes these fields). */
export interface WorkerReply {
  jobId: number;
  ok: boolean;
  result?: JobResult;
  error?: string;
  /** The errno code of a failed write (ENOSPC: the listener answers 452). */
  code?: string;
}

/**
 * Summaries and writes of small messages waiting at once go to the worker in one batch, and come
 * back in two replies at most (the parses, then the synced writes): each message's round trip
 * cost the two threads more than its parse
 * (profiled at 2 KB × 10 sessions), and under load the waiting ones are many.
 */
const batchJobs = 32;
const batchBytes = 1024 * 1024;

function batchable(job: Job): boolean {
  return (
    (job.kind === 'summary' || job.kind === 'write') &&
    !job.alone &&
    !(job.source instanceof IncomingFile)
  );
}

/** A write as the worker gets it (parse-worker.js reads these fields). */
export interface WriteRequest {
  jobId: number;
  kind: 'write';
  path: string;
  /** For a replacing write: the temporary name it is written under, then renamed from. */
  temp: string | undefined;
  data: Uint8Array;
  overwrite: boolean;
  unsynced: boolean | undefined;
  syncOnly: boolean | undefined;
}

/** A parse as the worker gets it (parse-worker.js reads these fields). */
export interface ParseRequest {
  jobId: number;
  kind: Exclude<JobKind, 'write'>;
  partId: string | undefined;
  /** Summarised without the bodies of its attachments (summaryTrimmed). */
  trim: boolean;
  cut: SummaryCut | null;
  /** A message in the spool folder, which the worker reads there... */
  path?: string;
  /** ...or one in memory, whose bytes come with the job. */
  raw?: Uint8Array;
}

export type WorkerRequest = WriteRequest | ParseRequest;

/** A port into the worker where it serves the index's writes (hostIndexWrites). */
export interface IndexPortRequest {
  indexPort: MessagePort;
  indexData: IndexWritesData;
}

/** What the worker is posted: a batch of jobs, the word to load mailparser, or the index's port. */
export type ParseWorkerMessage = WorkerRequest[] | 'load' | IndexPortRequest;

/** What the worker posts: mailparser is loaded, or the replies to a batch (one or two each). */
export type ParseWorkerReply = WorkerReply[] | 'ready';

/** What the worker gets of a job (parse-worker.js reads these fields). */
function workerRequest(job: Job): WorkerRequest {
  const { jobId, kind, source } = job;
  if (kind === 'write') {
    // a write run again after its batch was stopped may find its own file from the first try
    return {
      jobId,
      kind,
      // a write's job has its path, and bytes for its source (write, datasync)
      path: job.path as string,
      temp: job.temp,
      data: source as Uint8Array,
      overwrite: Boolean(job.overwrite || job.alone),
      unsynced: job.unsynced,
      syncOnly: job.syncOnly,
    };
  }
  // a large message is summarised from the start of its text parts and the headers of the
  // others (parse-worker.js); a long plain text from the start of its body if that is enough
  const type =
    kind === 'summary' && sourceSize(source) > attachmentsLeftAbove ? topContentType(source) : '';
  return {
    jobId,
    kind,
    partId: job.partId,
    trim: kind === 'summary' && summaryTrimmed(source, type),
    cut: kind === 'summary' ? summaryCut(source, type) : null,
    // a message in the spool folder is read there by the worker: copying its bytes to the worker
    // cost the SMTP thread more than anything but the socket writes (bench/profile-2k-s10.md);
    // a small one in memory goes with the job (cheaper than the worker's open and reads)
    ...(source instanceof IncomingFile ? { path: source.path } : { raw: source }),
  };
}

function jobError(reply: WorkerReply): Error {
  const err = new MessageParseError(reply.error ?? 'unknown parser error');
  return reply.code ? Object.assign(err, { code: reply.code }) : err;
}

export class MessageParseError extends Error {
  override name = 'MessageParseError';
}

class ParserSlot {
  private worker: Worker | null = null;
  /** The jobs the worker has, in the order sent; empty when it is idle. */
  private current: Job[] = [];
  /** The worker has loaded mailparser (at its first parse): from then on a budget runs. */
  private ready = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Told at once when the current worker stops: the ends of what it hosts (the index's writes). */
  private hosted: (() => void)[] = [];

  private idleTimer: NodeJS.Timeout | null = null;
  /** Told once when a warmed worker has loaded mailparser. */
  private loadedCallback: (() => void) | null = null;

  constructor(
    private readonly budgetMs: number,
    private readonly onIdle: () => void,
    /** Jobs of a batch that overran: each is run again on its own. */
    private readonly retryAlone: (jobs: Job[]) => void,
    /** Ends the worker once it has had nothing to do this long (null: keeps it). */
    private readonly idleMs: number | null = null,
  ) {}

  get busy(): boolean {
    return this.current.length > 0;
  }

  get running(): boolean {
    return this.worker !== null;
  }

  /** Its worker has loaded mailparser. */
  get loaded(): boolean {
    return this.worker !== null && this.ready;
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./parse-worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (replies: ParseWorkerReply) => {
      if (replies !== 'ready') this.finish(replies);
      else if (this.worker === worker) {
        this.ready = true;
        const loaded = this.loadedCallback;
        this.loadedCallback = null;
        loaded?.();
        if (this.current.length > 0) this.startBudget();
      }
    });
    // a worker stopped for overrunning exits later, when its jobs are settled and the next ones
    // run in its successor: its end is not theirs
    worker.on('error', (err) => {
      if (this.worker === worker)
        this.fail(new MessageParseError(`parser crashed: ${err.message}`));
    });
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.stopped();
      this.fail(new MessageParseError('parser exited'));
    });
    return worker;
  }

  private started(): Worker {
    if (!this.worker) {
      this.worker = this.spawn();
      this.ready = false;
    }
    return this.worker;
  }

  run(jobs: Job[]): void {
    this.current = jobs;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const worker = this.started();
    if (this.ready) this.startBudget();
    worker.postMessage(jobs.map(workerRequest) satisfies ParseWorkerMessage);
  }

  /** Starts the worker, which loads mailparser meanwhile (parse-worker.js). */
  warm(onLoaded?: (ms: number) => void): void {
    if (this.closed) return;
    const since = performance.now();
    this.loadedCallback = onLoaded ? () => onLoaded(Math.round(performance.now() - since)) : null;
    this.started().postMessage('load' satisfies ParseWorkerMessage);
  }

  /** A port into the worker (started if need be), where it serves the index's writes. */
  hostIndexWrites(indexData: IndexWritesData, ended: () => void): MessagePort {
    if (this.closed) throw new MessageParseError('parser closed');
    const { port1, port2 } = new MessageChannel();
    this.started().postMessage({ indexPort: port2, indexData } satisfies ParseWorkerMessage, [
      port2,
    ]);
    this.hosted.push(ended);
    return port1;
  }

  /**
   * Lets go of the current worker (its caller ends it) and says so at once to what it hosts: the
   * port's own `close` comes a turn later, and a read of the index blocking meanwhile for a
   * commit (Atomics.wait) would wait out its timeout on the SMTP thread.
   */
  private stopped(): Worker | null {
    const worker = this.worker;
    this.worker = null;
    const hosted = this.hosted;
    this.hosted = [];
    for (const ended of hosted) ended();
    return worker;
  }

  /** The jobs' time starts once the worker has started (loading mailparser is not theirs). */
  private startBudget(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const worker = this.stopped();
      const overran = this.settle();
      if (overran.length > 1) this.retryAlone(overran);
      else {
        for (const job of overran) {
          job.reject(
            new MessageParseError(`parsing took longer than ${this.budgetMs} ms and was stopped`),
          );
        }
      }
      void worker?.terminate();
      this.idle();
    }, this.budgetMs);
    this.timer.unref();
  }

  private settle(): Job[] {
    const jobs = this.current;
    this.current = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return jobs;
  }

  /**
   * Settles the jobs a reply answers. A batch's parses come back before its writes are synced
   * (parse-worker.js): the worker stays busy, and its budget runs, until the last job is answered.
   * A reply from a worker already let go of (its jobs are elsewhere now) is ignored.
   */
  private finish(replies: WorkerReply[]): void {
    const jobs = new Map(this.current.map((job) => [job.jobId, job]));
    if (replies.some((reply) => !jobs.has(reply.jobId))) return;
    const answered = new Set(replies.map((reply) => reply.jobId));
    this.current = this.current.filter((job) => !answered.has(job.jobId));
    if (this.current.length === 0) this.settle();
    for (const reply of replies) {
      const job = jobs.get(reply.jobId);
      if (reply.ok && reply.result) job?.resolve(reply.result);
      else job?.reject(jobError(reply));
    }
    if (this.current.length === 0) this.idle();
  }

  private fail(err: Error): void {
    const jobs = this.settle();
    if (jobs.length === 0) return;
    for (const job of jobs) job.reject(err);
    this.idle();
  }

  /** Its jobs are done: the next ones are asked for, and with none an idle worker may end. */
  private idle(): void {
    this.onIdle();
    if (this.busy || this.idleMs === null || !this.worker) return;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    // the next job starts another
    this.idleTimer = setTimeout(() => void this.stopped()?.terminate(), this.idleMs);
    this.idleTimer.unref();
  }

  async close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.closed = true;
    const worker = this.stopped();
    if (worker) await worker.terminate();
  }
}

export class MessageParser {
  private readonly slots: ParserSlot[];
  private readonly waiting: Job[] = [];
  /** Background writes (folded sidecars): sent only when nothing else waits. */
  private readonly later: Job[] = [];
  private dispatchScheduled = false;
  private nextJobId = 1;
  /** Summaries made from the start of a long plain text (parse-worker.js, cutSummary): for tests. */
  summariesFromStart = 0;
  /**
   * A whole message's parse (a message opened, its parts, the attachment filter's look) runs in a
   * worker of its own, started when asked and ended once idle for a while: it can take seconds
   * for a large HTML body, and the arrivals' worker, which also commits the index's writes that
   * reads wait for, must not sit behind it.
   */
  private readonly viewer: ParserSlot;
  private readonly viewing: Job[] = [];

  constructor(options: { workers?: number; budgetMs?: number; viewerIdleMs?: number } = {}) {
    const count = Math.max(1, options.workers ?? 1);
    this.viewer = new ParserSlot(
      options.budgetMs ?? 10_000,
      () => this.dispatch(),
      // its jobs go one at a time (a job that overran is the one): only as a safeguard
      (jobs) => this.viewing.unshift(...jobs),
      options.viewerIdleMs ?? 30_000,
    );
    this.slots = Array.from(
      { length: count },
      () =>
        new ParserSlot(
          options.budgetMs ?? 10_000,
          () => this.dispatch(),
          (jobs) => {
            for (const job of jobs) job.alone = true;
            this.waiting.unshift(...jobs);
          },
        ),
    );
  }

  /**
   * Sends what waits once this turn's jobs are all in: a message's parse and its .eml write are
   * asked for a few microtasks apart, and go to the worker in one batch.
   */
  private dispatchSoon(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    const viewed = this.viewer.busy ? undefined : this.viewing.shift();
    if (viewed) this.viewer.run([viewed]);
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const queue = this.waiting.length > 0 ? this.waiting : this.later;
      const first = queue.shift();
      if (!first) return;
      const jobs = [first];
      let bytes = sourceSize(first.source);
      while (batchable(first) && jobs.length < batchJobs) {
        const next = queue[0];
        if (!next || !batchable(next) || bytes + sourceSize(next.source) > batchBytes) break;
        bytes += sourceSize(next.source);
        jobs.push(queue.shift() as Job);
      }
      slot.run(jobs);
    }
  }

  private enqueue(
    kind: JobKind,
    source: MessageSource,
    more: Pick<Job, 'partId' | 'path' | 'overwrite' | 'temp' | 'unsynced' | 'syncOnly'> = {},
    background = false,
  ): Promise<JobResult> {
    // a small message received over SMTP goes to the worker from memory even if it is on disk
    // by the time its turn comes (its bytes are dropped from the IncomingFile once synced)
    const kept = source instanceof IncomingFile ? (source.bytes ?? source) : source;
    return new Promise<JobResult>((resolve, reject) => {
      const job = { jobId: this.nextJobId++, kind, source: kept, ...more, resolve, reject };
      const queue =
        kind === 'detail' || kind === 'part' || kind === 'parts'
          ? this.viewing
          : background
            ? this.later
            : this.waiting;
      queue.push(job);
      this.dispatchSoon();
    });
  }

  /**
   * Writes a small file durably in the worker: resolved once its bytes and its name are on disk
   * (its fdatasync, and an fsync of its folder shared by the files of one batch). A new file must
   * not exist yet unless `overwrite`; a `replace` write goes under a temporary name first and is
   * renamed over the old file once synced; a `background` write waits until no other job does;
   * an `unsynced` one is answered once in the page cache, with its batch's parses.
   * A failure carries the errno `code` (ENOSPC, EEXIST).
   */
  async write(path: string, data: Uint8Array | string, options: WriteOptions = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await this.enqueue(
      'write',
      bytes,
      options.replace
        ? { path, temp: tempPathFor(path) }
        : { path, overwrite: options.overwrite ?? false, unsynced: options.unsynced },
      options.background ?? false,
    );
  }

  /** The fdatasync of a file written `unsynced` (with its batch's folder fsync), in the worker. */
  async datasync(path: string, options: { background?: boolean } = {}): Promise<void> {
    await this.enqueue('write', noBytes, { path, syncOnly: true }, options.background ?? false);
  }

  /** The list/search facts of a message; never rejects: a failure is kept as `parseError`. */
  async summarize(raw: MessageSource): Promise<ParsedSummary> {
    try {
      const result = (await this.enqueue('summary', raw)) as {
        summary: ParsedSummary;
        fromStart?: boolean;
      };
      if (result.fromStart) this.summariesFromStart++;
      return result.summary;
    } catch (err) {
      return unparsedSummary(raw, (err as Error).message);
    }
  }

  async detail(raw: MessageSource): Promise<ParsedDetail> {
    return (await this.enqueue('detail', raw)) as ParsedDetail;
  }

  /** Every attachment and inline part with its content, from one parse. */
  async parts(raw: MessageSource): Promise<ParsedPart[]> {
    return ((await this.enqueue('parts', raw)) as { parts: ParsedPart[] }).parts;
  }

  /** The MIME structure as sent: each part's type, encoding, headers and size (no body). */
  async structure(raw: MessageSource): Promise<MimeStructurePart[]> {
    return ((await this.enqueue('structure', raw)) as { structure: MimeStructurePart[] }).structure;
  }

  /** One part of the structure as sent, and decoded when it is text; null when there is none. */
  async partContent(raw: MessageSource, partId: string): Promise<MimePartContent | null> {
    const result = await this.enqueue('partContent', raw, { partId });
    return (result as { partContent: MimePartContent | null }).partContent;
  }

  async part(raw: MessageSource, partId: string): Promise<ParsedPart | null> {
    return ((await this.enqueue('part', raw, { partId })) as { part: ParsedPart | null }).part;
  }

  /**
   * Starts the arrivals' worker and has it load mailparser now, in the background: the first
   * message's 250 then does not wait a few hundred ms for it.
   */
  warm(onLoaded?: (ms: number) => void): void {
    (this.slots[0] as ParserSlot).warm(onLoaded);
  }

  /**
   * Serves the message index's writes in the parse worker (index-writes.js, given `indexData`)
   * and returns the port to them; `ended` is called as soon as that worker is stopped or exits.
   */
  hostIndexWrites(indexData: IndexWritesData, ended: () => void): MessagePort {
    return (this.slots[0] as ParserSlot).hostIndexWrites(indexData, ended);
  }

  async close(): Promise<void> {
    const left = [...this.waiting.splice(0), ...this.later.splice(0), ...this.viewing.splice(0)];
    for (const job of left) job.reject(new MessageParseError('parser closed'));
    await Promise.all([...this.slots, this.viewer].map((slot) => slot.close()));
  }

  /** Whether the arrivals' worker has mailparser loaded (warm, or a first parse). */
  get parserLoaded(): boolean {
    return (this.slots[0] as ParserSlot).loaded;
  }

  /** Whether the worker for whole-message parses is running (it ends once idle a while). */
  get viewerRunning(): boolean {
    return this.viewer.running;
  }
}

/** What we can still say about a message mailparser could not read: its raw Subject line. */
export function unparsedSummary(raw: MessageSource, reason: string): ParsedSummary {
  const head = Buffer.from(sourceHead(raw).subarray(0, 64 * 1024)).toString('latin1');
  const subject = /^subject:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1] ?? '';
  return {
    messageId: '',
    subject: subject.replace(/\r?\n[ \t]+/g, ' ').trim(),
    date: null,
    from: null,
    to: [],
    cc: [],
    bcc: [],
    replyTo: [],
    returnPath: '',
    attachments: 0,
    inline: 0,
    snippet: '',
    searchText: '',
    parseError: reason,
  };
}
