// Webhooks: a JSON POST to each configured URL for every new message and every change of a
// message's delivery status (main/server/webhooks/ shapes the bodies). Receiving never waits for
// them: events go into a bounded queue in memory and are sent in the background, each with a
// timeout, retried with a doubling wait, and recorded in a delivery log the API shows.
//
// What a crash loses: the queue lives in memory only, so webhooks not yet delivered when the
// process dies are not sent after the restart. The messages themselves are safe on disk. When
// the queue is full the oldest waiting webhook is dropped (and logged as dropped), never mail.
import { createHmac, randomUUID } from 'node:crypto';
import type { WebhookDeliveryView } from '../../../preload/api-contract.js';
import { displayUrl } from './webhook-urls.js';

export type WebhookEvent = WebhookDeliveryView['Event'];

/** One webhook POST and its outcome; the shape the API shows. */
export type WebhookDelivery = WebhookDeliveryView;

export interface WebhookSenderOptions {
  urls: string[];
  /** Signs each body (HMAC-SHA256) when set; never logged, never in the delivery log. */
  secret: string | null;
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  userAgent: string;
  /**
   * This instance's label (Mailpit's --label), read at each request: sent as Mailpit's
   * `Mailpit-Label` header when set, so a receiver fed by several instances tells them apart.
   */
  label?: () => string;
  log(line: string): void;
  /** Webhooks waiting (not yet delivered) at most; beyond it the oldest is dropped. */
  maxQueued?: number;
  /** Requests in flight at most, over all URLs. */
  concurrency?: number;
}

/** What a save in Settings changes on a running sender. */
export type WebhookSenderChange = Pick<
  WebhookSenderOptions,
  'urls' | 'secret' | 'timeoutMs' | 'retries' | 'retryDelayMs'
>;

interface Job {
  delivery: WebhookDelivery;
  url: string;
  body: string;
}

/** Deliveries the log keeps, newest first. */
const logMemory = 500;

export const signatureHeader = 'x-relaydesk-signature-256';

/** `sha256=<hex>` of the body, as GitHub signs its webhooks (X-Hub-Signature-256). */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

const urlSetting = '--webhook-url ("webhookUrls" in the settings)';

const removedWords = 'not sent: its URL was taken out of the webhook URLs in the settings';

// What failed and the fix, for the delivery log, the Logs view and the service log: "HTTP 500"
// or "connect ECONNREFUSED 127.0.0.1:9000" alone left the user to work out whose side failed and
// what to change. The answer's status is `Status`, beside these words (the log line puts it first).

/** Why a receiver's answer other than 2xx is a failure, and what to do. */
function answerAdvice(status: number): string {
  if (status >= 300 && status <= 399) {
    return `the receiver redirects, and webhooks do not follow redirects (the body would go elsewhere); give the address it redirects to in ${urlSetting}`;
  }
  if (status >= 400 && status <= 499) {
    return `the receiver refused the POST; check the address and path in ${urlSetting}, and the secret (--webhook-secret-file) when the receiver checks signatures`;
  }
  return 'the receiver failed on its side; its own log says why';
}

/** Why no answer came (nothing listens, no such host), and what to do. */
function unreachedAdvice(err: unknown, href: string): string {
  const cause = (err as Error & { cause?: NodeJS.ErrnoException }).cause;
  const { host } = new URL(href);
  if (cause?.code === 'ECONNREFUSED') {
    return `nothing listens at ${host} (ECONNREFUSED); start the receiver, or correct ${urlSetting}`;
  }
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') {
    return `the host of ${host} is not found in DNS (${cause.code}); correct ${urlSetting}`;
  }
  return cause?.message ?? (err as Error).message;
}

export class WebhookSender {
  private readonly waiting: Job[] = [];
  /** Each job waiting out its retry delay, by its timer. */
  private readonly retryTimers = new Map<NodeJS.Timeout, Job>();
  private readonly inFlight = new Map<Job, AbortController>();
  private readonly log: WebhookDelivery[] = [];
  private stopped = false;
  private readonly maxQueued: number;
  private readonly concurrency: number;

  constructor(private options: WebhookSenderOptions) {
    this.maxQueued = options.maxQueued ?? 1000;
    this.concurrency = options.concurrency ?? 4;
  }

  get enabled(): boolean {
    return this.options.urls.length > 0;
  }

  /** Queues one POST per URL; returns at once. */
  enqueue(event: WebhookEvent, messageId: string, payload: unknown): void {
    if (this.stopped || !this.enabled) return;
    const body = JSON.stringify(payload);
    for (const url of this.options.urls) {
      const delivery: WebhookDelivery = {
        ID: randomUUID(),
        Event: event,
        MessageID: messageId,
        URL: displayUrl(url),
        State: 'pending',
        Attempts: 0,
        Status: null,
        Error: null,
        Created: new Date().toISOString(),
        Finished: null,
      };
      this.remember(delivery);
      this.waiting.push({ delivery, url, body });
    }
    while (this.waiting.length > this.maxQueued) {
      const dropped = this.waiting.shift() as Job;
      this.finish(dropped, 'dropped', 'the webhook queue was full');
    }
    this.pump();
  }

  /** The delivery log, newest first. */
  deliveries(): WebhookDelivery[] {
    return this.log.map((d) => ({ ...d }));
  }

  /**
   * Takes the URLs, secret, timeout and retries saved in Settings, at once. A webhook waiting for a URL
   * no longer listed is dropped (said in the delivery log), never sent to an address the user
   * just took out; one already in flight ends as it ends, and is not retried.
   */
  reconfigure(change: WebhookSenderChange): void {
    this.options = { ...this.options, ...change };
    const removed = (job: Job) => !this.options.urls.includes(job.url);
    for (const job of this.waiting.filter(removed)) {
      this.waiting.splice(this.waiting.indexOf(job), 1);
      this.finish(job, 'dropped', removedWords);
    }
    for (const [timer, job] of this.retryTimers) {
      if (!removed(job)) continue;
      clearTimeout(timer);
      this.retryTimers.delete(timer);
      this.finish(job, 'dropped', removedWords);
    }
    this.pump();
  }

  /** Stops sending: requests in flight are aborted, waiting ones are left (and lost). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.retryTimers.keys()) clearTimeout(timer);
    this.retryTimers.clear();
    for (const controller of this.inFlight.values()) controller.abort();
  }

  private remember(delivery: WebhookDelivery): void {
    this.log.unshift(delivery);
    if (this.log.length > logMemory) this.log.pop();
  }

  private pump(): void {
    while (!this.stopped && this.inFlight.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job;
      void this.attempt(job);
    }
  }

  private finish(job: Job, state: 'delivered' | 'failed' | 'dropped', error: string | null): void {
    const d = job.delivery;
    d.State = state;
    d.Error = error;
    d.Finished = new Date().toISOString();
    if (state !== 'delivered') {
      const answer = d.Status === null ? '' : `HTTP ${d.Status}: `;
      this.options.log(
        `webhook: ${d.Event} ${d.MessageID} to ${d.URL} ${state} after ${d.Attempts} attempt(s): ${answer}${error ?? ''}`,
      );
    }
  }

  private async attempt(job: Job): Promise<void> {
    const controller = new AbortController();
    this.inFlight.set(job, controller);
    const d = job.delivery;
    d.Attempts++;
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    let error: string | null = null;
    try {
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': this.options.userAgent,
        'x-relaydesk-event': d.Event,
        'x-relaydesk-delivery': d.ID,
      };
      if (this.options.secret) headers[signatureHeader] = signBody(this.options.secret, job.body);
      const label = this.options.label?.() ?? '';
      if (label !== '') headers['mailpit-label'] = label;
      const res = await fetch(job.url, {
        method: 'POST',
        headers,
        body: job.body,
        signal: controller.signal,
        // a redirect is an answer we do not follow: the body would be re-sent somewhere else
        redirect: 'manual',
      });
      d.Status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status > 299) error = answerAdvice(res.status);
    } catch (err) {
      d.Status = null;
      error = controller.signal.aborted
        ? this.stopped
          ? 'stopped'
          : `no answer within ${this.options.timeoutMs} ms; the receiver is slow or stuck: have it answer at once and work afterwards, or raise --webhook-timeout-ms ("webhookTimeoutMs" in the settings)`
        : unreachedAdvice(err, job.url);
    } finally {
      clearTimeout(timer);
      this.inFlight.delete(job);
    }
    if (error === null) this.finish(job, 'delivered', null);
    else if (this.stopped) d.Error = error;
    else if (!this.options.urls.includes(job.url)) this.finish(job, 'dropped', removedWords);
    else if (d.Attempts > this.options.retries) this.finish(job, 'failed', error);
    else {
      d.State = 'retrying';
      d.Error = error;
      const wait = this.options.retryDelayMs * 2 ** (d.Attempts - 1);
      const retry = setTimeout(() => {
        this.retryTimers.delete(retry);
        this.waiting.push(job);
        this.pump();
      }, wait);
      retry.unref();
      this.retryTimers.set(retry, job);
    }
    this.pump();
  }
}
