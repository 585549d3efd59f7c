import type { MessageStatus } from '../api/contract';

export const statusLabels: Record<MessageStatus, string> = {
  captured: 'Captured',
  queued: 'Queued',
  held: 'Held',
  delivered: 'Delivered',
  partial: 'Partly delivered',
  failed: 'Failed',
};

/** Shapes differ as well as colours, so the status reads without colour vision. */
const paths: Record<MessageStatus, string> = {
  captured: 'M2 4h12v8H2z M2 4l6 5 6-5',
  queued: 'M8 2a6 6 0 1 0 0 12A6 6 0 0 0 8 2z M8 5v3l2 2',
  held: 'M5 3v10 M11 3v10',
  delivered: 'M3 8l3 3 7-7',
  partial: 'M3 8l3 3 7-7 M9 13h5',
  failed: 'M4 4l8 8 M12 4l-8 8',
};

/** The delivery status as an icon and a word. */
export function StatusMark({ status }: { status: MessageStatus }) {
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
      {statusLabels[status]}
    </span>
  );
}
