import type { MessageDetail, MessagesPage, RelaydeskEvent, RelaydeskInfo } from './contract';
import { openEventStream } from './event-stream';
import { createListenerSet } from './listener-set';
import type { EventStreamState, RendererApi } from './renderer-api';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${method} ${path} failed with ${status}${detail ? `: ${detail}` : ''}`);
    this.name = 'ApiError';
  }
}

export interface HttpTransportOptions {
  /** Where the API lives; `/api/v1/…` and `/api/events` are resolved against it. */
  baseUrl: URL;
  fetch?: typeof fetch;
  createSocket?: (url: string) => WebSocket;
}

/** Mailpit's v1 HTTP API plus its `/api/events` WebSocket, as used in a browser (headless mode). */
export function createHttpTransport(options: HttpTransportOptions): RendererApi {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function request(method: string, path: string, body?: unknown): Promise<Response> {
    const url = new URL(path, options.baseUrl);
    const init: RequestInit = { method, headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      // The server refuses state changes without this header: a cross-origin page cannot send
      // it without a CORS preflight, which is what keeps other web pages from driving the API.
      init.headers = { ...init.headers, 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const response = await fetchImpl(url, init);
    if (!response.ok) {
      const detail = (await response.text().catch(() => '')).slice(0, 200).trim();
      throw new ApiError(response.status, method, url.pathname, detail);
    }
    return response;
  }

  async function getJson<T>(path: string): Promise<T> {
    // The server is ours and typed by the same contract, so its JSON is taken at its word here.
    return (await (await request('GET', path)).json()) as T;
  }

  const page = (start: number, limit: number) => `start=${start}&limit=${limit}`;
  const messagePath = (id: string) => `api/v1/message/${encodeURIComponent(id)}`;

  let streamState: EventStreamState = 'connecting';
  const stateListeners = createListenerSet<EventStreamState>();
  let stream: { close(): void } | null = null;
  let closeTimer: ReturnType<typeof setTimeout> | null = null;

  const events = createListenerSet<RelaydeskEvent>({
    onFirst() {
      if (closeTimer) clearTimeout(closeTimer);
      closeTimer = null;
      if (stream) return;
      const url = new URL('api/events', options.baseUrl);
      url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
      stream = openEventStream({
        url: url.href,
        onEvent: (event) => events.emit(event),
        onState: (state) => {
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

  return {
    transport: 'http',
    listMessages: (start, limit) => getJson<MessagesPage>(`api/v1/messages?${page(start, limit)}`),
    searchMessages: (query, start, limit) =>
      getJson<MessagesPage>(
        `api/v1/search?query=${encodeURIComponent(query)}&${page(start, limit)}`,
      ),
    getMessage: (id) => getJson<MessageDetail>(messagePath(id)),
    getHeaders: (id) => getJson<Record<string, string[]>>(`${messagePath(id)}/headers`),
    getRaw: async (id) => (await request('GET', `${messagePath(id)}/raw`)).text(),
    setRead: async (ids, read) => {
      await request('PUT', 'api/v1/messages', { IDs: ids, Read: read });
    },
    deleteMessages: async (ids) => {
      await request('DELETE', 'api/v1/messages', { IDs: ids });
    },
    info: () => getJson<RelaydeskInfo>('api/v1/info'),
    onEvent: (listener) => events.add(listener),
    onStreamState(listener) {
      listener(streamState);
      return stateListeners.add(listener);
    },
  };
}
