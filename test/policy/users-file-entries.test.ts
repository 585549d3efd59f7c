// An SMTP users file edited by hand: an entry that cannot log in (a password typed in where the
// hash goes, a name with a space, a line that is no user) was dropped without a word, so the
// admin saw "535 authentication failed" and nothing to say why. Now each is named at start, with
// the file, the entry and the fix; the valid users still log in, the relay still starts, and a
// user added afterwards does not delete the skipped entries from the file.
//
// With --require-auth and no valid user left the relay starts all the same, saying every client
// is refused until one is added: the users file is re-read while it runs, so fixing the entry (or
// `relaydesk user passwd`) lets clients in without a restart, as for a relay with no users yet.
//
// A users file that cannot be read at all while the relay runs (a hand edit that broke its JSON,
// a folder in its place) refuses every client with 421 until it is put right; the log says why,
// with the file and the fix (it said "smtp: users: EISDIR: illegal operation on a directory,
// read", naming no file), and the clients come back without a restart.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupCliProcesses, makeTempDir, runCli, startServe } from '../helpers/cli-process.js';
import { eventually } from '../helpers/eventually.js';
import { greetedSession, plainToken, SmtpWire } from '../helpers/smtp-wire.js';

afterEach(cleanupCliProcesses);

async function usersFileWith(dataDir: string, extra: unknown[]): Promise<string> {
  const added = await runCli(['user', 'add', 'ada', '--data', dataDir], {
    input: 'ada-password-1\n',
  });
  expect(added.code).toBe(0);
  const path = join(dataDir, 'users.json');
  const file = JSON.parse(await readFile(path, 'utf8')) as { users: unknown[] };
  file.users.push(...extra);
  await writeFile(path, JSON.stringify(file, null, 2));
  return path;
}

describe('an SMTP users file with entries that cannot log in', () => {
  it('names each at start, and the valid user still logs in', async () => {
    const dataDir = await makeTempDir();
    const path = await usersFileWith(dataDir, [
      { name: 'bob', hash: 'bob-password-1' },
      { name: 'carol smith', hash: 'x' },
      42,
      { hash: 'x' },
    ]);
    const serve = await startServe({ dataDir, args: ['--require-auth'] });
    const file = `SMTP users file ${JSON.stringify(path)}`;
    const said = serve.stdout.split('\n').filter((line) => line.includes(file));
    expect(said.map((line) => line.replace(/^\S+ /, ''))).toEqual([
      `${file}: users[1] (bob): "hash" is not a password hash made by Relaydesk (a password cannot be written into the file as it is); set the password again with "relaydesk user passwd bob"; the entry is skipped`,
      `${file}: users[2]: name "carol smith" cannot log in: a user name is 1 to 128 letters, digits and . _ @ + -, e.g. app or qa@example.com; the entry is skipped`,
      `${file}: users[3]: 42 is not a user; remove it, and add users with "relaydesk user add NAME"; the entry is skipped`,
      `${file}: users[4]: "name" is missing; give it, or remove the entry and add the user with "relaydesk user add NAME"; the entry is skipped`,
    ]);
    expect(serve.stdout).toMatch(/SMTP users: 1\b/);
    const wire = await greetedSession(serve.smtp.port);
    expect(await wire.command('EHLO client.example')).toMatch(/^250/);
    expect(await wire.command(`AUTH PLAIN ${plainToken('ada', 'ada-password-1')}`)).toMatch(/^235/);
    wire.close();

    // a user added now keeps the skipped entries in the file, for the admin to fix
    const added = await serve.fetch('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'dave', password: 'dave-password-1' }),
    });
    expect(added.status).toBeLessThan(300);
    const users = (JSON.parse(await readFile(path, 'utf8')) as { users: unknown[] }).users;
    expect(users).toHaveLength(6);
    expect(users).toContainEqual({ name: 'bob', hash: 'bob-password-1' });
    expect(users).toContain(42);
    // and the same entries are not said again for that change
    expect(serve.stdout.split('\n').filter((line) => line.includes(file))).toHaveLength(4);
  }, 60_000);

  // `relaydesk user list` listed the valid users alone: the admin who typed bob in by hand saw
  // him missing and no word why, unless a relay was started to read its log
  it('`relaydesk user list` names each after the users, in the words the start uses', async () => {
    const dataDir = await makeTempDir();
    const path = await usersFileWith(dataDir, [{ name: 'bob', hash: 'bob-password-1' }, 42]);
    const list = await runCli(['user', 'list', '--data', dataDir]);
    expect(list.code).toBe(0);
    // stdout stays the names, for scripts
    expect(list.stdout).toMatch(/^ada\t\(added [^\n]+\)\n$/);
    const file = `SMTP users file ${JSON.stringify(path)}`;
    expect(list.stderr.split('\n')).toEqual([
      `${file}: users[1] (bob): "hash" is not a password hash made by Relaydesk (a password cannot be written into the file as it is); set the password again with "relaydesk user passwd bob"; the entry is skipped`,
      `${file}: users[2]: 42 is not a user; remove it, and add users with "relaydesk user add NAME"; the entry is skipped`,
      '',
    ]);
    // and the relay says the same lines at start
    const serve = await startServe({ dataDir });
    const said = serve.stdout.split('\n').filter((line) => line.includes(file));
    expect(said.map((line) => line.replace(/^\S+ /, ''))).toEqual(
      list.stderr.trimEnd().split('\n'),
    );
  }, 60_000);

  it('with --require-auth and no valid user left, starts and says clients are refused', async () => {
    const dataDir = await makeTempDir();
    const path = join(dataDir, 'users.json');
    await writeFile(
      path,
      JSON.stringify({ version: 1, users: [{ name: 'bob', password: 'bob-password-1' }] }),
    );
    const serve = await startServe({ dataDir, args: ['--require-auth'] });
    expect(serve.stdout).toContain(
      `SMTP users file ${JSON.stringify(path)}: users[0] (bob): "hash" is missing; set the password again with "relaydesk user passwd bob"; the entry is skipped`,
    );
    expect(serve.stdout).toContain(
      'exposure: --require-auth is on but there are no SMTP users: every client is refused until you add one (relaydesk user add NAME)',
    );
  }, 60_000);

  it('that becomes unreadable while the relay runs: clients get 421 with the file and the fix in the log, and come back once it is put right', async () => {
    const dataDir = await makeTempDir();
    const path = await usersFileWith(dataDir, []);
    const serve = await startServe({ dataDir, args: ['--require-auth'] });
    const good = await readFile(path, 'utf8');
    // a hand edit that broke it, then a folder in its place
    await writeFile(path, good.replace('"users"', 'users'));
    // the connection check reads the file again at most once a second
    const greeting = async (): Promise<string> => {
      const wire = await SmtpWire.connect(serve.smtp.port);
      const reply = await wire.reply();
      wire.close();
      return reply;
    };
    await eventually(greeting, 5_000).toMatch(/^421 4\.3\.0 /);
    await eventually(() => serve.stdout).toContain(
      `smtp: clients are refused (421) until the users file can be read: ${path} is not valid JSON`,
    );
    await rm(path);
    await mkdir(path);
    // each connection reads it again (a second after the last read)
    await eventually(async () => (await greeting()) && serve.stdout, 5_000).toContain(
      `smtp: clients are refused (421) until the users file can be read: users: ${JSON.stringify(path)} cannot be read (EISDIR); something other than a file is in its place: move it away`,
    );
    await rm(path, { recursive: true });
    await writeFile(path, good);
    await eventually(greeting, 5_000).toMatch(/^220 /);
    const wire = await greetedSession(serve.smtp.port);
    expect(await wire.command(`AUTH PLAIN ${plainToken('ada', 'ada-password-1')}`)).toMatch(/^235/);
    wire.close();
  });
});
