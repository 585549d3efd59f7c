// SMTP users: names with scrypt-hashed passwords in `users.json` in the data folder, written
// atomically (temporary file, fsync, rename, fsync the folder) with mode 0600. The CLI
// (`relaydesk user …`) and the API change the same file; a running relay notices changes made
// by another process (it compares the file's mtime and size before each use), so a user added
// from the command line can authenticate without a restart.
import { CallerError } from '../caller-error.js';
import { readFile, stat } from 'node:fs/promises';
import { fileSignature } from '../settings/file-signature.js';
import { makeFolder } from '../spool/durable-file.js';
import { dirname, join } from 'node:path';
import { writeFilesDurably } from '../spool/durable-file.js';
import { unreadableDataFile } from '../spool/unreadable-data-file.js';
import { hashPassword, isPasswordHash, verifyPassword } from './password-hash.js';

export const usersFileName = 'users.json';

export interface StoredUser {
  name: string;
  hash: string;
  createdAt: string;
  updatedAt: string;
}

/** What the API and the CLI show: never the hash. */
export interface UserView {
  name: string;
  createdAt: string;
  updatedAt: string;
}

interface UsersFile {
  version: 1;
  users: StoredUser[];
}

export class UserError extends CallerError {
  override name = 'UserError';
  constructor(
    message: string,
    readonly kind: 'invalid' | 'exists' | 'missing',
  ) {
    super(message, kind === 'exists' ? 409 : kind === 'missing' ? 404 : 400);
  }
}

// Names are what clients send in AUTH: printable, no spaces or controls (they reach log lines
// and the Received stamp's neighbours), 1–128 characters, e.g. `app`, `qa@example.com`.
const namePattern = /^[\p{L}\p{N}._@+-]{1,128}$/u;

export function userNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || !namePattern.test(name)) {
    return 'a user name is 1 to 128 letters, digits and . _ @ + -, e.g. app or qa@example.com';
  }
  return null;
}

export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string' || password.length < 8 || password.length > 1024) {
    return 'a password is 8 to 1024 characters';
  }
  // eslint-disable-next-line no-control-regex -- a password with a line break cannot be typed at AUTH LOGIN
  if (/[\u0000-\u001f\u007f]/.test(password)) return 'a password may not hold control characters';
  return null;
}

/** What a read of the file found: the users that can log in, and the entries that cannot. */
interface UsersFileRead {
  users: StoredUser[];
  /** One line per entry skipped, naming the file, the entry and the fix. */
  problems: string[];
  /** Those entries as they are in the file: kept in it when the file is rewritten. */
  skipped: unknown[];
}

/** Why entry `i` of the file cannot log in, or null for a user that can. */
function entryProblem(entry: unknown, i: number): string | null {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    return `users[${i}]: ${JSON.stringify(entry)} is not a user; remove it, and add users with "relaydesk user add NAME"`;
  }
  const { name, hash } = entry as Record<string, unknown>;
  const nameIssue = userNameProblem(name);
  if (nameIssue) {
    return name === undefined
      ? `users[${i}]: "name" is missing; give it, or remove the entry and add the user with "relaydesk user add NAME"`
      : `users[${i}]: name ${JSON.stringify(name)} cannot log in: ${nameIssue}`;
  }
  const who = `users[${i}] (${name as string})`;
  const fix = `set the password again with "relaydesk user passwd ${name as string}"`;
  if (hash === undefined) return `${who}: "hash" is missing; ${fix}`;
  // a password typed into the file by hand is the usual slip: it is no hash, and nobody can log in
  if (typeof hash !== 'string' || !isPasswordHash(hash)) {
    return `${who}: "hash" is not a password hash made by Relaydesk (a password cannot be written into the file as it is); ${fix}`;
  }
  return null;
}

function parseUsersFile(text: string, path: string): UsersFileRead {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path} is not valid JSON (${(err as Error).message}); fix or remove it`, {
      cause: err,
    });
  }
  const entries = (parsed as Partial<UsersFile> | null)?.users;
  if (!Array.isArray(entries)) throw new Error(`${path} has no "users" list; fix or remove it`);
  // an entry edited by hand into one that cannot log in was dropped without a word: it is skipped
  // still (the other users go on working), and said, once per read of the file
  const read: UsersFileRead = { users: [], problems: [], skipped: [] };
  entries.forEach((entry: unknown, i) => {
    const problem = entryProblem(entry, i);
    if (problem === null) read.users.push(entry as StoredUser);
    else {
      read.problems.push(
        `SMTP users file ${JSON.stringify(path)}: ${problem}; the entry is skipped`,
      );
      read.skipped.push(entry);
    }
  });
  return read;
}

export class UserStore {
  readonly path: string;
  private users: StoredUser[] = [];
  private seen: string | null = null;
  private refreshing: Promise<void> | null = null;
  /** When the file was last looked at (Date.now()), null before the first look. */
  private checkedAt: number | null = null;
  /** Changes run one after another, each on the file as it is now. */
  private chain: Promise<unknown> = Promise.resolve();

  /** The file's entries that cannot log in, as they were read: written back unchanged. */
  private skipped: unknown[] = [];
  private warned = '';

  /**
   * `warn` hears each entry that cannot log in, whenever the file is read afresh (at start, and
   * after someone edited it): the relay's log, where the admin who edited it looks.
   */
  constructor(
    dataDir: string,
    private readonly warn?: (line: string) => void,
  ) {
    this.path = join(dataDir, usersFileName);
  }

  /**
   * Re-reads the file when another process changed it. Callers that come while a check runs
   * share it: ten clients connecting at once cost one stat, not ten.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.reread().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /**
   * The same, unless the file was checked less than `maxAgeMs` ago. For the connection check
   * (are there users at all?): a stat per connection cost the SMTP thread 4 % of its time under
   * load, most of it the ENOENT error of a relay without users. AUTH always checks.
   */
  refreshIfOlder(maxAgeMs: number): Promise<void> {
    if (this.checkedAt !== null && Date.now() - this.checkedAt < maxAgeMs) return Promise.resolve();
    return this.refresh();
  }

  private async reread(): Promise<void> {
    this.checkedAt = Date.now();
    let signature: string;
    try {
      const info = await stat(this.path);
      signature = fileSignature(info);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.users = [];
      this.skipped = [];
      this.seen = null;
      return;
    }
    if (signature === this.seen) return;
    const text = await readFile(this.path, 'utf8').catch((err: unknown) => {
      throw unreadableDataFile('users', this.path, err);
    });
    const read = parseUsersFile(text, this.path);
    this.users = read.users;
    this.skipped = read.skipped;
    this.seen = signature;
    // said once: not again at every change of the file that leaves the same entries skipped
    // (the same entries: a user added moves them down the list, which is no news)
    const said = JSON.stringify(read.skipped);
    if (said !== this.warned) for (const line of read.problems) this.warn?.(line);
    this.warned = said;
  }

  /** The users as last read; call `refresh` first when another process may have written. */
  get count(): number {
    return this.users.length;
  }

  /** The users' names as last read; call `refresh` first when another process may have written. */
  get names(): string[] {
    return this.users.map((u) => u.name);
  }

  async list(): Promise<UserView[]> {
    await this.refresh();
    return this.users.map(({ name, createdAt, updatedAt }) => ({ name, createdAt, updatedAt }));
  }

  async exists(): Promise<boolean> {
    await this.refresh();
    return this.users.length > 0;
  }

  /**
   * The stored name a POP3 login means: the name as typed, else the one user whose name differs
   * from it only in case (Dovecot lowercases login names, Mailpit's POP3 compares them
   * case-insensitively, and mail clients capitalise what is typed into them: `Ada` for `ada`).
   * Null for an unknown name, or one that two users' names match only in case (neither is meant
   * more than the other). SMTP AUTH keeps the exact name.
   */
  loginName(name: string): string | null {
    if (this.users.some((u) => u.name === name)) return name;
    const folded = name.toLowerCase();
    const matches = this.users.filter((u) => u.name.toLowerCase() === folded);
    return matches.length === 1 ? (matches[0] as StoredUser).name : null;
  }

  /** Checks a name and password; false for an unknown name, after the same work. */
  async verify(name: string, password: string): Promise<boolean> {
    await this.refresh();
    const user = this.users.find((u) => u.name === name);
    return verifyPassword(password, user?.hash ?? null);
  }

  private change(apply: (users: StoredUser[]) => Promise<StoredUser[]>): Promise<void> {
    const run = this.chain.then(async () => {
      this.seen = null;
      // the file as it is now, not as a check begun before this change saw it
      await this.reread();
      const next = await apply([...this.users]);
      // the entries that cannot log in stay as they are, for the admin to fix: a user added from
      // the GUI must not delete what was typed into the file by hand
      const file = { version: 1, users: [...next, ...this.skipped] };
      await makeFolder(dirname(this.path));
      await writeFilesDurably([{ path: this.path, data: `${JSON.stringify(file, null, 2)}\n` }]);
      this.users = next;
      this.seen = null;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** `add` fails for an existing name, `change` for a missing one; `upsert` does either. */
  async set(name: string, password: string, mode: 'add' | 'change' | 'upsert'): Promise<void> {
    // both problems at once, one a line: a bad name should not hide that the password is too.
    // Each line starts with the field it is about, as the API's other refusals do, so a form
    // (Settings → Users) puts each beside its own box
    const nameIssue = userNameProblem(name);
    const passwordIssue = passwordProblem(password);
    const issues = [
      ...(nameIssue ? [`name: ${JSON.stringify(name)} is not a user name; ${nameIssue}`] : []),
      ...(passwordIssue ? [`password: ${passwordIssue}`] : []),
    ];
    if (issues.length > 0) throw new UserError(issues.join('\n'), 'invalid');
    const hash = await hashPassword(password);
    await this.change(async (users) => {
      const now = new Date().toISOString();
      const existing = users.find((u) => u.name === name);
      if (existing && mode === 'add') {
        throw new UserError(
          `name: user ${name} exists already; change the password with "relaydesk user passwd ${name}" (or PUT /api/v1/users/${name})`,
          'exists',
        );
      }
      if (!existing && mode === 'change') {
        throw new UserError(`no user ${name}; add it with "relaydesk user add ${name}"`, 'missing');
      }
      if (existing) return users.map((u) => (u === existing ? { ...u, hash, updatedAt: now } : u));
      return [...users, { name, hash, createdAt: now, updatedAt: now }];
    });
  }

  async remove(name: string): Promise<void> {
    await this.change(async (users) => {
      if (!users.some((u) => u.name === name)) {
        throw new UserError(`no user ${JSON.stringify(name)}`, 'missing');
      }
      return users.filter((u) => u.name !== name);
    });
  }
}
