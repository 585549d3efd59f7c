import type { MessageStatus } from '../api/contract';

/**
 * What a list row says of a message: its delivery status, or `quarantined` for one the filter
 * holds (its summary has no delivery, so it would otherwise read as captured; the Delivery view's
 * status says quarantined itself).
 */
export type RowState = MessageStatus;

export const statusLabels: Record<RowState, string> = {
  captured: 'Captured',
  quarantined: 'Quarantined',
  queued: 'Queued',
  held: 'Held',
  delivered: 'Delivered',
  partial: 'Partly delivered',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Shapes differ as well as colours, so the status reads without colour vision. */
const paths: Record<RowState, string> = {
  captured: 'M2 4h12v8H2z M2 4l6 5 6-5',
  // a padlock: kept and never relayed until someone releases it
  quarantined: 'M4 7h8v7H4z M6 7V5a2 2 0 0 1 4 0v2',
  queued: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2z M8 5v3l2 2',
  held: 'M5 3v10 M11 3v10',
  delivered: 'M3 8l3 3 7-7',
  partial: 'M3 8l3 3 7-7 M9 13h5',
  failed: 'M4 4l8 8 M12 4l-8 8',
  // a circle struck through: stopped by a person, not refused by the upstream
  cancelled: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2z M4 12l8-8',
};

/**
 * The delivery status (or the quarantine) as an icon and a word; `label`: other words for the
 * same state (a bounce's "Delayed" is the queued mark).
 */
export function StatusMark({ status, label }: { status: RowState; label?: string }) {
  return (
    <span className={`status-mark status-${status}`} data-testid="status-mark" data-status={status}>
      <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
        <path
          d={paths[status]}
          fill="none"
          stroke="currentColor"
          strokeWidth="1.6"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      {label ?? statusLabels[status]}
    </span>
  );
}
