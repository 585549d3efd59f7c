// Parses MIME with mailparser in worker threads, with a time budget per message. mailparser's
// maintainer says not all of its regexes are safe from catastrophic backtracking (mailparser#378),
// so a hostile message must neither stall the SMTP event loop nor crash the relay: a job that
// runs over its budget has its worker terminated and the message is kept with a parse error.
import { Worker } from 'node:worker_threads';
import type { ParsedSummary } from '../message-record.js';
import { IncomingFile } from '../spool/incoming-file.js';
import { sourceHead, sourceSize, type MessageSource } from '../spool/message-source.js';

/** Messages up to this size are summarised from all of their bytes. */
const trimAbove = 1024 * 1024;

export interface ParsedPartInfo {
  PartID: string;
  FileName: string;
  ContentType: string;
  ContentID: string;
  Size: number;
  inline: boolean;
}

export interface ParsedDetail {
  summary: ParsedSummary;
  text: string;
  html: string;
  parts: ParsedPartInfo[];
  listUnsubscribe: string;
  listUnsubscribePost: string;
}

export interface ParsedPart {
  contentType: string;
  fileName: string;
  content: Uint8Array;
}

type JobKind = 'summary' | 'detail' | 'part';
type JobResult = { summary: ParsedSummary } | ParsedDetail | { part: ParsedPart | null };

interface Job {
  jobId: number;
  kind: JobKind;
  source: MessageSource;
  partId?: string;
  resolve(result: JobResult): void;
  reject(err: Error): void;
}

interface WorkerReply {
  jobId: number;
  ok: boolean;
  result?: JobResult;
  error?: string;
}

export class MessageParseError extends Error {
  override name = 'MessageParseError';
}

class ParserSlot {
  private worker: Worker | null = null;
  current: Job | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly budgetMs: number,
    private readonly onIdle: () => void,
  ) {}

  private spawn(): Worker {
    const worker = new Worker(new URL('./parse-worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.finish(reply));
    worker.on('error', (err) => this.fail(new MessageParseError(`parser crashed: ${err.message}`)));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
      this.fail(new MessageParseError('parser exited'));
    });
    return worker;
  }

  run(job: Job): void {
    this.current = job;
    this.worker ??= this.spawn();
    this.timer = setTimeout(() => {
      const worker = this.worker;
      this.worker = null;
      this.fail(
        new MessageParseError(`parsing took longer than ${this.budgetMs} ms and was stopped`),
      );
      void worker?.terminate();
    }, this.budgetMs);
    this.timer.unref();
    // a message in the spool folder is read there by the worker: copying its bytes to the worker
    // cost the SMTP thread more than anything but the socket writes (bench/profile-2k-s10.md);
    // a small one still in memory goes with the job (cheaper than the worker's open and reads)
    const source = job.source;
    const small = source instanceof IncomingFile ? source.bytes : null;
    this.worker.postMessage({
      jobId: job.jobId,
      kind: job.kind,
      // a large message is summarised from the start of each of its parts (parse-worker.js)
      trim: job.kind === 'summary' && sourceSize(source) > trimAbove,
      ...(source instanceof IncomingFile
        ? small
          ? { raw: small }
          : { path: source.path }
        : { raw: source }),
      partId: job.partId,
    });
  }

  private settle(): Job | null {
    const job = this.current;
    this.current = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    return job;
  }

  private finish(reply: WorkerReply): void {
    if (!this.current || reply.jobId !== this.current.jobId) return;
    const job = this.settle();
    if (reply.ok && reply.result) job?.resolve(reply.result);
    else job?.reject(new MessageParseError(reply.error ?? 'unknown parser error'));
    this.onIdle();
  }

  private fail(err: Error): void {
    const job = this.settle();
    if (!job) return;
    job.reject(err);
    this.onIdle();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
  }
}

export class MessageParser {
  private readonly slots: ParserSlot[];
  private readonly waiting: Job[] = [];
  private nextJobId = 1;

  constructor(options: { workers?: number; budgetMs?: number } = {}) {
    const count = Math.max(1, options.workers ?? 1);
    this.slots = Array.from(
      { length: count },
      () => new ParserSlot(options.budgetMs ?? 10_000, () => this.dispatch()),
    );
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.current) continue;
      const job = this.waiting.shift();
      if (!job) return;
      slot.run(job);
    }
  }

  private enqueue(kind: JobKind, source: MessageSource, partId?: string): Promise<JobResult> {
    return new Promise<JobResult>((resolve, reject) => {
      this.waiting.push({ jobId: this.nextJobId++, kind, source, partId, resolve, reject });
      this.dispatch();
    });
  }

  /** The list/search facts of a message; never rejects: a failure is kept as `parseError`. */
  async summarize(raw: MessageSource): Promise<ParsedSummary> {
    try {
      const result = (await this.enqueue('summary', raw)) as { summary: ParsedSummary };
      return result.summary;
    } catch (err) {
      return unparsedSummary(raw, (err as Error).message);
    }
  }

  async detail(raw: MessageSource): Promise<ParsedDetail> {
    return (await this.enqueue('detail', raw)) as ParsedDetail;
  }

  async part(raw: MessageSource, partId: string): Promise<ParsedPart | null> {
    return ((await this.enqueue('part', raw, partId)) as { part: ParsedPart | null }).part;
  }

  async close(): Promise<void> {
    for (const job of this.waiting.splice(0)) job.reject(new MessageParseError('parser closed'));
    await Promise.all(this.slots.map((slot) => slot.close()));
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
