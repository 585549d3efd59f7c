// Mailpit's --ui-auth-file and --send-api-auth-file (and MailHog's -auth-file) are htpasswd
// files: given as --ui-password-file or --send-api-auth-file they work as they did there, user
// names included. Files made by Apache's own htpasswd, the tool Mailpit's documentation uses.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupCliProcesses, makeTempDir, runCli } from '../helpers/cli-process.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const run = promisify(execFile);
const htpasswd = requireTool(tools.htpasswd);

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

/** A file of `htpasswd` lines, each made with these flags for this user and password. */
async function htpasswdFile(entries: Array<[string[], string, string]>): Promise<string> {
  const file = join(await makeTempDir(), 'auth');
  const lines: string[] = [];
  for (const [flags, user, password] of entries) {
    const { stdout } = await run(htpasswd as string, ['-n', '-b', ...flags, user, password]);
    lines.push(stdout.trim());
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

describe.skipIf(!htpasswd)('an htpasswd file as the UI password file', () => {
  let relay: TestRelaydesk;
  let file: string;
  beforeAll(async () => {
    file = await htpasswdFile([
      [['-B'], 'admin', 'right horse battery'],
      [['-s'], 'legacy', 'sha one'],
    ]);
    relay = await startTestRelaydesk({ greetingDelayMs: 0, uiPasswordFile: file });
  });
  afterAll(async () => {
    await relay?.dispose();
    await cleanupCliProcesses();
  });

  it('lets in its users with their own passwords (bcrypt and SHA-1 lines), and nobody else', async () => {
    const status = async (headers?: Record<string, string>) =>
      (await relay.fetch('/api/v1/info', headers ? { headers } : {})).status;
    expect(await status(basic('admin', 'right horse battery'))).toBe(200);
    expect(await status(basic('legacy', 'sha one'))).toBe(200);
    expect(await status(basic('admin', 'wrong'))).toBe(401);
    // the password of another user, or a name not in the file
    expect(await status(basic('legacy', 'right horse battery'))).toBe(401);
    expect(await status(basic('nobody', 'right horse battery'))).toBe(401);
    const anonymous = await relay.fetch('/api/v1/info');
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({
      error: 'this Relaydesk needs a UI user name and password (basic auth)',
    });
  });

  it('is refused by a queue command, which cannot log in with hashes, naming what to give', async () => {
    const result = await runCli([
      'queue',
      '--http',
      `http://127.0.0.1:${relay.http.port}`,
      '--ui-password-file',
      file,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `--ui-password-file: ${JSON.stringify(file)} holds htpasswd lines (user:hash), not a password to log in with; give a user and password in the URL instead: --http http://USER:PASSWORD@127.0.0.1:8025`,
    );
  });
});

describe.skipIf(!htpasswd)('htpasswd lines that are not read', () => {
  afterEach(cleanupCliProcesses);

  it('refuses at start a kind of hash it does not verify, naming the line and the command', async () => {
    // Apache MD5 (htpasswd -m), after a good bcrypt line
    const file = await htpasswdFile([
      [['-B'], 'admin', 'pw one'],
      [['-m'], 'old', 'pw two'],
    ]);
    expect((await readFile(file, 'utf8')).split('\n')[1]).toMatch(/^old:\$apr1\$/);
    await expect(startTestRelaydesk({ uiPasswordFile: file })).rejects.toThrow(
      `--ui-password-file: ${JSON.stringify(file)} line 2 (old): this kind of hash is not read here (Apache MD5, crypt or salted SHA); make the line again with bcrypt: htpasswd -B FILE old`,
    );
  });

  it('refuses a bcrypt cost that would make each login take seconds', async () => {
    // made with the lowest cost, then its cost field raised: htpasswd -B -C 15 itself takes seconds
    const file = await htpasswdFile([[['-B', '-C', '4'], 'admin', 'pw']]);
    await writeFile(file, (await readFile(file, 'utf8')).replace('$04$', '$15$'));
    await expect(startTestRelaydesk({ sendApiAuthFile: file })).rejects.toThrow(
      `--send-api-auth-file: ${JSON.stringify(file)} line 1 (admin): bcrypt cost 15 is more than 14`,
    );
  });
});
