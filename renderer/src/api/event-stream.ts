import type { RelaydeskEvent } from './contract';
import { isLogSubscribedFrame, parseRelaydeskFrame } from './event-parse';
import type { EventStreamState } from './renderer-api';

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 15_000;

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential, capped, with jitter so that
 * several open windows do not hammer a restarting server in step.
 */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export interface EventStreamOptions {
  url: string;
  onEvent(event: RelaydeskEvent): void;
  onState(state: EventStreamState): void;
  /** Each time the socket opens (again): what the server must be told anew, e.g. subscriptions. */
  onOpen?(send: (text: string) => void): void;
  /** The server's word that the log subscription is in effect (every later line will come). */
  onLogSubscribed?(): void;
  createSocket?: (url: string) => WebSocket;
}

/** Keeps one WebSocket to `/api/events` open until `close()`, reconnecting with backoff. */
export function openEventStream(options: EventStreamOptions): {
  close(): void;
  /** Sends a frame if the socket is open; onOpen says it again after a reconnect. */
  send(text: string): void;
} {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url));
  let socket: WebSocket | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let closed = false;

  const connect = (): void => {
    options.onState(attempt === 0 ? 'connecting' : 'reconnecting');
    const current = createSocket(options.url);
    socket = current;
    current.onopen = () => {
      attempt = 0;
      options.onOpen?.((text) => current.send(text));
      options.onState('open');
    };
    current.onmessage = (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      if (isLogSubscribedFrame(message.data)) {
        options.onLogSubscribed?.();
        return;
      }
      for (const event of parseRelaydeskFrame(message.data)) options.onEvent(event);
    };
    // onerror is always followed by onclose, so retrying is done in one place
    current.onclose = () => {
      if (closed || socket !== current) return;
      socket = null;
      options.onState('reconnecting');
      retryTimer = setTimeout(connect, reconnectDelay(attempt));
      attempt += 1;
    };
  };

  connect();
  return {
    send(text) {
      if (socket?.readyState === WebSocket.OPEN) socket.send(text);
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      socket?.close();
      socket = null;
    },
  };
}
