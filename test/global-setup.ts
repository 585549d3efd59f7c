// Tests that spawn the CLI (kill -9, signals, sendmail) or load the UI need the build. Built once
// per run, and only when its sources are not those of the last build: `npm install` (prepare)
// and `npm test`'s checks have just built it all, and tsc's no-op pass alone took 5 s before any
// test could start (the renderer's and the preload's builds 3 s more), on every run of even one
// file. Type errors are reported by `npm run typecheck`, so only a missing output fails.
import { execFileSync } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Hashes the names and contents of the files under `path` (by content: a copied out/ folder
 * or a checkout that keeps modification times is still seen to differ). */
function hashTree(hash: Hash, root: string, path: string): void {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    hash.update(`${relative(root, path)}\0`).update(readFileSync(path));
    return;
  }
  for (const entry of readdirSync(path).sort()) hashTree(hash, root, join(path, entry));
}

/**
 * Runs `build` unless `output` exists and the sources hash as they did after its last run here,
 * with `output` as it was then (a build of other sources since, say `npm run build` on another
 * branch, changed it): recorded beside it in out/.
 */
function buildOnChange(
  root: string,
  name: string,
  output: string,
  sources: string[],
  build: () => void,
): void {
  const hash = createHash('sha256');
  for (const source of sources) hashTree(hash, root, join(root, source));
  const digest = hash.digest('hex');
  const built = (): string | null => {
    const path = join(root, output);
    return existsSync(path) ? `${digest} ${statSync(path).mtimeMs}` : null;
  };
  const stamp = join(root, 'out', `.sources-${name}`);
  const was = built();
  if (was !== null && existsSync(stamp) && readFileSync(stamp, 'utf8') === was) return;
  rmSync(stamp, { force: true });
  build();
  const now = built();
  if (now !== null) writeFileSync(stamp, now);
}

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  if (process.env.RELAYDESK_SKIP_BUILD !== '1') {
    const packages = ['package-lock.json', 'tsconfig.base.json'];
    // tsc builds incrementally: with its build info left and its output gone, it would emit
    // nothing (and main's build is told by that build info, which tsc rewrites when it emits)
    if (!existsSync(join(root, 'out/main/cli.js')))
      rmSync(join(root, 'out/.tsbuildinfo-node'), { force: true });
    buildOnChange(
      root,
      'node',
      'out/.tsbuildinfo-node',
      ['main', 'preload', 'tsconfig.node.json', ...packages],
      () => {
        try {
          execFileSync('npx', ['tsc', '-p', 'tsconfig.node.json'], { cwd: root, stdio: 'pipe' });
        } catch {
          // emitted anyway; typecheck reports the errors
        }
      },
    );
    // what bin/relaydesk.js runs while it is as new as tsc's output (scripts/bundle-cli.js)
    buildOnChange(
      root,
      'bundle',
      'out/main/bundle/cli.js',
      ['main', 'preload', 'tsconfig.node.json', 'scripts/bundle-cli.js', ...packages],
      () => execFileSync('node', ['scripts/bundle-cli.js'], { cwd: root, stdio: 'inherit' }),
    );
    const builds: Array<[name: string, output: string, sources: string[]]> = [
      ['renderer', 'out/renderer/index.html', ['renderer', 'preload', ...packages]],
      ['preload', 'out/preload/index.cjs', ['preload', ...packages]],
    ];
    for (const [name, output, sources] of builds) {
      buildOnChange(root, name, output, sources, () =>
        execFileSync(
          'npx',
          ['vite', 'build', '--config', `${name}/vite.config.ts`, '--logLevel', 'warn'],
          {
            cwd: root,
            stdio: 'inherit',
            // vitest sets NODE_ENV=test, with which vite builds React's development bundle (half as
            // large again, and a third slower to paint the list): the tests drive the production
            // build, and `npm start` or `npm run bench` after `npm test` serves that, not this
            env: { ...process.env, NODE_ENV: 'production' },
          },
        ),
      );
    }
  }
  for (const file of [
    'out/main/cli.js',
    'out/main/bundle/cli.js',
    'out/renderer/index.html',
    'out/preload/index.cjs',
  ]) {
    if (!existsSync(join(root, file))) throw new Error(`build output ${file} is missing`);
  }
}
