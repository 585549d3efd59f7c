// Our records in the JSON shapes of Mailpit's API (reference/capture-anchors.md §4), which
// Mailpit's clients and our renderer both read.
import type { MessageDetail, MessagePart, MessageSummary } from '../../../preload/api-contract.js';
import type { MessageRecord } from '../message-record.js';
import type { ParsedDetail } from '../parse/message-parser.js';
import { messageStatus } from '../queue/recipient-state.js';

export function toMessageSummary(record: MessageRecord): MessageSummary {
  const s = record.summary;
  return {
    ID: record.id,
    MessageID: s.messageId,
    Read: record.read,
    From: s.from,
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
    Status: messageStatus(record.delivery),
  };
}

function splitLinks(header: string): string[] {
  return [...header.matchAll(/<([^>]+)>/g)].map((m) => m[1] as string);
}

export function toMessageDetail(
  record: MessageRecord,
  parsed: ParsedDetail | null,
  parseError?: string,
): MessageDetail {
  const { Attachments: _count, Snippet: _snippet, ...summary } = toMessageSummary(record);
  const parts: MessagePart[] = (parsed?.parts ?? []).map(({ inline: _inline, ...part }) => part);
  const inlineIds = new Set((parsed?.parts ?? []).filter((p) => p.inline).map((p) => p.PartID));
  return {
    ...summary,
    Date: record.summary.date,
    ReturnPath: record.summary.returnPath || record.envelope.mailFrom,
    Text: parsed?.text ?? '',
    HTML: parsed?.html ?? '',
    Inline: parts.filter((p) => inlineIds.has(p.PartID)),
    Attachments: parts.filter((p) => !inlineIds.has(p.PartID)),
    ListUnsubscribe: {
      Header: parsed?.listUnsubscribe ?? '',
      Links: splitLinks(parsed?.listUnsubscribe ?? ''),
      Errors: '',
      HeaderPost: parsed?.listUnsubscribePost ?? '',
    },
    Envelope: record.envelope,
    ParseError: parseError ?? record.summary.parseError,
  };
}
