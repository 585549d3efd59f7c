// The running relay's figures in the core's own terms. Each edge shows them in its shape: the
// HTTP API and the desktop window as Mailpit's /api/v1/info (main/server/mailpit/mailpit-info.ts),
// /metrics as Prometheus families (runtime-methods.ts).
import type { ChaosTriggers } from '../chaos/chaos-triggers.js';
import type { SmtpSecurity } from '../listener/listener-contract.js';
import type { ListenAddress } from '../settings/settings-schema.js';

export interface RuntimeFigures {
  version: string;
  dataDir: string;
  /** Messages kept, unread among them, and the bytes their files take in the spool. */
  messages: number;
  unread: number;
  spoolBytes: number;
  /** Messages per tag. */
  tags: Record<string, number>;
  chaos: { enabled: boolean; active: boolean; triggers: ChaosTriggers };
  uptimeSeconds: number;
  memoryBytes: number;
  /** Since the start: messages deleted, accepted (and their bytes), refused at MAIL or DATA. */
  deleted: number;
  accepted: number;
  acceptedBytes: number;
  /** Messages taken without storing: their Message-ID was stored already. */
  ignored: number;
  refusedMessages: number;
  /** What the UI shows of this instance (Mailpit's --label, --hide-delete-all-button). */
  ui: { label: string; hideDeleteAllButton: boolean };
  /** Where each listener is bound; null when it is off or not started. */
  listeners: {
    smtp: ListenAddress | null;
    http: ListenAddress;
    pop3: ListenAddress | null;
    pop3s: ListenAddress | null;
  };
  security: SmtpSecurity;
  /** SMTP sessions open now, in total and per listener (every listener started, zeros included). */
  sessions: { open: number; byListener: Record<string, number> };
}

/** The list's counts, told whenever they may have changed (Mailpit's `stats` event at the edges). */
export interface MessagesCounted {
  Type: 'counted';
  Data: { messages: number; unread: number };
}
