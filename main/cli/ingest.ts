// `relaydesk ingest PATH… [--http URL] [--mailbox NAME]`: imports .eml files, Maildir folders
// and mbox files into the running relay, keeping their dates: the received time is the mbox
// From_ line's time, else the message's Date header. Imported mail is always captured (into
// `inbox` or --mailbox), never relayed: an archive must not be sent to real people again.
//
// mbox files are split by mbox-reader (From_ lines, `>From ` unescaping). Folders are walked:
// a Maildir's cur/ and new/ files, *.eml files and mbox files (they start with "From ") are
// imported; other files are skipped and counted.
import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mboxReader } from 'mbox-reader';
import { answerText, CliUsageError, parseCommandArgs, relayApiOfFlags } from './relay-api.js';

const usage = `Usage: relaydesk ingest PATH… [--http URL] [--mailbox NAME]

Imports .eml files, Maildir folders and mbox files into the running relay, captured
(never relayed), keeping their dates (the mbox From_ line, else the Date header).

  --http URL      the relay's API (default: that of the relay running on --data,
                  else RELAYDESK_HTTP, else that of the relay running on
                  RELAYDESK_DATA or the default data folder, else 127.0.0.1:8025);
                  a UI password goes in the URL (http://any:PASSWORD@host:port),
                  --ui-password-file FILE or RELAYDESK_UI_PASSWORD
  --data DIR      ask the relay running on this data folder (relaydesk serve --data DIR)
  --mailbox NAME  the mailbox to capture into (default: inbox)
`;

interface Tally {
  imported: number;
  failed: number;
  skipped: number;
}

async function startsWithFromLine(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(5), 0, 5, 0);
    return bytesRead === 5 && buffer.toString('latin1') === 'From ';
  } finally {
    await handle.close();
  }
}

async function isMaildir(dir: string): Promise<boolean> {
  for (const sub of ['cur', 'new']) {
    if ((await stat(join(dir, sub)).catch(() => null))?.isDirectory()) return true;
  }
  return false;
}

export async function runIngest(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseCommandArgs('ingest', () =>
    parseArgs({
      args,
      options: {
        data: { type: 'string' },
        http: { type: 'string' },
        'ui-password-file': { type: 'string' },
        mailbox: { type: 'string' },
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
  if (parsed.positionals.length === 0) {
    throw new CliUsageError('ingest: give at least one .eml file, Maildir folder or mbox file');
  }
  const api = relayApiOfFlags(parsed.values, env);
  const mailbox = parsed.values.mailbox;
  const tally: Tally = { imported: 0, failed: 0, skipped: 0 };

  const post = async (raw: Buffer, source: string, received?: Date): Promise<void> => {
    // a header field name, a colon: anything else is not mail (a stray text file)
    if (!/^[!-9;-~]+:/.test(raw.subarray(0, 200).toString('latin1'))) {
      tally.failed++;
      process.stderr.write(
        `relaydesk ingest: ${source}: not a message (it does not start with a header field)\n`,
      );
      return;
    }
    const query = new URLSearchParams({ source });
    if (mailbox) query.set('mailbox', mailbox);
    if (received) query.set('received', received.toISOString());
    const res = await api.fetch(`api/v1/ingest?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: new Uint8Array(raw),
    });
    if (res.ok) {
      tally.imported++;
      return;
    }
    const why = await answerText(res);
    // a wrong mailbox or password fails every file the same way: stop at the first
    if (res.status === 400 && /^mailbox:/.test(why)) throw new CliUsageError(`--${why}`);
    if (res.status === 401 || res.status === 429) throw new Error(`ingest: ${res.status} ${why}`);
    tally.failed++;
    process.stderr.write(`relaydesk ingest: ${source}: ${res.status} ${why}\n`);
  };

  const importMbox = async (path: string): Promise<void> => {
    let n = 0;
    for await (const message of mboxReader(createReadStream(path))) {
      n++;
      // mbox-reader joins the lines without the last line's end: give it back
      const raw = Buffer.concat([message.content, Buffer.from('\n')]);
      await post(raw, `${basename(path)} #${n}`, message.time || undefined);
    }
  };

  const importFile = async (path: string): Promise<void> => {
    if (await startsWithFromLine(path)) await importMbox(path);
    else await post(await readFile(path), basename(path));
  };

  const walk = async (dir: string, inMaildir: boolean): Promise<void> => {
    const maildir = await isMaildir(dir);
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) {
        // a Maildir's tmp/ holds messages still being delivered
        if (maildir && entry.name === 'tmp') continue;
        await walk(path, maildir && (entry.name === 'cur' || entry.name === 'new'));
      } else if (entry.isFile()) {
        if (inMaildir || entry.name.toLowerCase().endsWith('.eml'))
          await post(await readFile(path), entry.name);
        else if (await startsWithFromLine(path)) await importMbox(path);
        else tally.skipped++;
      }
    }
  };

  // every path is checked before anything is imported: a typo in the last one must not leave
  // the others imported, to be imported twice when the command is run again
  const sources: { path: string; folder: boolean }[] = [];
  for (const arg of parsed.positionals) {
    const path = resolve(arg);
    const info = await stat(path).catch(() => null);
    if (!info) throw new CliUsageError(`ingest: ${arg}: no such file or folder; nothing imported`);
    sources.push({ path, folder: info.isDirectory() });
  }
  for (const { path, folder } of sources) {
    if (folder) await walk(path, false);
    else await importFile(path);
  }
  process.stdout.write(
    `imported ${tally.imported} message(s)${tally.failed ? `, ${tally.failed} failed` : ''}${tally.skipped ? `, ${tally.skipped} other file(s) skipped` : ''}\n`,
  );
  return tally.failed > 0 ? 1 : 0;
}
