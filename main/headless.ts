// Starts Relaydesk without Electron: the relay and the HTTP API + UI. The desktop app runs the
// same thing behind its window, and the tests start it this way.
import type { AddressInfo } from 'node:net';
import type { DeliverFunction } from './core/queue/delivery-queue.js';
import {
  listenFailure,
  listenOnLoopbackTwin,
  ownTwin,
  type LoopbackTwin,
} from './core/listener/listen-address.js';
import { loopbackTwinHost } from '../preload/loopback-twin.js';
import { RelayService } from './core/relay-service.js';
import { listenerClash, listenerClashWords } from './core/settings/listener-overlap.js';
import { resolveWithSaved, type SavedSettings } from './core/settings/saved-settings.js';
import type { SettingsStore } from './core/settings/settings-store.js';
import {
  SettingsError,
  type ListenAddress,
  type Settings,
} from './core/settings/settings-schema.js';
import { httpExposureProblem } from './server/basic-auth.js';
import { createHttpServer } from './server/http-server.js';
import { sendEventsAsWebhooks } from './server/webhooks/webhook-events.js';
import { hostPort, uiUrl } from './core/net/ip-address.js';
import { storageFullFailure } from './core/spool/storage-full.js';

export interface StartOptions {
  /** HOST:PORT overrides, as the flags take them. */
  smtp?: string;
  http?: string;
  dataDir?: string;
  /** Further settings by key, as in a --config file (saved settings win over them). */
  settings?: Partial<Record<keyof Settings, unknown>>;
  /** Fully resolved settings; when given, the other fields are ignored. */
  resolved?: Settings;
  /** With `resolved`: the saved settings it was resolved with (see resolveWithSaved). */
  saved?: SavedSettings;
  /** With `resolved`: the saved settings, when they are not those it runs with (RelayServiceOptions). */
  savedTarget?: Settings;
  /** Where GUI saves go; default `settings.json` in the data folder. */
  settingsStore?: SettingsStore;
  rendererDir?: string;
  log?: (line: string) => void;
  /** Injectable clock and upstream client, for tests (see RelayServiceOptions). */
  now?: () => number;
  deliver?: DeliverFunction;
}

export interface RunningRelaydesk {
  smtp: ListenAddress;
  http: ListenAddress;
  /** The loopback twins (`[::1]` beside 127.0.0.1, listen-address.ts), null where none. */
  alsoOn: { smtp: ListenAddress | null; http: ListenAddress | null };
  url: string;
  service: RelayService;
  close(): Promise<void>;
}

export async function startRelaydesk(options: StartOptions = {}): Promise<RunningRelaydesk> {
  let settings: Settings;
  let saved: SavedSettings | undefined = options.saved;
  if (options.resolved) settings = options.resolved;
  else {
    const resolved = await resolveWithSaved(
      {
        env: {},
        flags: {
          ...(options.smtp ? { '--smtp': options.smtp } : {}),
          ...(options.http ? { '--http': options.http } : {}),
          ...(options.dataDir ? { '--data': options.dataDir } : {}),
        },
        ...(options.settings ? { configValues: options.settings } : {}),
      },
      options.settingsStore,
    );
    settings = resolved.settings;
    saved = resolved;
  }
  const httpProblem = httpExposureProblem(settings);
  if (httpProblem) throw new SettingsError(httpProblem);
  // said before anything listens: otherwise the second listener's EADDRINUSE reads as another
  // program's. Under keep-running (the desktop app) the others start and that one's failure is
  // shown, as for any listener, rather than no app at all
  const clash = settings.listenerFailure === 'exit' ? listenerClash(settings) : null;
  if (clash) throw new SettingsError(listenerClashWords(clash, (key) => `--${key}`));
  const service = new RelayService({
    settings,
    ...(options.now ? { now: options.now } : {}),
    ...(options.deliver ? { deliver: options.deliver } : {}),
    ...(saved
      ? {
          settingsStore: saved.store,
          savedSettings: saved.saved,
          pinnedSettings: saved.pinned,
          savedIn: saved.savedIn,
          ...(options.savedTarget ? { savedTarget: options.savedTarget } : {}),
        }
      : options.settingsStore
        ? { settingsStore: options.settingsStore }
        : {}),
  });
  if (options.log) service.on('log', options.log);
  // before the start, so that no message listed is missed; the service sends, the edge shapes
  sendEventsAsWebhooks(service);

  const server: {
    app?: Awaited<ReturnType<typeof createHttpServer>>;
    twin?: LoopbackTwin;
    failed?: boolean;
  } = {};
  const listenHttp = async (): Promise<void> => {
    try {
      server.app = await createHttpServer(service, { rendererDir: options.rendererDir });
      await server.app.listen({ host: settings.http.host, port: settings.http.port });
      const bound = server.app.server.address() as AddressInfo;
      const twinHost = loopbackTwinHost(settings.http.host, bound.address);
      const own = server.app
        .addresses()
        .find((a): a is AddressInfo => typeof a !== 'string' && a.address === twinHost);
      // a Mailpit-API test suite told http://localhost:8025 may try ::1 alone (Node 18's fetch)
      server.twin = own
        ? ownTwin({ host: own.address, port: own.port })
        : await listenOnLoopbackTwin(server.app.server, '--http', settings.http, {
            host: bound.address,
            port: bound.port,
          });
      if (server.twin.note) service.logLine(`listener: ${server.twin.note}`);
    } catch (err) {
      server.failed = true;
      throw err;
    }
  };
  let smtp: ListenAddress;
  let smtpAlso: ListenAddress | null;
  try {
    // the API listens before the SMTP port does (see RelayService.start)
    ({ smtp, smtpAlso } = await service.start({ beforeListening: listenHttp }));
  } catch (err) {
    if (!server.failed) {
      // a listener (SMTP, POP3) could not start: the API, already up, goes too, and what the
      // service opened (spool, index, journals, workers) is closed
      await server.twin?.close();
      await server.app?.close();
      await service.stop().catch(() => undefined);
      throw storageFullFailure('start', err, settings.dataDir) ?? err;
    }
    await service.stop();
    if ((err as NodeJS.ErrnoException).syscall === 'listen') {
      throw listenFailure('--http', settings.http, err, 8025);
    }
    throw err;
  }
  const app = server.app;
  if (!app) throw new Error('the HTTP server was not started');
  const address = app.server.address() as AddressInfo;
  const http = { host: address.address, port: address.port };
  await service.httpListening(http);
  const httpAlso = server.twin?.address ?? null;
  service.logLine(
    `exposure: UI and API on ${hostPort(http)}${httpAlso ? ` and ${hostPort(httpAlso)}` : ''} (${settings.uiPasswordFile ? 'password required' : 'no password: this machine only'})`,
  );

  let closing: Promise<void> | null = null;
  return {
    smtp,
    http,
    alsoOn: {
      smtp: smtpAlso,
      http: httpAlso,
    },
    url: uiUrl(http),
    service,
    close() {
      closing ??= (async () => {
        // SMTP refuses new connections at once; the API closes before the service's last word
        // (the index snapshot), so nothing changes the messages after it
        const accepting = service.stopAccepting();
        await server.twin?.close();
        await app.close();
        await accepting;
        await service.stop().catch((err: unknown) => {
          throw storageFullFailure('stop', err, settings.dataDir) ?? err;
        });
      })();
      return closing;
    },
  };
}
