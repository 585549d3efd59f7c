// The maildrop of one POP3 session (RFC 1939): the messages of the chosen mailbox as they were at
// login, numbered from 1 oldest first, with the deletion marks that take effect only at QUIT.
// Mail arriving during the session waits for the next login, as RFC 1939's lock implies.
import { headerBlockEnd } from '../mail/header-block.js';

export interface MaildropEntry {
  id: string;
  size: number;
}

export type MessageLookup = { ok: true; entry: MaildropEntry } | { ok: false; reason: string };

export class Maildrop {
  private readonly deleted = new Set<number>();

  constructor(private readonly entries: readonly MaildropEntry[]) {}

  /** Message `text` (a 1-based number as the client typed it), unless missing or deleted. */
  lookup(text: string | undefined): MessageLookup {
    if (text === undefined || !/^\d{1,9}$/.test(text)) {
      return { ok: false, reason: 'a message number is needed, e.g. 1' };
    }
    const number = Number(text);
    const entry = this.entries[number - 1];
    if (!entry || number < 1) return { ok: false, reason: `no message ${number}` };
    if (this.deleted.has(number)) return { ok: false, reason: `message ${number} already deleted` };
    return { ok: true, entry };
  }

  /** The messages not marked deleted, with their numbers. */
  remaining(): Array<{ number: number; entry: MaildropEntry }> {
    return this.entries
      .map((entry, i) => ({ number: i + 1, entry }))
      .filter((m) => !this.deleted.has(m.number));
  }

  stat(): { count: number; octets: number } {
    const left = this.remaining();
    return { count: left.length, octets: left.reduce((sum, m) => sum + m.entry.size, 0) };
  }

  markDeleted(text: string): MessageLookup {
    const found = this.lookup(text);
    if (found.ok) this.deleted.add(Number(text));
    return found;
  }

  unmarkAll(): void {
    this.deleted.clear();
  }

  /** IDs to delete at QUIT. */
  deletedIds(): string[] {
    return [...this.deleted].map((n) => (this.entries[n - 1] as MaildropEntry).id);
  }
}

/**
 * A message as a multi-line response: lines beginning with "." get another "." (RFC 1939 §3),
 * the text ends with CRLF, then the terminating ".". Stored mail already has CRLF line endings.
 */
export function multiLine(raw: Buffer): Buffer {
  let text = raw.toString('latin1');
  text = text.replace(/(^|\n)\./g, '$1..');
  if (!text.endsWith('\r\n')) text += '\r\n';
  return Buffer.from(`${text}.\r\n`, 'latin1');
}

/** TOP: the header, the blank line, then the first `lines` lines of the body. */
export function topOf(raw: Buffer, lines: number): Buffer {
  const text = raw.toString('latin1');
  const { headerEnd, bodyStart } = headerBlockEnd(text);
  if (headerEnd === text.length) return Buffer.from(text, 'latin1');
  const head = text.slice(0, bodyStart);
  const body = text.slice(bodyStart);
  if (lines === 0) return Buffer.from(head, 'latin1');
  const bodyLines = body.split('\r\n').slice(0, lines);
  return Buffer.from(`${head}${bodyLines.join('\r\n')}\r\n`, 'latin1');
}
