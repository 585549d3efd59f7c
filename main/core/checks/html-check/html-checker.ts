// Runs the HTML check in a worker thread of its own (html-check-worker.js). On the relay's thread a
// 180 KB newsletter's check blocked every SMTP session for 5-40 ms, and the first one for several
// hundred ms more while css-tree and caniemail's data loaded; the GUI asks for it each time an
// HTML message is opened (the tab's badge). Here that thread only posts the HTML and takes the
// result back.
//
// The worker is started by the first check and ended once idle for idleMs: it holds css-tree and
// caniemail's data in a V8 heap of its own (40 MB more resident after ten checks of a 180 KB
// newsletter), which a relay nobody reads mail in has no use for, while someone reading mail
// opens messages seconds apart and keeps it. A worker that dies (a crash, its heap exhausted) or
// overruns its budget fails the check it was running with a HtmlCheckFailure, and the checks
// queued behind it go to a fresh worker.
import { Worker } from 'node:worker_threads';
import { CallerError } from '../../caller-error.js';
import { ReportedFailure } from '../../reported-failure.js';
import type { HtmlCheckResult } from './index.js';

/** The message has no HTML part to check (Mailpit answers 400 the same way). */
export class NoHtmlError extends CallerError {
  override name = 'NoHtmlError';
}

/** The check could not be made; the API answers its userMessage with a log id (a 500). */
export class HtmlCheckFailure extends ReportedFailure {
  override name = 'HtmlCheckFailure';
}

export interface HtmlCheckerOptions {
  /** The worker ends after this long without a check (the next check starts another). */
  idleMs?: number;
  /** A check running longer than this is stopped (its worker ended) and fails. */
  budgetMs?: number;
  /** The worker's V8 old-generation limit: a check that needs more fails, the relay goes on. */
  heapMb?: number;
  /** Told how long a new worker took to load the check's modules and data. */
  onLoaded?: (ms: number) => void;
}

interface Check {
  html: string;
  resolve(result: HtmlCheckResult): void;
  reject(err: Error): void;
}

/** A check as posted to the worker (html-check-worker.js reads it). */
export interface HtmlCheckRequest {
  jobId: number;
  html: string;
}

/** What the worker posts (html-check-worker.js writes it): loaded, then one reply per check. */
export type WorkerReply = 'ready' | { jobId: number; result?: HtmlCheckResult; error?: string };

export class HtmlChecker {
  private worker: Worker | null = null;
  /** The current worker has loaded what it needs: from then on a check's budget runs. */
  private ready = false;
  /** Checks posted to the current worker, oldest (the one it is running) first. */
  private readonly running = new Map<number, Check>();
  private nextJobId = 1;
  private budgetTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly idleMs: number;
  private readonly budgetMs: number;

  constructor(private readonly options: HtmlCheckerOptions = {}) {
    // five minutes: a reader's pauses between messages, not the hours a relay sits unread
    this.idleMs = options.idleMs ?? 5 * 60_000;
    // a 25 MB HTML part (the listener's default size limit) takes a few seconds
    this.budgetMs = options.budgetMs ?? 60_000;
  }

  /** Whether a worker is running (it ends once idle, and with close). */
  get workerRunning(): boolean {
    return this.worker !== null;
  }

  /** How well email clients support `html`, from the worker. */
  check(html: string): Promise<HtmlCheckResult> {
    if (this.closed) return Promise.reject(stopping());
    return new Promise((resolve, reject) => this.post({ html, resolve, reject }));
  }

  private post(check: Check): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const worker = this.started();
    const jobId = this.nextJobId++;
    this.running.set(jobId, check);
    worker.postMessage({ jobId, html: check.html } satisfies HtmlCheckRequest);
    if (this.ready && this.running.size === 1) this.startBudget();
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const since = performance.now();
    const heapMb = this.options.heapMb ?? 512;
    const worker = new Worker(new URL('./html-check-worker.js', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    });
    // a check in flight never keeps the process alive: the relay's stop ends the worker
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      if (this.worker !== worker) return;
      if (reply === 'ready') {
        this.ready = true;
        this.options.onLoaded?.(Math.round(performance.now() - since));
        if (this.running.size > 0) this.startBudget();
      } else this.answered(reply);
    });
    // an uncaught error (ERR_WORKER_OUT_OF_MEMORY among them) is followed by 'exit'
    worker.on('error', (err) =>
      this.lost(worker, `the HTML check's worker crashed: ${err.message}`),
    );
    worker.on('exit', (code) => this.lost(worker, `the HTML check's worker exited (code ${code})`));
    this.worker = worker;
    this.ready = false;
    return worker;
  }

  private answered(reply: Exclude<WorkerReply, 'ready'>): void {
    const check = this.running.get(reply.jobId);
    if (!check) return;
    this.running.delete(reply.jobId);
    this.stopBudget();
    if (this.running.size > 0) this.startBudget();
    else this.idleSoon();
    if (reply.result) check.resolve(reply.result);
    else {
      check.reject(
        new HtmlCheckFailure(
          `the HTML check failed: ${reply.error ?? 'no reason given'}`,
          'The HTML check failed on this message',
        ),
      );
    }
  }

  /**
   * The worker is gone: the check it was running (the oldest) fails, the others are posted again
   * to a fresh one. A worker let go of already (stopped, idle, replaced) is no news.
   */
  private lost(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.ready = false;
    this.stopBudget();
    const checks = [...this.running.values()];
    this.running.clear();
    const [blamed, ...queued] = checks;
    blamed?.reject(
      new HtmlCheckFailure(reason, 'The HTML check stopped unexpectedly on this message'),
    );
    for (const check of queued) this.post(check);
    if (this.running.size === 0) this.idleSoon();
  }

  private startBudget(): void {
    this.stopBudget();
    const worker = this.worker;
    this.budgetTimer = setTimeout(() => {
      if (!worker) return;
      const reason = `the HTML check took longer than ${this.budgetMs} ms and was stopped`;
      this.lost(worker, reason);
      void worker.terminate();
    }, this.budgetMs);
    this.budgetTimer.unref();
  }

  private stopBudget(): void {
    if (this.budgetTimer) clearTimeout(this.budgetTimer);
    this.budgetTimer = null;
  }

  private idleSoon(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (!this.worker || this.closed) return;
    const worker = this.worker;
    this.idleTimer = setTimeout(() => {
      if (this.worker !== worker || this.running.size > 0) return;
      this.worker = null;
      void worker.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  /**
   * Ends the worker at once, with the relay: checks in flight fail (a stopping relay does not
   * wait for them), and later ones too.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.stopBudget();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const worker = this.worker;
    this.worker = null;
    const checks = [...this.running.values()];
    this.running.clear();
    for (const check of checks) check.reject(stopping());
    if (worker) await worker.terminate();
  }
}

function stopping(): HtmlCheckFailure {
  return new HtmlCheckFailure(
    'the HTML check was not finished: the relay is stopping',
    'The HTML check was not finished: the relay is stopping',
  );
}
