// The calls the screens make beyond the first contract's nine methods. Until the method table
// lands they go to the HTTP API the same way the HTTP transport does; inside Electron (IPC) they
// are unavailable and the screens say so instead of failing.
import type { MessageDelivery } from './contract';
import { ApiError } from './http-transport';
import type {
  ConnectionTestResult,
  MailboxCount,
  QueueAction,
  QueueView,
  RouteAnalysis,
} from './pending-contract';

export interface ScreensApi {
  mailboxes(): Promise<MailboxCount[]>;
  delivery(id: string): Promise<MessageDelivery>;
  route(id: string): Promise<RouteAnalysis>;
  analyze(headersOrMessage: string): Promise<RouteAnalysis>;
  queue(): Promise<QueueView>;
  queueAction(action: QueueAction, ids: string[], to?: string[]): Promise<void>;
  testConnection(): Promise<ConnectionTestResult>;
  /** Cancelling a recipient needs the method table; false until then. */
  canCancel: boolean;
  /** Pausing by hand needs the method table; null until then. */
  setUpstreamPaused: ((paused: boolean) => Promise<void>) | null;
  /** Where the message's parts are downloaded from. */
  partUrl(id: string, partId: string): string;
}

export function createScreensHttp(baseUrl: URL, fetchImpl: typeof fetch = fetch): ScreensApi {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, baseUrl);
    const init: RequestInit = { method, headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      init.headers = { ...init.headers, 'Content-Type': 'application/json' };
      init.body = JSON.stringify(body);
    }
    const response = await fetchImpl(url, init);
    if (!response.ok) {
      const detail = (await response.text().catch(() => '')).slice(0, 300).trim();
      throw new ApiError(response.status, method, url.pathname, detail);
    }
    return (await response.json()) as T;
  }
  const message = (id: string) => `api/v1/message/${encodeURIComponent(id)}`;
  return {
    mailboxes: () => request('GET', 'api/v1/mailboxes'),
    delivery: (id) => request('GET', `${message(id)}/delivery`),
    route: (id) => request('GET', `${message(id)}/route`),
    analyze: (text) => request('POST', 'api/v1/analyze', { headers: text }),
    queue: () => request('GET', 'api/v1/queue'),
    queueAction: async (action, ids, to) => {
      await request(
        'POST',
        `api/v1/queue/${action}`,
        to?.length ? { IDs: ids, To: to } : { IDs: ids },
      );
    },
    testConnection: () => request('POST', 'api/v1/relay/test', {}),
    canCancel: false,
    setUpstreamPaused: null,
    partUrl: (id, partId) =>
      new URL(`${message(id)}/part/${encodeURIComponent(partId)}`, baseUrl).href,
  };
}
