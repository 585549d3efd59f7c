// Starts a real Relaydesk (SMTP listener + HTTP API) on free loopback ports with its own data
// folder, for one test file.
import { rm } from 'node:fs/promises';
import nodemailer, { type Transporter } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { eventually } from './eventually.js';
import { madeTempFolder } from './temp-folders.js';
import { startRelaydesk, type RunningRelaydesk, type StartOptions } from '../../main/headless.js';

/**
 * A pooled SMTP client for bursts of mail: each of its connections pays the listener's greeting
 * delay once, not once per message. Close it when done.
 */
export function pooledTransport(
  smtp: { host: string; port: number },
  maxConnections = 4,
): Transporter<SMTPTransport.SentMessageInfo> {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections,
    maxMessages: Infinity,
  });
}

/**
 * Sends `count` messages at once over a pooled client (`message(n)` makes the n-th) and closes
 * it: a burst such as an app's batch job makes, for the tests of what a burst costs the GUI.
 */
export async function sendBurst(
  smtp: { host: string; port: number },
  count: number,
  message: (n: number) => Mail.Options,
  connections = 8,
): Promise<void> {
  const transport = pooledTransport(smtp, connections);
  try {
    await Promise.all(Array.from({ length: count }, (_, n) => transport.sendMail(message(n))));
  } finally {
    transport.close();
  }
}

/**
 * A burst of `count` small messages (`b0`, `b1`…) sent at once, and waited for in `events` (a
 * listener's record, WebSocket or IPC): every `new`, and a last `stats` that counts them all.
 */
export async function sendBurstAndHear(
  smtp: { host: string; port: number },
  count: number,
  events: ReadonlyArray<{ Type: string; Data?: unknown }>,
): Promise<void> {
  await sendBurst(smtp, count, (n) => ({
    from: 'a@x.example',
    to: 'b@y.example',
    subject: `b${n}`,
    text: 'x',
  }));
  await eventually(() => events.filter((e) => e.Type === 'new').length).toBe(count);
  await eventually(() => events.findLast((e) => e.Type === 'stats')?.Data).toMatchObject({
    Total: count,
    Unread: count,
  });
}

export interface TestRelaydesk extends RunningRelaydesk {
  dataDir: string;
  /** GET (or another method) on the API, parsed as JSON. */
  api<T = unknown>(path: string, init?: RequestInit): Promise<T>;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** A nodemailer transport to the SMTP listener, authenticating when `auth` is given. */
  transport(auth?: { user: string; pass: string }): Transporter<SMTPTransport.SentMessageInfo>;
  /** Stops the relay and removes its data folder. */
  dispose(): Promise<void>;
}

/**
 * A fresh data folder in the temp folder, removed when the test file ends (also one a test made
 * for a restart, which dispose keeps, or whose relay never started).
 */
export function makeDataDir(): Promise<string> {
  return madeTempFolder('relaydesk-test-');
}

export async function startTestRelaydesk(
  settings: Record<string, unknown> = {},
  dataDir?: string,
  extra: Pick<StartOptions, 'now' | 'deliver' | 'log'> = {},
): Promise<TestRelaydesk> {
  const dir = dataDir ?? (await makeDataDir());
  const running = await startRelaydesk({
    smtp: '127.0.0.1:0',
    http: '127.0.0.1:0',
    dataDir: dir,
    settings,
    ...extra,
  });
  const base = `http://127.0.0.1:${running.http.port}`;
  const transports: Transporter[] = [];
  const doFetch = (path: string, init?: RequestInit): Promise<Response> => fetch(base + path, init);
  return {
    ...running,
    dataDir: dir,
    fetch: doFetch,
    async api<T>(path: string, init?: RequestInit): Promise<T> {
      const res = await doFetch(path, init);
      const text = await res.text();
      if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    },
    transport(auth) {
      const t = nodemailer.createTransport({
        host: '127.0.0.1',
        port: running.smtp.port,
        secure: false,
        ignoreTLS: true,
        ...(auth ? { auth } : {}),
      });
      transports.push(t);
      return t;
    },
    async dispose() {
      for (const t of transports) t.close();
      await running.close();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
