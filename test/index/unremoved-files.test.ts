// A message whose files could not be removed (a file another program holds on Windows, a failing
// disk) leaves the index but stays in the spool folder. The error says it is listed again at the
// next start: so the clean stop must not record a folder stamp that vouches for an index without
// it (before: the next start trusted that stamp, did not list the folder, and the message's files
// stayed on disk, in no list, for good).
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, expect, it } from 'vitest';
import { formatLogLine, type LogRecord } from '../../main/core/logs/log-record.js';
import type { MessagesPage } from '../../preload/api-contract.js';
import { cleanupCliProcesses, makeTempDir, startServe } from '../helpers/cli-process.js';
import { makeDataDir, startTestRelaydesk } from '../helpers/relaydesk.js';

afterEach(cleanupCliProcesses);

/**
 * Puts a folder in the place of the message's .eml, which then cannot be removed (as a file
 * another program holds open cannot be, on Windows).
 */
async function jamEml(dataDir: string, id: string): Promise<void> {
  const eml = join(dataDir, 'spool', `${id}.eml`);
  await rm(eml);
  await mkdir(eml);
  await writeFile(join(eml, 'held'), 'x');
}

/** Mailpit's DELETE /api/v1/messages of these IDs, to the relay answering at `url`. */
function deleteMessages(url: string, ids: string[]): Promise<Response> {
  return fetch(`${url}api/v1/messages`, {
    method: 'DELETE',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ IDs: ids }),
  });
}

const subjects = async (relay: Awaited<ReturnType<typeof startTestRelaydesk>>) =>
  (await relay.api<MessagesPage>('/api/v1/messages')).messages.map((m) => m.Subject).sort();

it('lists a message whose files could not be removed again at the next start, after a clean stop', async () => {
  const dataDir = await makeDataDir();
  try {
    // received, and stopped: each message's record is in its sidecar file (the next case is one
    // whose record is still only in the arrivals journal)
    const first = await startTestRelaydesk({}, dataDir);
    try {
      const transport = first.transport();
      for (const subject of ['kept', 'stuck', 'gone']) {
        await transport.sendMail({ from: 'a@x.example', to: 'b@y.example', subject, text: 'x' });
      }
    } finally {
      await first.dispose();
    }
    const second = await startTestRelaydesk({}, dataDir);
    let stuckId: string;
    const records: LogRecord[] = [];
    second.service.on('record', (record: LogRecord) => records.push(record));
    try {
      const page = await second.api<MessagesPage>('/api/v1/messages');
      const byId = new Map(page.messages.map((m) => [m.Subject, m.ID]));
      stuckId = byId.get('stuck') as string;
      await jamEml(dataDir, stuckId);
      const answer = await deleteMessages(second.url, [stuckId, byId.get('gone') as string]);
      // the user learns the outcome (no path reaches the client); the log names the file
      expect(answer.status).toBe(500);
      // Mailpit's path: the words as text, as its httpError answers
      expect(await answer.text()).toMatch(
        /^could not remove the files of 1 message\(s\) \(EISDIR\); they are listed again at the next start \(id [0-9a-f]{12}\); the server's log has the details$/,
      );
      expect(records.map((r) => formatLogLine(r)).join('\n')).toContain(
        `could not remove the files of 1 message(s) (EISDIR: illegal operation on a directory, unlink '${join(dataDir, 'spool', stuckId)}.eml'); they are listed again at the next start`,
      );
      expect(await subjects(second)).toEqual(['kept']);
    } finally {
      await second.dispose();
    }
    // what the error said: listed again
    const third = await startTestRelaydesk({}, dataDir);
    try {
      expect(await subjects(third)).toEqual(['kept', 'stuck']);
      // and the one removed stays removed
      const names = await readdir(join(dataDir, 'spool'));
      expect(names.filter((name) => name.startsWith(stuckId))).toHaveLength(2);
      expect(names).toHaveLength(4);
    } finally {
      await third.dispose();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('lists one received moments before its removal failed again too, its record then only in the arrivals journal', async () => {
  const dataDir = await makeDataDir();
  try {
    const first = await startTestRelaydesk({}, dataDir);
    let stuckId: string;
    try {
      const transport = first.transport();
      for (const subject of ['kept', 'stuck']) {
        await transport.sendMail({ from: 'a@x.example', to: 'b@y.example', subject, text: 'x' });
      }
      const page = await first.api<MessagesPage>('/api/v1/messages');
      stuckId = page.messages.find((m) => m.Subject === 'stuck')?.ID as string;
      await jamEml(dataDir, stuckId);
      const answer = await deleteMessages(first.url, [stuckId]);
      expect(answer.status).toBe(500);
      expect(await subjects(first)).toEqual(['kept']);
    } finally {
      await first.dispose();
    }
    // before: its record went with the failed removal, and its .eml to the spool's quarantine as
    // "never acknowledged"
    const second = await startTestRelaydesk({}, dataDir);
    try {
      expect(await subjects(second)).toEqual(['kept', 'stuck']);
      expect(await readdir(join(dataDir, 'quarantine')).catch(() => [])).toEqual([]);
    } finally {
      await second.dispose();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('starts after a kill -9 that followed a failed removal, saying which file stayed', async () => {
  const dataDir = await makeTempDir();
  const first = await startServe({ dataDir });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: first.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  for (const subject of ['kept', 'stuck']) {
    await transport.sendMail({ from: 'a@x.example', to: 'b@y.example', subject, text: 'x' });
  }
  transport.close();
  const page = await first.api<MessagesPage>('/api/v1/messages');
  const stuckId = page.messages.find((m) => m.Subject === 'stuck')?.ID as string;
  await jamEml(dataDir, stuckId);
  const answer = await deleteMessages(first.url, [stuckId]);
  expect(answer.status).toBe(500);
  // its journal line says it is being removed; the crash comes before the removal is done
  first.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');

  // before: the journal's replay failed on the file that would not go, and so did the start
  const second = await startServe({ dataDir });
  try {
    expect(second.describe()).toContain(`could not finish removing ${stuckId}`);
    expect(second.describe()).toContain(`spool: could not remove ${stuckId}.eml (EISDIR`);
    const listed = await second.api<MessagesPage>('/api/v1/messages');
    expect(listed.messages.map((m) => m.Subject)).toContain('kept');
  } finally {
    await second.stop();
  }
});
