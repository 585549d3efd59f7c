// The facade's figures about the running relay: Mailpit's info and the Prometheus metrics.
import type { RelaydeskInfo } from '../../../preload/api-contract.js';
import { renderPrometheusText } from '../metrics/prometheus-text.js';
import { relayMetricFamilies } from '../metrics/relay-metrics.js';
import { pop3Listeners } from '../pop3/pop3-listener.js';
import { tagCounts } from '../tags/index.js';
import { relaydeskVersion } from './message-store.js';
import type { ServiceParts } from './service-parts.js';

export function runtimeMethods({
  settings,
  store,
  listener,
  pop3,
  chaos,
  runtime,
  now,
}: ServiceParts) {
  const { index, stats } = store;
  return {
    info(): RelaydeskInfo {
      const smtp = runtime.smtpAddress;
      const http = runtime.httpAddress ?? settings.http;
      const size = index.totalBytes();
      return {
        Version: relaydeskVersion,
        Database: settings.dataDir,
        DatabaseSize: size,
        Messages: index.size,
        Unread: index.unread,
        Tags: tagCounts(index.tagged()),
        Chaos: { Enabled: chaos.enabled, Active: chaos.active, Triggers: chaos.triggers },
        RuntimeStats: {
          Uptime: Math.round((now() - stats.startedAt) / 1000),
          Memory: process.memoryUsage().rss,
          MessagesDeleted: stats.deleted,
          SMTPAccepted: stats.accepted,
          SMTPAcceptedSize: stats.acceptedBytes,
          // Mailpit counts refused messages: MAIL and DATA refusals (a refused recipient is not one)
          SMTPRejected: listener.counters.refused.total(
            (l) => l.stage === 'mail' || l.stage === 'message',
          ),
          SMTPIgnored: 0,
        },
        Listeners: {
          smtp: smtp ? `${smtp.host}:${smtp.port}` : '',
          http: `${http.host}:${http.port}`,
          ...pop3Listeners(pop3.addresses),
        },
        SMTPSecurity: listener.infoSecurity(),
        SMTPSessions: listener.openSessions(),
      };
    },

    /** The Prometheus text of `/metrics`. */
    metricsText(): string {
      const spoolBytes = index.totalBytes();
      const queueByState: Record<string, number> = {};
      for (const record of index.relayedOldestFirst()) {
        for (const r of record.delivery ?? [])
          queueByState[r.state] = (queueByState[r.state] ?? 0) + 1;
      }
      const counters = listener.counters;
      return renderPrometheusText(
        relayMetricFamilies({
          messages: index.size,
          unread: index.unread,
          spoolBytes,
          deleted: stats.deleted,
          accepted: stats.accepted,
          acceptedBytes: stats.acceptedBytes,
          uptimeSeconds: Math.round((now() - stats.startedAt) / 1000),
          memoryBytes: process.memoryUsage().rss,
          openSessions: listener.openSessions().Listeners,
          sessions: counters.sessions.samples(),
          refused: counters.refused.samples(),
          authFailures: counters.authFailures.samples(),
          authLockouts: listener.authLockouts.locked().length,
          serverClosed: counters.serverClosed.samples(),
          deliveryOutcomes: runtime.deliveryOutcomes.samples(),
          queueByState,
          parseFailures: runtime.parseFailures,
        }),
      );
    },
  };
}

export type RuntimeMethods = ReturnType<typeof runtimeMethods>;
