import type { RelaydeskApi } from '../api/contract';

export type QueueAction = 'hold' | 'release' | 'retry' | 'resend' | 'cancel';

/** One door for the queue's buttons, wherever they are (list, queue view, delivery tab). */
export async function runQueueAction(
  api: RelaydeskApi,
  action: QueueAction,
  ids: string[],
  to?: string[],
): Promise<void> {
  switch (action) {
    case 'hold':
      await api.holdMessages(ids);
      return;
    case 'release':
      await api.releaseMessages(ids);
      return;
    case 'retry':
      await api.retryMessages(ids);
      return;
    case 'resend':
      await api.resendMessages(ids, to && to.length > 0 ? to : undefined);
      return;
    case 'cancel':
      await api.cancelMessages(ids);
      return;
  }
}
