// The core's runtime figures as Mailpit's GET /api/v1/info answer, with Relaydesk's own fields
// beside Mailpit's (Listeners, Chaos, SMTPSecurity, SMTPSessions); the desktop window gets the
// same over IPC. And the list's counts as Mailpit's `stats` live event.
import type { RelaydeskEvent, RelaydeskInfo } from '../../../preload/api-contract.js';
import { relaydeskVersion } from '../../core/relay-service.js';
import { hostPort } from '../../core/net/ip-address.js';
import type { ListenAddress } from '../../core/settings/settings-schema.js';
import type { MessagesCounted, RuntimeFigures } from '../../core/service/runtime-figures.js';

// SMTP, SMTPS and HTTP are written HOST:PORT as they always were (an IPv6 host without brackets,
// which clients of this answer already split at the last colon); POP3, added later, in brackets.
function plainHostPort(address: ListenAddress): string {
  return `${address.host}:${address.port}`;
}

export function toMailpitInfo(figures: RuntimeFigures): RelaydeskInfo {
  const { listeners, security } = figures;
  return {
    Version: figures.version,
    LatestVersion: 'disabled',
    Database: figures.dataDir,
    DatabaseSize: figures.spoolBytes,
    Messages: figures.messages,
    Unread: figures.unread,
    Tags: figures.tags,
    Chaos: {
      Enabled: figures.chaos.enabled,
      Active: figures.chaos.active,
      Triggers: figures.chaos.triggers,
    },
    RuntimeStats: {
      Uptime: figures.uptimeSeconds,
      Memory: figures.memoryBytes,
      MessagesDeleted: figures.deleted,
      SMTPAccepted: figures.accepted,
      SMTPAcceptedSize: figures.acceptedBytes,
      SMTPRejected: figures.refusedMessages,
      SMTPIgnored: figures.ignored,
    },
    Label: figures.ui.label,
    HideDeleteAllButton: figures.ui.hideDeleteAllButton,
    Listeners: {
      smtp: listeners.smtp ? plainHostPort(listeners.smtp) : '',
      http: plainHostPort(listeners.http),
      ...(listeners.pop3 ? { pop3: hostPort(listeners.pop3) } : {}),
      ...(listeners.pop3s ? { pop3s: hostPort(listeners.pop3s) } : {}),
    },
    SMTPSecurity: { ...security, smtps: security.smtps ? plainHostPort(security.smtps) : null },
    SMTPSessions: { Open: figures.sessions.open, Listeners: figures.sessions.byListener },
  };
}

export function toMailpitStats(event: MessagesCounted): Extract<RelaydeskEvent, { Type: 'stats' }> {
  return {
    Type: 'stats',
    Data: { Total: event.Data.messages, Unread: event.Data.unread, Version: relaydeskVersion },
  };
}
