// What the tray shows, as a pure function of the relay's state: which icon, the tooltip and the
// menu. The Electron wiring (desktop-tray.ts) only draws it, so all of this is tested in Node.
import type { MessageStatus } from '../../preload/api-contract.js';
import { hasDeliveryWork } from '../core/queue/recipient-state.js';

export interface MailCounts {
  unread: number;
  /** Messages with recipients still to be sent (or held). */
  queued: number;
  /** Messages with a recipient that bounced or expired. */
  failed: number;
}

export interface RelayState {
  receivingPaused: boolean;
  /** Relaying paused, by hand or because the upstream fails as a whole; null when running. */
  relayPause: { reason: string; byHand?: boolean } | null;
  /** An upstream is configured (otherwise there is nothing to pause on the relaying side). */
  upstreamConfigured: boolean;
  counts: MailCounts;
}

/** receiving: all is well; paused: the user paused something; failing: the upstream fails. */
export type TrayIconState = 'receiving' | 'paused' | 'failing';

/** Ids of the tray menu's actions; the wiring maps each to a service call. */
export type TrayAction =
  | 'open'
  | 'pause-receiving'
  | 'resume-receiving'
  | 'pause-relaying'
  | 'resume-relaying'
  | 'show-queue'
  | 'quit';

export type TrayMenuItem =
  | { kind: 'action'; id: TrayAction; label: string; enabled: boolean }
  | { kind: 'info'; label: string }
  | { kind: 'separator' };

export interface TrayView {
  icon: TrayIconState;
  tooltip: string;
  menu: TrayMenuItem[];
}

/**
 * The tray's counts: unread from the index's count, queued and failed from the records with
 * recipients to relay only (with 100,000 captured messages, walking all of them at each burst of
 * arrivals cost the main process seconds).
 */
export function countMail(unread: number, relayed: Iterable<MessageStatus>): MailCounts {
  const counts: MailCounts = { unread, queued: 0, failed: 0 };
  for (const status of relayed) {
    if (hasDeliveryWork(status)) counts.queued++;
    else if (status === 'failed' || status === 'partial') counts.failed++;
  }
  return counts;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function trayIcon(state: RelayState): TrayIconState {
  if (state.relayPause && !state.relayPause.byHand) return 'failing';
  if (state.receivingPaused || state.relayPause) return 'paused';
  return 'receiving';
}

export function trayView(state: RelayState): TrayView {
  const icon = trayIcon(state);
  const { unread, queued, failed } = state.counts;
  const countsLine = `${unread} unread, ${queued} queued, ${failed} failed`;
  const statusLine =
    icon === 'failing'
      ? `Relaying paused: ${state.relayPause?.reason ?? ''}`
      : [
          state.receivingPaused ? 'Receiving paused' : 'Receiving',
          ...(state.relayPause ? ['relaying paused'] : []),
        ].join(', ');
  const menu: TrayMenuItem[] = [
    { kind: 'info', label: statusLine },
    { kind: 'info', label: plural(unread, 'unread message') },
    { kind: 'info', label: plural(queued, 'message') + ' queued' },
    { kind: 'info', label: plural(failed, 'message') + ' failed' },
    { kind: 'separator' },
    { kind: 'action', id: 'open', label: 'Open Relaydesk', enabled: true },
    { kind: 'action', id: 'show-queue', label: 'Show queue', enabled: true },
    { kind: 'separator' },
    state.receivingPaused
      ? { kind: 'action', id: 'resume-receiving', label: 'Resume receiving', enabled: true }
      : { kind: 'action', id: 'pause-receiving', label: 'Pause receiving', enabled: true },
    state.relayPause
      ? {
          kind: 'action',
          id: 'resume-relaying',
          label: 'Resume relaying',
          enabled: state.upstreamConfigured,
        }
      : {
          kind: 'action',
          id: 'pause-relaying',
          label: 'Pause relaying',
          enabled: state.upstreamConfigured,
        },
    { kind: 'separator' },
    { kind: 'action', id: 'quit', label: 'Quit Relaydesk', enabled: true },
  ];
  return { icon, tooltip: `Relaydesk — ${statusLine}\n${countsLine}`, menu };
}
