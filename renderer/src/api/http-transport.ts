import {
  apiMethods,
  checkArguments,
  httpRequest,
  methodNames,
  type HttpBinding,
  type MethodName,
} from '../../../preload/api-methods';
import type { MessagePartContent, RelaydeskApi, RelaydeskEvent } from './contract';
import { createLogFollowers } from './log-followers';
import { openEventStream } from './event-stream';
import { createListenerSet } from './listener-set';
import type { EventStreamState, RendererApi } from './renderer-api';

/**
 * A refusal or failure answered by the relay. Its `message` is the relay's own sentence (it names
 * the field, the value and the fix), so a screen that shows `error.message` shows what the user
 * can act on; the request it answered ("POST /api/v1/users failed with 400") is `requestLine`,
 * for logs and bug reports. Before, `message` began with the request line and every screen had
 * to remember to strip it; one that forgot showed it.
 */
export class ApiError extends Error {
  /** "POST /api/v1/users failed with 400": what was asked, and the HTTP status of the answer. */
  readonly requestLine: string;

  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    /** The server's own words (its error text), without the request it answered. */
    readonly detail: string,
  ) {
    const requestLine = `${method} ${path} failed with ${status}`;
    // an answer without words (a proxy's bare 502) has only the request line to say
    super(detail !== '' ? detail : requestLine);
    this.requestLine = requestLine;
    this.name = 'ApiError';
  }
}

/**
 * What to show for a failure: its message (an ApiError's is the relay's own sentence; over IPC
 * the preload hands over the handler's own words already), or the value itself when a
 * non-Error was thrown.
 */
export function serverWords(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

export interface HttpTransportOptions {
  /** Where the API lives; `/api/v1/…` and `/api/events` are resolved against it. */
  baseUrl: URL;
  fetch?: typeof fetch;
  createSocket?: (url: string) => WebSocket;
}

/**
 * The API over HTTP plus the `/api/events` WebSocket, as used in a browser (headless mode). Each
 * method is the request its entry in the method table (preload/api-methods.ts) describes.
 */
export function createHttpTransport(options: HttpTransportOptions): RendererApi {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function request(
    method: string,
    path: string,
    body?: unknown,
    resultStatus?: number,
  ): Promise<Response> {
    const url = new URL(path, options.baseUrl);
    const init: RequestInit = { method, headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      // The server refuses state changes without this header: a cross-origin page cannot send
      // it without a CORS preflight, which is what keeps other web pages from driving the API.
      init.headers = { ...init.headers, 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    let response: Response;
    try {
      response = await fetchImpl(url, init);
    } catch {
      // fetch says only "Failed to fetch" (Chromium) or "NetworkError…" (Firefox) when nothing
      // answered: say what that means here and that nothing needs doing
      throw new Error(
        `Relaydesk did not answer (${method} ${url.pathname}): it has stopped or the network is down. This page reconnects by itself once it is back.`,
      );
    }
    if (!response.ok && response.status !== resultStatus) {
      const detail = await errorDetail(response);
      throw new ApiError(
        response.status,
        method,
        url.pathname,
        response.status === 404 ? notFoundDetail(url.pathname, detail) : detail,
      );
    }
    return response;
  }

  let streamState: EventStreamState = 'connecting';
  const stateListeners = createListenerSet<EventStreamState>();
  let stream: { close(): void; send(text: string): void } | null = null;
  const logFrame = (follow: boolean): string =>
    JSON.stringify({ Type: follow ? 'subscribe' : 'unsubscribe', Data: 'log' });
  /** Resolve the log subscriptions' `ready`: at the server's word, or when the stream drops. */
  const logSubscribed: Array<() => void> = [];
  const logSubscriptionSettled = (): void => {
    for (const resolve of logSubscribed.splice(0)) resolve();
  };
  // the server sends log lines only while a view (the Logs view) follows them, and says when it
  // does; a stream not open yet asks when it opens (onOpen)
  const logFollowers = createLogFollowers((follow) => {
    stream?.send(logFrame(follow));
    if (!follow) return Promise.resolve();
    return new Promise<void>((resolve) => logSubscribed.push(resolve));
  });
  let closeTimer: ReturnType<typeof setTimeout> | null = null;

  const events = createListenerSet<RelaydeskEvent>({
    onFirst() {
      if (closeTimer) clearTimeout(closeTimer);
      closeTimer = null;
      if (stream) return;
      // the contract's shapes: a deletion is one event listing its IDs (Mailpit sends one each);
      // batched, a burst of mail is a frame every 25 ms rather than four per message
      // logs=subscribe: no log lines unless the Logs view asks (followLogs)
      const url = new URL('api/events?shape=relaydesk&batch=1&logs=subscribe', options.baseUrl);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      stream = openEventStream({
        url: url.href,
        onEvent: (event) => events.emit(event),
        // (renew's frame goes by `stream`, whose socket is the one that just opened)
        onOpen: () => logFollowers.renew(),
        onLogSubscribed: logSubscriptionSettled,
        onState: (state) => {
          // the server is not there: the Logs view reads the history now, and says why it
          // cannot, rather than waiting without a word
          if (state === 'reconnecting') logSubscriptionSettled();
          streamState = state;
          stateListeners.emit(state);
        },
        createSocket: options.createSocket,
      });
    },
    onLast() {
      // React (StrictMode, re-renders) unsubscribes and subscribes again at once; closing the
      // socket in between would reconnect for nothing.
      closeTimer = setTimeout(() => {
        closeTimer = null;
        if (events.size > 0) return;
        stream?.close();
        stream = null;
        streamState = 'connecting';
      }, 1000);
    },
  });

  /** One function per method of the table: its arguments become the request it describes. */
  function call(name: MethodName) {
    const { http } = apiMethods[name] as {
      http: HttpBinding<unknown[]>;
    };
    return async (...args: unknown[]): Promise<unknown> => {
      // checked as the IPC handlers check them, so both transports refuse the same calls
      const checked = checkArguments(name, args) as unknown[];
      const { path, body } = httpRequest(name, checked);
      const response = await request(http.verb, path, body, http.resultStatus);
      switch (http.response ?? 'json') {
        case 'none':
          return undefined;
        case 'text':
          return response.text();
        case 'part':
          return partContent(response);
        default:
          // The server is ours and typed by the same contract, so its JSON is taken at its word.
          return response.json();
      }
    };
  }

  const methods = Object.fromEntries(methodNames.map((name) => [name, call(name)]));

  return {
    ...(methods as Omit<RelaydeskApi, 'onEvent'>),
    transport: 'http',
    onEvent: (listener) => events.add(listener),
    followLogs: () => logFollowers.follow(),
    onStreamState(listener) {
      listener(streamState);
      return stateListeners.add(listener);
    },
  };
}

/**
 * Mailpit's routes answer a message that is not there (deleted elsewhere, pruned at the cap) with
 * Mailpit's bare "404 page not found"; the GUI names what is missing, as over IPC.
 */
function notFoundDetail(path: string, detail: string): string {
  const id = /^\/api\/v1\/message\/([^/]+)/.exec(path)?.[1];
  if (!id || !/^404 page not found$/i.test(detail)) return detail;
  return `message "${decodeURIComponent(id)}" not found`;
}

/** The server's `{error}` sentence, or the start of whatever else it answered. */
async function errorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'error' in parsed) {
      return String(parsed.error).slice(0, 500);
    }
  } catch {
    // not JSON: shown as it is
  }
  // a sentence of the relay's as text (Mailpit's paths answer errors so, as Mailpit does); the
  // start of anything else (a proxy's HTML page)
  const sentence = /^text\/plain/.test(response.headers.get('content-type') ?? '');
  return text.slice(0, sentence ? 500 : 200).trim();
}

/** An attachment's bytes with the name and type the server gave in its headers. */
async function partContent(response: Response): Promise<MessagePartContent> {
  const disposition = response.headers.get('content-disposition') ?? '';
  return {
    FileName: /filename="([^"]*)"/.exec(disposition)?.[1] ?? '',
    ContentType: response.headers.get('content-type') ?? 'application/octet-stream',
    Data: new Uint8Array(await response.arrayBuffer()),
  };
}
