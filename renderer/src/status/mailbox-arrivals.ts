import type { MailboxCount, RelaydeskEvent } from '../api/contract';

/**
 * The mailboxes' counts with arrivals added, as the server would count them (by name, any case;
 * a mailbox new to the list joins it in the server's order, by name), so a badge follows a burst
 * of mail as the list's own count does instead of waiting for the next read of the counts.
 */
export function withArrivals(
  boxes: readonly MailboxCount[],
  events: readonly RelaydeskEvent[],
): MailboxCount[] {
  const next = boxes.map((box) => ({ ...box }));
  for (const event of events) {
    if (event.Type !== 'new') continue;
    const { Mailbox: name, Read: read } = event.Data;
    let box = next.find((b) => b.Name.toLowerCase() === name.toLowerCase());
    if (!box) {
      box = { Name: name, Total: 0, Unread: 0 };
      next.push(box);
      next.sort((a, b) => a.Name.localeCompare(b.Name));
    }
    box.Total += 1;
    box.Unread += read ? 0 : 1;
  }
  return next;
}

/**
 * Whether the counts and the queue beside the list must be read again after this event. Captured
 * mail arriving changes only the counts, which withArrivals follows; a burst of it cost the relay
 * a count of every mailbox and a read of the queue every 400 ms, and the page a render of each.
 */
export function changesRelayStatus(event: RelaydeskEvent): boolean {
  if (event.Type === 'log' || event.Type === 'stats') return false;
  return !(event.Type === 'new' && event.Data.Status === 'captured');
}
