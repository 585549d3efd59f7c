// `relaydesk dump DIR [--http URL]`: every message of the running relay as DIR/<ID>.eml (the
// exact stored bytes), plus DIR/index.json with each message's summary in Mailpit's shape.
//
// It reads through the API rather than the data folder: the running relay owns the spool
// (retention, quarantine and the index snapshot change it), and the API gives a consistent
// view while mail keeps arriving; it also works against the desktop app and against Mailpit
// itself (the same paths). Files already in DIR are kept, so a second run adds only new mail.
import { rename, stat, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { makeFolder } from '../core/spool/durable-file.js';
import { answerText, CliUsageError, parseCommandArgs, relayApiOfFlags } from './relay-api.js';

const usage = `Usage: relaydesk dump DIR [--http URL]

Writes every message of the running relay to DIR as <ID>.eml, with DIR/index.json
listing each message's summary (Mailpit's JSON shape) and its file.

  --http URL   the relay's API (default: that of the relay running on --data,
               else RELAYDESK_HTTP, else that of the relay running on
               RELAYDESK_DATA or the default data folder, else 127.0.0.1:8025);
               a UI password goes in the URL (http://any:PASSWORD@host:port),
               --ui-password-file FILE or RELAYDESK_UI_PASSWORD
  --data DIR   ask the relay running on this data folder (relaydesk serve --data DIR)
`;

interface Summary {
  ID: string;
  Created: string;
  [key: string]: unknown;
}

const pageSize = 1000;
// our IDs and Mailpit's: letters, digits and dashes only, so an ID can never leave DIR
const safeId = /^[A-Za-z0-9-]{8,60}$/;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export async function runDump(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseCommandArgs('dump', () =>
    parseArgs({
      args,
      options: {
        data: { type: 'string' },
        http: { type: 'string' },
        'ui-password-file': { type: 'string' },
        help: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (parsed.values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    throw new CliUsageError('dump: give one folder to write to: relaydesk dump DIR [--http URL]');
  }
  const dir = resolve(parsed.positionals[0] as string);
  const api = relayApiOfFlags(parsed.values, env);
  await makeFolder(dir);

  const summaries: Summary[] = [];
  for (let start = 0; ; start += pageSize) {
    const res = await api.fetch(`api/v1/messages?start=${start}&limit=${pageSize}`);
    if (!res.ok) throw new Error(`dump: listing messages: ${res.status} ${await answerText(res)}`);
    const page = (await res.json()) as { messages?: Summary[]; messages_count?: number };
    const messages = page.messages ?? [];
    summaries.push(...messages);
    if (messages.length < pageSize) break;
  }

  let written = 0;
  const index: Array<Summary & { File: string }> = [];
  for (const summary of summaries) {
    if (!safeId.test(summary.ID)) {
      process.stderr.write(
        `relaydesk dump: skipping a message with the odd ID ${JSON.stringify(summary.ID)}\n`,
      );
      continue;
    }
    const file = `${summary.ID}.eml`;
    const path = join(dir, file);
    index.push({ ...summary, File: file });
    if (await exists(path)) continue;
    const res = await api.fetch(`api/v1/message/${summary.ID}/raw`);
    if (res.status === 404) continue; // deleted meanwhile
    if (!res.ok) throw new Error(`dump: ${summary.ID}: ${res.status} ${await answerText(res)}`);
    const temp = `${path}.part`;
    await writeFile(temp, Buffer.from(await res.arrayBuffer()));
    const created = new Date(summary.Created);
    if (!Number.isNaN(created.getTime())) await utimes(temp, created, created);
    await rename(temp, path);
    written++;
  }
  // oldest first, like the files' IDs
  index.reverse();
  await writeFile(join(dir, 'index.json.part'), `${JSON.stringify(index, null, 2)}\n`);
  await rename(join(dir, 'index.json.part'), join(dir, 'index.json'));
  process.stdout.write(
    `dumped ${index.length} message(s) to ${dir} (${written} new, ${index.length - written} already there) and index.json\n`,
  );
  return 0;
}
