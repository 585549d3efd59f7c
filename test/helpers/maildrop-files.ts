// What the sendmail tests write and find in a data folder's maildrop (main/core/maildrop/).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** A message as a script pipes it to sendmail: LF line endings, `headers` then a Subject. */
export function pipedMessage(subject: string, headers: string[]): string {
  return [...headers, `Subject: ${subject}`, '', 'Hello from sendmail.', ''].join('\n');
}

/** The drop files waiting in `dataDir`'s maildrop (not those moved to `failed/`). */
export async function droppedFiles(dataDir: string): Promise<string[]> {
  const names = await readdir(join(dataDir, 'maildrop')).catch(() => []);
  return names.filter((n) => n !== 'failed');
}
