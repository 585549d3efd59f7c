// One message as the index stores it: the columns that list and search read, each lowercased and
// cleaned the way the search terms' values are (so `instr` is the whole comparison), and the
// record itself as JSON without its body text, which lives in the full-text table instead.
import type { MessageStatus } from '../../../preload/api-contract.js';
import { asciiDomainForm } from '../mail/address-key.js';
import type { MailAddress, MessageRecord } from '../message-record.js';
import { messageStatus } from '../queue/recipient-state.js';
import { cleanSearchWord, fullTextRow } from '../search/search-words.js';

export interface IndexRow {
  id: string;
  received_ms: number;
  size: number;
  read: number;
  relayed: number;
  /** The delivery status of a relayed message ('' when not relayed): a start reads the queue's from it. */
  status: MessageStatus | '';
  mailbox: string;
  mailbox_key: string;
  tags_key: string;
  attachments: number;
  inline: number;
  subject_key: string;
  message_id_text: string;
  from_text: string;
  to_text: string;
  cc_text: string;
  bcc_text: string;
  reply_to_text: string;
}

/**
 * Name and address apart, so that a word never matches across the two (as in the matcher); an
 * IDN address in its A-label form too (asciiDomainForm).
 */
function addressText(addresses: readonly MailAddress[]): string {
  // a cleaned search word never contains a comma, so it cannot match across parts
  return addresses
    .flatMap((a) => [
      cleanSearchWord(a.Name),
      cleanSearchWord(a.Address),
      cleanSearchWord(asciiDomainForm(a.Address) ?? ''),
    ])
    .filter((part) => part !== '')
    .join(',');
}

/** ',a,b,' (lowercased) so `tag:a` is `instr(tags_key, ',a,')`; '' when untagged. */
export function tagsKey(tags: readonly string[]): string {
  return tags.length === 0 ? '' : `,${tags.map((t) => t.toLowerCase()).join(',')},`;
}

export function indexRow(record: MessageRecord): IndexRow {
  const s = record.summary;
  return {
    id: record.id,
    received_ms: Date.parse(record.receivedAt),
    size: record.size,
    read: record.read ? 1 : 0,
    relayed: record.delivery ? 1 : 0,
    status: record.delivery ? messageStatus(record.delivery) : '',
    mailbox: record.mailbox,
    mailbox_key: record.mailbox.toLowerCase(),
    tags_key: tagsKey(record.tags),
    attachments: s.attachments,
    inline: s.inline,
    subject_key: s.subject.toLowerCase(),
    message_id_text: cleanSearchWord(s.messageId),
    from_text: s.from ? addressText([s.from]) : '',
    to_text: addressText(s.to),
    cc_text: addressText(s.cc),
    bcc_text: addressText(s.bcc),
    reply_to_text: addressText(s.replyTo),
  };
}

/**
 * What plain words are looked for in: subject, every address, Message-ID, Return-Path and the
 * body text, each cleaned, apart.
 */
export function searchableText(record: MessageRecord): string {
  return fullTextRow(headerSearchWords(record), record.summary.searchText);
}

/**
 * The words of searchableText but the body's: the index's worker cleans a new message's body
 * text itself (index-writes.js), where it costs the SMTP thread nothing.
 */
export function headerSearchWords(record: MessageRecord): string {
  const s = record.summary;
  const addresses = [s.from ? [s.from] : [], s.to, s.cc, s.bcc, s.replyTo].map(addressText);
  return [
    cleanSearchWord(s.subject),
    ...addresses,
    cleanSearchWord(s.messageId),
    cleanSearchWord(s.returnPath),
  ]
    .filter((part) => part !== '')
    .join(',');
}

/** The record as stored: its body text is in the full-text table, not repeated here. */
export function recordJson(record: MessageRecord): string {
  return JSON.stringify({ ...record, summary: { ...record.summary, searchText: '' } });
}
