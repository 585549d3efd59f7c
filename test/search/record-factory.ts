// Message records for tests: a complete record with only what the test cares about overridden.
import type { Envelope, MessageRecord, ParsedSummary } from '../../main/core/message-record.js';

export interface RecordOverrides extends Partial<Omit<MessageRecord, 'summary' | 'envelope'>> {
  summary?: Partial<ParsedSummary>;
  envelope?: Partial<Envelope>;
}

let counter = 0;

export function makeRecord(overrides: RecordOverrides = {}): MessageRecord {
  counter += 1;
  const { summary, envelope, ...rest } = overrides;
  return {
    id: `msg-${counter}`,
    mailbox: 'default',
    receivedAt: '2024-03-10T12:00:00.000Z',
    size: 2048,
    read: false,
    tags: [],
    notes: [],
    ...rest,
    envelope: {
      mailFrom: 'sender@example.com',
      rcptTo: ['rcpt@example.com'],
      clientIp: '127.0.0.1',
      clientHostname: null,
      helo: 'client.example.com',
      user: null,
      tls: null,
      smtpUtf8: false,
      eightBitMime: false,
      ...envelope,
    },
    summary: {
      messageId: `id-${counter}@example.com`,
      subject: '',
      date: null,
      from: null,
      to: [],
      cc: [],
      bcc: [],
      replyTo: [],
      returnPath: '',
      attachments: 0,
      inline: 0,
      snippet: '',
      searchText: '',
      parseError: null,
      ...summary,
    },
  };
}

export const address = (Address: string, Name = '') => ({ Name, Address });
