// The facade's figures about the running relay, and the Prometheus metrics made of them.
import type { ListenersView } from '../../../preload/api-contract.js';
import { renderPrometheusText } from '../metrics/prometheus-text.js';
import { relayMetricFamilies } from '../metrics/relay-metrics.js';
import { relaydeskVersion } from './message-store.js';
import type { RuntimeFigures } from './runtime-figures.js';
import type { ServiceParts } from './service-parts.js';

export function runtimeMethods({
  settings,
  store,
  listener,
  queue,
  pop3,
  chaos,
  runtime,
  listenerStatus,
  now,
}: ServiceParts) {
  const { index, stats } = store;
  /** The running relay's figures (Mailpit's /api/v1/info at the edges). */
  function figures(): RuntimeFigures {
    return {
      version: relaydeskVersion,
      dataDir: settings.dataDir,
      messages: index.size,
      unread: index.unread,
      spoolBytes: index.totalBytes(),
      tags: Object.fromEntries(index.tags().counts),
      chaos: { enabled: chaos.enabled, active: chaos.active, triggers: chaos.triggers },
      uptimeSeconds: Math.round((now() - stats.startedAt) / 1000),
      memoryBytes: process.memoryUsage().rss,
      deleted: stats.deleted,
      accepted: stats.accepted,
      acceptedBytes: stats.acceptedBytes,
      ignored: stats.ignored,
      // as Mailpit counts refused messages: MAIL and DATA refusals (a refused recipient is not one)
      refusedMessages: listener.counters.refused.total(
        (l) => l.stage === 'mail' || l.stage === 'message',
      ),
      ui: { label: settings.label, hideDeleteAllButton: settings.hideDeleteAllButton },
      listeners: {
        smtp: runtime.smtpAddress,
        http: runtime.httpAddress ?? settings.http,
        pop3: pop3.addresses.pop3,
        pop3s: pop3.addresses.pop3s,
      },
      security: listener.security,
      sessions: listener.openSessions(),
    };
  }

  return {
    /** Each listener besides the HTTP API: listening, or why not and the fix. */
    listenerView(): ListenersView {
      return listenerStatus.view();
    },

    figures,

    /** The Prometheus text of `/metrics`. */
    metricsText(): string {
      const current = figures();
      const queueByState: Record<string, number> = {};
      for (const record of index.relayedOldestFirst()) {
        for (const r of record.delivery ?? [])
          queueByState[r.state] = (queueByState[r.state] ?? 0) + 1;
      }
      const counters = listener.counters;
      return renderPrometheusText(
        relayMetricFamilies({
          messages: current.messages,
          unread: current.unread,
          spoolBytes: current.spoolBytes,
          deleted: current.deleted,
          accepted: current.accepted,
          acceptedBytes: current.acceptedBytes,
          uptimeSeconds: current.uptimeSeconds,
          memoryBytes: current.memoryBytes,
          openSessions: current.sessions.byListener,
          sessions: counters.sessions.samples(),
          refused: counters.refused.samples(),
          authFailures: counters.authFailures.samples(),
          authLockouts: listener.authLockouts.locked().length,
          serverClosed: counters.serverClosed.samples(),
          deliveryOutcomes: runtime.deliveryOutcomes.samples(),
          queueByState,
          upstreamPaused: queue.paused !== null,
          parseFailures: runtime.parseFailures,
        }),
      );
    },
  };
}

export type RuntimeMethods = ReturnType<typeof runtimeMethods>;
