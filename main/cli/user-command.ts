// `relaydesk user add|passwd|remove|list NAME [--data DIR]`: the SMTP users of a data folder,
// the same file the running relay and the users API use (a running relay picks changes up at
// once). The password is read from stdin, never from the command line, where `ps` and the shell
// history would keep it: `echo 's3cret-pass' | relaydesk user add app`, or typed at the prompt.
// `relaydesk user hash` prints the scrypt hash of a password for --ui-password-file.
//
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { defaultDataDir } from '../core/settings/settings-sources.js';
import { hashPassword } from '../core/policy/password-hash.js';
import { passwordProblem, UserError, UserStore } from '../core/policy/user-store.js';
import { readStdin } from './read-stdin.js';

export { expandServeFlags } from './serve-flags.js';

const usage = `Usage: relaydesk user <add|passwd|remove|list|hash> [NAME] [--data DIR]

  add NAME       add an SMTP user; the password is read from stdin
  passwd NAME    change a user's password (from stdin)
  remove NAME    remove a user
  list           the user names; then, on stderr, each entry of the file skipped as malformed
  hash           print the scrypt hash of the password on stdin (for --ui-password-file)

  --data DIR     the data folder (default: RELAYDESK_DATA, else ${defaultDataDir()})
`;

/** One line typed without echo, when stdin is a terminal. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let typed = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (result: string | Error): void => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (result instanceof Error) reject(result);
      else resolvePromise(result);
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done(typed);
        if (char === '\u0003') return done(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(name: string): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await promptHidden(`Password for ${name}: `);
    const second = await promptHidden('Again: ');
    if (first !== second)
      throw new UserError('the two passwords differ; nothing changed', 'invalid');
    return first;
  }
  // the first line; a trailing CR from a Windows pipe is not part of the password
  return (await readStdin()).toString('utf8').split('\n')[0]?.replace(/\r$/, '') ?? '';
}

export async function runUserCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    process.stderr.write(`relaydesk user: ${(err as Error).message.split('\n')[0]}\n${usage}`);
    return 2;
  }
  const [action, name, ...extra] = parsed.positionals;
  if (parsed.values.help || action === undefined) {
    process.stdout.write(usage);
    return action === undefined && !parsed.values.help ? 2 : 0;
  }
  const needsName = action === 'add' || action === 'passwd' || action === 'remove';
  const known = needsName || action === 'list' || action === 'hash';
  if (!known || (needsName && !name) || (!needsName && name) || extra.length > 0) {
    process.stderr.write(
      `relaydesk user: ${!known ? `${action}: unknown action` : needsName && !name ? `${action} needs a user NAME` : 'too many arguments'}\n${usage}`,
    );
    return 2;
  }
  const dataDir = resolve(parsed.values.data ?? (process.env.RELAYDESK_DATA || defaultDataDir()));
  // the entries of the file that cannot log in, in the words the relay logs them at start
  const skipped: string[] = [];
  const store = new UserStore(dataDir, (line) => skipped.push(line));
  try {
    if (action === 'hash') {
      const password = await readPassword('the UI');
      const problem = passwordProblem(password);
      if (problem) throw new UserError(problem, 'invalid');
      process.stdout.write(`${await hashPassword(password)}\n`);
    } else if (action === 'list') {
      for (const user of await store.list()) {
        process.stdout.write(
          `${user.name}\t(added ${user.createdAt}, changed ${user.updatedAt})\n`,
        );
      }
      // after the users, one a line, on stderr: a script reading the names from stdout gets
      // names only, and the admin who wonders why bob is not listed reads why
      for (const line of skipped) process.stderr.write(`${line}\n`);
    } else if (action === 'remove') {
      await store.remove(name as string);
      process.stdout.write(`removed SMTP user ${name} (${store.path})\n`);
    } else {
      const password = await readPassword(name as string);
      await store.set(name as string, password, action === 'add' ? 'add' : 'change');
      process.stdout.write(
        `${action === 'add' ? 'added' : 'changed the password of'} SMTP user ${name} (${store.path})\n`,
      );
    }
    return 0;
  } catch (err) {
    process.stderr.write(`relaydesk user: ${(err as Error).message}\n`);
    return 1;
  }
}
