import type {
  ListenersView,
  MessageSummary,
  RelaydeskEvent,
  SmtpSessionView,
  SuspensionEntry,
} from './contract';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** The fields the list reads; the rest of the summary is passed through as the server sent it. */
function isMessageSummary(value: unknown): value is MessageSummary {
  return (
    isRecord(value) &&
    typeof value.ID === 'string' &&
    typeof value.Read === 'boolean' &&
    typeof value.Subject === 'string' &&
    typeof value.Created === 'string' &&
    typeof value.Size === 'number' &&
    typeof value.Attachments === 'number' &&
    Array.isArray(value.To) &&
    (value.From === null || isRecord(value.From))
  );
}

/** The fields the sessions list reads. */
function isSessionView(value: unknown): value is SmtpSessionView {
  return (
    isRecord(value) &&
    typeof value.id === 'string' &&
    typeof value.client === 'string' &&
    typeof value.startedAt === 'string' &&
    (value.endedAt === null || typeof value.endedAt === 'string') &&
    typeof value.helo === 'string' &&
    (value.user === null || typeof value.user === 'string') &&
    (value.tls === null || typeof value.tls === 'string') &&
    isStringArray(value.messages) &&
    typeof value.refusals === 'number' &&
    (value.lastRefusal === null || typeof value.lastRefusal === 'string') &&
    (value.ending === null || typeof value.ending === 'string') &&
    (value.error === null || typeof value.error === 'string')
  );
}

type UpdateData = Extract<RelaydeskEvent, { Type: 'update' }>['Data'];

function isUpdate(value: unknown): value is UpdateData {
  return (
    isRecord(value) &&
    typeof value.ID === 'string' &&
    (value.Read === undefined || typeof value.Read === 'boolean') &&
    (value.Tags === undefined || isStringArray(value.Tags)) &&
    (value.Attempts === undefined || typeof value.Attempts === 'number') &&
    (value.Sending === undefined || typeof value.Sending === 'number')
  );
}

/**
 * Reads one WebSocket frame. Frames are checked just enough that the reducers can trust the
 * fields they use; anything else (Mailpit's `prune`/`truncate`, a future type, garbage) is
 * ignored rather than crashing the list.
 */
export function parseRelaydeskEvent(frame: string): RelaydeskEvent | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return null;
  }
  return readEvent(parsed);
}

/**
 * Reads one frame of the batched stream (`?shape=relaydesk&batch=1`): a JSON array of events in
 * their order, or one event as the unbatched stream sends it. Events that do not read are left
 * out, as parseRelaydeskEvent leaves them.
 */
export function parseRelaydeskFrame(frame: string): RelaydeskEvent[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return [];
  }
  const events = (Array.isArray(parsed) ? parsed : [parsed]).map(readEvent);
  return events.filter((event): event is RelaydeskEvent => event !== null);
}

/**
 * Whether the frame is the server's word that the log subscription is in effect
 * (`{"Type":"subscribed","Data":"log"}`, main/server/events-socket.ts): every line logged after
 * it comes over this socket. Told apart by its start, so the events' frames are not parsed twice.
 */
export function isLogSubscribedFrame(frame: string): boolean {
  if (!frame.startsWith('{"Type":"subscribed"')) return false;
  try {
    const parsed: unknown = JSON.parse(frame);
    return isRecord(parsed) && parsed.Data === 'log';
  } catch {
    return false;
  }
}

function readEvent(parsed: unknown): RelaydeskEvent | null {
  if (!isRecord(parsed)) return null;
  const { Type: type, Data: data } = parsed;
  switch (type) {
    case 'new':
      return isMessageSummary(data) ? { Type: 'new', Data: data } : null;
    case 'update':
      return isUpdate(data) ? { Type: 'update', Data: data } : null;
    case 'delete':
      // null means "everything was deleted" (Mailpit sends it after a delete-all)
      if (data === null || data === undefined) return { Type: 'delete', Data: null };
      if (!isRecord(data) || !isStringArray(data.IDs)) return null;
      return {
        Type: 'delete',
        Data: { IDs: data.IDs, ...(data.Oldest === true && { Oldest: true }) },
      };
    case 'stats':
      return isRecord(data) && typeof data.Total === 'number' && typeof data.Unread === 'number'
        ? {
            Type: 'stats',
            Data: {
              Total: data.Total,
              Unread: data.Unread,
              Version: typeof data.Version === 'string' ? data.Version : '',
            },
          }
        : null;
    case 'upstream':
      return isRecord(data) &&
        typeof data.paused === 'boolean' &&
        typeof data.reason === 'string' &&
        typeof data.fix === 'string'
        ? { Type: 'upstream', Data: { paused: data.paused, reason: data.reason, fix: data.fix } }
        : null;
    case 'log':
      return isRecord(data) &&
        typeof data.line === 'string' &&
        typeof data.at === 'string' &&
        typeof data.seq === 'number' &&
        (data.kind === 'relay' || data.kind === 'audit' || data.kind === 'service')
        ? { Type: 'log', Data: { line: data.line, at: data.at, kind: data.kind, seq: data.seq } }
        : null;
    case 'session':
      return isSessionView(data) ? { Type: 'session', Data: data } : null;
    case 'chaos':
      return isRecord(data) && typeof data.Active === 'boolean' && isChaosTriggers(data.Triggers)
        ? { Type: 'chaos', Data: { Active: data.Active, Triggers: data.Triggers } }
        : null;
    case 'sender':
      // a suspension made or lifted, or an anomaly alert (main/core/sender-control)
      return isRecord(data) &&
        (data.Action === 'suspended' || data.Action === 'unsuspended' || data.Action === 'alert') &&
        typeof data.Text === 'string' &&
        (data.Suspension === null || isRecord(data.Suspension))
        ? {
            Type: 'sender',
            Data: {
              Action: data.Action,
              Text: data.Text,
              Suspension: data.Suspension as SuspensionEntry | null,
            },
          }
        : null;
    case 'listeners':
      // each listener's state, sent when one could not start (main/core/listener-status)
      return isRecord(data) &&
        Array.isArray(data.listeners) &&
        data.listeners.every(
          (l) => isRecord(l) && typeof l.listener === 'string' && typeof l.state === 'string',
        )
        ? { Type: 'listeners', Data: data as unknown as ListenersView }
        : null;
    default:
      return null;
  }
}

type ChaosTriggers = Extract<RelaydeskEvent, { Type: 'chaos' }>['Data']['Triggers'];

function isChaosTriggers(value: unknown): value is ChaosTriggers {
  return (
    isRecord(value) &&
    ['Sender', 'Recipient', 'Authentication'].every((stage) => {
      const trigger = value[stage];
      return (
        isRecord(trigger) &&
        typeof trigger.ErrorCode === 'number' &&
        typeof trigger.Probability === 'number'
      );
    })
  );
}
