// The held mail a confirm speaks of: how many messages, and whose. Pure.
import type { QueuedMessage, QueueView, SuspensionEntry } from '../api/contract.js';

/**
 * Messages with a held recipient; with `suspension`, only those held for it (the queue's reason
 * names the suspension's ID: "held: user printer suspended (ID): …").
 */
export function heldMessages(
  queue: QueueView | null,
  suspension?: Pick<SuspensionEntry, 'ID'>,
): QueuedMessage[] {
  const mark = suspension ? ` suspended (${suspension.ID}): ` : null;
  return (queue?.messages ?? []).filter((message) =>
    message.recipients.some(
      (r) =>
        r.state === 'held' &&
        (mark === null || (r.why.startsWith('held: ') && r.why.includes(mark))),
    ),
  );
}

const senderName = (sender: string): string => (sender === '' ? 'the null sender <>' : sender);

export const messageCount = (n: number): string => `${n} message${n === 1 ? '' : 's'}`;

/**
 * How many held messages and whose, by envelope sender, the most first: "34 messages held: 31
 * from printer@office.example and 3 from bob@example.com"; past three senders, how many others.
 */
export function heldWhose(messages: readonly QueuedMessage[]): string {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.sender, (counts.get(m.sender) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const held = `${messageCount(messages.length)} held`;
  const only = sorted.length === 1 ? sorted[0] : undefined;
  if (only) return `${held}, ${messages.length === 1 ? '' : 'all '}from ${senderName(only[0])}`;
  const named = sorted.slice(0, 3).map(([sender, n]) => `${n} from ${senderName(sender)}`);
  const others = sorted.slice(3).reduce((sum, [, n]) => sum + n, 0);
  if (others > 0)
    named.push(
      `${others} from ${sorted.length - 3} other sender${sorted.length - 3 === 1 ? '' : 's'}`,
    );
  return `${held}: ${named.slice(0, -1).join(', ')} and ${named.at(-1) ?? ''}`;
}
