// The families `/metrics` shows, from one snapshot of the relay. Mailpit's names where the thing
// is the same (messages, unread, database size, accepted, rejected, deleted, uptime, memory);
// the relay's own for sessions, delivery outcomes, the queue, AUTH and parsing.
import type { MetricFamily, MetricSample } from './prometheus-text.js';

export interface RelayMetricsSnapshot {
  messages: number;
  unread: number;
  spoolBytes: number;
  deleted: number;
  accepted: number;
  acceptedBytes: number;
  uptimeSeconds: number;
  memoryBytes: number;
  /** Open sessions by listener (smtp, smtps). */
  openSessions: Record<string, number>;
  sessions: MetricSample[];
  refused: MetricSample[];
  authFailures: MetricSample[];
  authLockouts: number;
  serverClosed: MetricSample[];
  /** Recipients' outcomes of delivery attempts, by state (relayed, deferred, bounced, expired). */
  deliveryOutcomes: MetricSample[];
  /** Recipients in the queue by state. */
  queueByState: Record<string, number>;
  /** Relaying is paused (by hand, or an upstream-wide failure): nothing goes out until it ends. */
  upstreamPaused: boolean;
  parseFailures: number;
}

const one = (value: number): MetricSample[] => [{ value }];

export function relayMetricFamilies(s: RelayMetricsSnapshot): MetricFamily[] {
  const p = 'relaydesk';
  return [
    {
      name: `${p}_messages`,
      help: 'Messages in the spool',
      type: 'gauge',
      samples: one(s.messages),
    },
    {
      name: `${p}_messages_unread`,
      help: 'Unread messages',
      type: 'gauge',
      samples: one(s.unread),
    },
    {
      name: `${p}_database_size_bytes`,
      help: 'Bytes of the messages in the spool',
      type: 'gauge',
      samples: one(s.spoolBytes),
    },
    {
      name: `${p}_messages_deleted_total`,
      help: 'Messages deleted since the start',
      type: 'counter',
      samples: one(s.deleted),
    },
    {
      name: `${p}_smtp_accepted_total`,
      help: 'Messages received over SMTP and stored',
      type: 'counter',
      samples: one(s.accepted),
    },
    {
      name: `${p}_smtp_accepted_size_bytes_total`,
      help: 'Bytes of the messages received over SMTP',
      type: 'counter',
      samples: one(s.acceptedBytes),
    },
    {
      name: `${p}_smtp_rejected_total`,
      help: 'SMTP refusals by stage (connect, mail, rcpt, message) and reason',
      type: 'counter',
      samples: s.refused,
    },
    {
      name: `${p}_smtp_sessions_open`,
      help: 'SMTP sessions open now, by listener',
      type: 'gauge',
      samples: Object.entries(s.openSessions).map(([listener, value]) => ({
        labels: { listener },
        value,
      })),
    },
    {
      name: `${p}_smtp_sessions_total`,
      help: 'SMTP sessions admitted, by listener',
      type: 'counter',
      samples: s.sessions,
    },
    {
      name: `${p}_smtp_sessions_closed_by_server_total`,
      help: 'SMTP sessions the relay ended with 421, by reason (timeouts, data rate, deadline)',
      type: 'counter',
      samples: s.serverClosed,
    },
    {
      name: `${p}_smtp_auth_failures_total`,
      help: 'Failed SMTP AUTH attempts, by reason',
      type: 'counter',
      samples: s.authFailures,
    },
    {
      name: `${p}_smtp_auth_lockouts`,
      help: '(Address, user) pairs locked out of SMTP AUTH now',
      type: 'gauge',
      samples: one(s.authLockouts),
    },
    {
      name: `${p}_relay_recipients_total`,
      help: 'Outcomes of delivery attempts per recipient (relayed, deferred, bounced, expired)',
      type: 'counter',
      samples: s.deliveryOutcomes,
    },
    {
      name: `${p}_queue_recipients`,
      help: 'Recipients of relayed mail by state',
      type: 'gauge',
      samples: Object.entries(s.queueByState).map(([state, value]) => ({
        labels: { state },
        value,
      })),
    },
    {
      name: `${p}_upstream_paused`,
      help: 'Whether relaying is paused (1): by hand, or after an upstream-wide failure (GET /api/v1/queue says why)',
      type: 'gauge',
      samples: one(s.upstreamPaused ? 1 : 0),
    },
    {
      name: `${p}_parse_failures_total`,
      help: 'Messages whose MIME could not be parsed (kept raw)',
      type: 'counter',
      samples: one(s.parseFailures),
    },
    {
      name: `${p}_uptime_seconds`,
      help: 'Seconds since the relay started',
      type: 'gauge',
      samples: one(s.uptimeSeconds),
    },
    {
      name: `${p}_memory_usage_bytes`,
      help: 'Resident memory in bytes',
      type: 'gauge',
      samples: one(s.memoryBytes),
    },
  ];
}
