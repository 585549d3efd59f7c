// The core's records in the JSON shapes of Mailpit's API (reference/capture-anchors.md §4), which
// Mailpit's clients and our renderer both read. The core never builds these: each edge (the HTTP
// routes, the WebSocket, webhooks, the IPC handlers) translates what the service gives it here.
import type {
  MessageDetail,
  MessagePart,
  MessagesPage,
  MessageSummary,
  QueueView,
} from '../../../preload/api-contract.js';
import type { MessageRecord } from '../../core/message-record.js';
import type { ParsedDetail } from '../../core/parse/message-parser.js';
import { parseListUnsubscribe } from './list-unsubscribe.js';
import { mailpitDate } from './mailpit-date.js';
import { summaryStatus } from '../../core/filter/quarantine-release.js';
import type { MessageListing, OpenedMessage } from '../../core/service/message-methods.js';
import type { QueueState } from '../../core/service/queue-methods.js';

/** Mailpit's From when a message has none: an empty address (messages.go, Store), not null. */
const noAddress = { Name: '', Address: '' };

export function toMessageSummary(record: MessageRecord): MessageSummary {
  const s = record.summary;
  return {
    ID: record.id,
    MessageID: s.messageId,
    Read: record.read,
    From: s.from ?? { ...noAddress },
    To: s.to,
    Cc: s.cc,
    Bcc: s.bcc,
    ReplyTo: s.replyTo,
    Subject: s.subject,
    Created: record.receivedAt,
    Username: record.envelope.user ?? '',
    Tags: record.tags,
    Size: record.size,
    Attachments: s.attachments,
    Snippet: s.snippet,
    Mailbox: record.mailbox,
    MailFrom: record.envelope.mailFrom,
    Status: summaryStatus(record),
  };
}

function listUnsubscribe(parsed: ParsedDetail | null): MessageDetail['ListUnsubscribe'] {
  const header = parsed?.listUnsubscribe ?? '';
  // as Mailpit: all four empty when there is no List-Unsubscribe, even with a -Post header
  if (header === '') return { Header: '', Links: [], Errors: '', HeaderPost: '' };
  const { links, errors } = parseListUnsubscribe(header);
  return {
    Header: header,
    Links: links,
    Errors: errors,
    HeaderPost: parsed?.listUnsubscribePost ?? '',
  };
}

export function toMessageDetail({
  record,
  parsed,
  parseError,
  unencodedHeaders,
  headerProblems,
}: OpenedMessage): MessageDetail {
  const { Attachments: _count, Snippet: _snippet, ...summary } = toMessageSummary(record);
  const parts: MessagePart[] = (parsed?.parts ?? []).map(
    ({
      inline: _inline,
      unlisted: _unlisted,
      messageSubject: _subject,
      savedName: _saved,
      ...part
    }) => part,
  );
  const inlineIds = new Set((parsed?.parts ?? []).filter((p) => p.inline).map((p) => p.PartID));
  const unlistedIds = new Set((parsed?.parts ?? []).filter((p) => p.unlisted).map((p) => p.PartID));
  const listed = parts.filter((p) => !unlistedIds.has(p.PartID));
  return {
    ...summary,
    // as Mailpit: the header's wall clock and offset, or the time received when Go's
    // net/mail cannot read it (mailpit-date.ts)
    Date: parsed
      ? (mailpitDate(parsed.dateHeader) ?? record.receivedAt)
      : (record.summary.date ?? record.receivedAt),
    // Mailpit's: the Return-Path (which it writes from MAIL FROM), else the From address, so a
    // bounce (MAIL FROM:<>) gives its From rather than ''
    ReturnPath:
      record.summary.returnPath || record.envelope.mailFrom || (summary.From?.Address ?? ''),
    Text: parsed?.text ?? '',
    TextFromHTML: parsed?.textFromHtml ?? false,
    HTML: parsed?.html ?? '',
    Inline: listed.filter((p) => inlineIds.has(p.PartID)),
    Attachments: listed.filter((p) => !inlineIds.has(p.PartID)),
    OtherParts: parts.filter((p) => unlistedIds.has(p.PartID)),
    ListUnsubscribe: listUnsubscribe(parsed),
    Envelope: record.envelope,
    ParseError: parseError ?? record.summary.parseError,
    UnencodedHeaders: unencodedHeaders,
    HeaderProblems: headerProblems,
    DeliveryReport: parsed?.deliveryReport ?? null,
    AttachedMessages: (parsed?.parts ?? []).flatMap((part) =>
      part.messageSubject !== undefined && !inlineIds.has(part.PartID)
        ? [{ PartID: part.PartID, Subject: part.messageSubject, SavedName: part.savedName ?? '' }]
        : [],
    ),
  };
}

/** A message as `GET /api/v1/message/{ID}` returns it: opening it has marked it read. */
export function toOpenedDetail(opened: OpenedMessage): MessageDetail {
  return { ...toMessageDetail(opened), Read: true };
}

/**
 * A page of the mail list or a search, as `GET /api/v1/messages` and `/api/v1/search` return it,
 * over HTTP and over the desktop's IPC alike: with every tag in the mailbox (Mailpit's
 * GetAllTags), so the tag filter offers them all whatever page or search is shown.
 */
export function toListedPage(listing: MessageListing, allTags: readonly string[]): MessagesPage {
  return { ...toMessagesPage(listing), tags: [...allTags] };
}

/** A page of messages with the tags found on that page (the quarantine's list). */
export function toMessagesPage(listing: MessageListing): MessagesPage {
  const tags = new Set<string>();
  for (const record of listing.records) for (const tag of record.tags) tags.add(tag);
  return {
    total: listing.total,
    unread: listing.unread,
    count: listing.records.length,
    messages_count: listing.matched,
    messages_unread: listing.matchedUnread,
    start: listing.start,
    tags: [...tags].sort(),
    messages: listing.records.map(toMessageSummary),
  };
}

/** The queue (`GET /api/v1/queue`): each waiting message is listed as in the message list. */
export function toQueueView({
  upstream,
  messages,
  quarantined,
  rateLimited,
}: QueueState): QueueView {
  return {
    upstream,
    quarantined,
    rateLimited,
    messages: messages.map(({ record, ...waiting }) => ({
      ...toMessageSummary(record),
      ...waiting,
    })),
  };
}
