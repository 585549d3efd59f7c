import type { DeliveryHandAction, RelaydeskApi } from '../api/contract';

export type QueueAction = DeliveryHandAction | 'resend';

/**
 * Each hand action's button, wherever it is (queue view, delivery tab), and what its tooltip
 * says while it would change nothing (the server's `actions` leave it out).
 */
export const handActionButtons: Record<DeliveryHandAction, { label: string; without: string }> = {
  retry: { label: 'Retry now', without: 'No recipient waits for a retry' },
  hold: { label: 'Hold', without: 'No recipient waits to be sent' },
  release: { label: 'Release', without: 'No recipient is held' },
  cancel: { label: 'Cancel', without: 'Every recipient has reached its final state' },
};

/**
 * What a button's tooltip says while it would change nothing. Retry now on held mail says how it
 * goes instead ("No recipient waits for a retry" left a held message's user looking for why):
 * the relay, asked, names the release too (hand-action-refusal.ts).
 */
export function handActionWithout(action: DeliveryHandAction, held: boolean): string {
  return action === 'retry' && held ? 'Held: Release sends it' : handActionButtons[action].without;
}

/**
 * One door for the queue's buttons, wherever they are (list, queue view, delivery tab). Resolves
 * to the messages the relay changed: of several, it changes what it can and names those.
 */
export async function runQueueAction(
  api: RelaydeskApi,
  action: QueueAction,
  ids: string[],
  to?: string[],
): Promise<string[]> {
  switch (action) {
    case 'hold':
      return (await api.holdMessages(ids)).IDs;
    case 'release':
      return (await api.releaseMessages(ids)).IDs;
    case 'retry':
      return (await api.retryMessages(ids)).IDs;
    case 'resend':
      return (await api.resendMessages(ids, to && to.length > 0 ? to : undefined)).IDs;
    case 'cancel':
      return (await api.cancelMessages(ids)).IDs;
  }
}
