// A machine whose better-sqlite3 binary cannot be loaded (built for another Node or Electron ABI,
// or damaged): `relaydesk serve` stops with one line naming the fix, no stack trace, and leaves
// the data folder as it was. The broken module is a real copy of the package with a binary that
// is not one, put in place of the real package when it is resolved.
import { spawnSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'relaydesk-native-'));
  const modules = join(work, 'node_modules');
  const copy = join(modules, 'better-sqlite3');
  await mkdir(join(copy, 'build', 'Release'), { recursive: true });
  await cp(join(root, 'node_modules/better-sqlite3/lib'), join(copy, 'lib'), { recursive: true });
  await cp(join(root, 'node_modules/better-sqlite3/package.json'), join(copy, 'package.json'));
  await writeFile(join(copy, 'build/Release/better_sqlite3.node'), 'not a shared library');
  for (const dep of ['bindings', 'file-uri-to-path'])
    await symlink(join(root, 'node_modules', dep), join(modules, dep));
  await writeFile(
    join(work, 'broken-sqlite.cjs'),
    `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'better-sqlite3') return ${JSON.stringify(join(copy, 'lib', 'index.js'))};
  return resolve.call(this, request, ...rest);
};
`,
  );
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

it('stops with one line naming the fix when the native module cannot be loaded', async () => {
  const dataDir = join(work, 'data');
  const run = spawnSync(
    process.execPath,
    [
      '--require',
      join(work, 'broken-sqlite.cjs'),
      join(root, 'bin', 'relaydesk.js'),
      'serve',
      '--smtp',
      '127.0.0.1:0',
      '--http',
      '127.0.0.1:0',
      '--data',
      dataDir,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(
    /^relaydesk: message index: the native module better-sqlite3 cannot be loaded \(.+\); reinstall Relaydesk, or from a source checkout run `npm rebuild better-sqlite3`/,
  );
  expect(run.stderr).not.toMatch(/\n\s+at /);
  // nothing was made of the index: no file to be mistaken for a damaged one
  expect(await readdir(dataDir)).not.toContain('index.sqlite');
});
