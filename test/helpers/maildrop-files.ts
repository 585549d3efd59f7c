// What the sendmail tests write and find in a data folder's maildrop (main/core/maildrop/).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import type { ServeProcess } from './cli-process.js';

/** A message as a script pipes it to sendmail: LF line endings, `headers` then a Subject. */
export function pipedMessage(subject: string, headers: string[]): string {
  return [...headers, `Subject: ${subject}`, '', 'Hello from sendmail.', ''].join('\n');
}

/** The drop files waiting in `dataDir`'s maildrop (not those moved to `failed/`). */
export async function droppedFiles(dataDir: string): Promise<string[]> {
  const names = await readdir(join(dataDir, 'maildrop')).catch(() => []);
  return names.filter((n) => n !== 'failed');
}

/** The stored message whose Subject is `subject` in `server`'s list; throws while there is none. */
export async function detailOf(server: ServeProcess, subject: string): Promise<MessageDetail> {
  const page = await server.api<MessagesPage>('/api/v1/messages');
  const summary = page.messages.find((m) => m.Subject === subject);
  if (!summary) throw new Error(`no message "${subject}"`);
  return server.api<MessageDetail>(`/api/v1/message/${summary.ID}`);
}
