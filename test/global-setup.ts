// Tests that spawn the CLI (kill -9, signals, sendmail) or load the UI need the build. Built once
// per run, and only when its sources are not those of the last build (scripts/build-stamps.js):
// `npm install` (prepare) and `npm test`'s checks have just built it all, and tsc's no-op pass
// alone took 5 s before any test could start (the renderer's and the preload's builds 3 s more),
// on every run of even one file. Type errors are reported by `npm run typecheck`, so only a
// missing output fails.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildOnChange, builds, type Build } from '../scripts/build-stamps.js';

const build = (name: string): Build => builds.find((b) => b.name === name) as Build;

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  if (process.env.RELAYDESK_SKIP_BUILD !== '1') {
    // tsc builds incrementally: with its build info left and its output gone, it would emit
    // nothing (and main's build is told by that build info, which tsc rewrites when it emits)
    if (!existsSync(join(root, 'out/main/cli.js')))
      rmSync(join(root, 'out/.tsbuildinfo-node'), { force: true });
    buildOnChange(root, build('node'), () => {
      try {
        execFileSync('npx', ['tsc', '-p', 'tsconfig.node.json'], { cwd: root, stdio: 'pipe' });
      } catch {
        // emitted anyway; typecheck reports the errors
      }
    });
    // what bin/relaydesk.js runs while it is as new as tsc's output (scripts/bundle-cli.js)
    buildOnChange(root, build('bundle'), () =>
      execFileSync('node', ['scripts/bundle-cli.js'], { cwd: root, stdio: 'inherit' }),
    );
    for (const name of ['renderer', 'preload']) {
      buildOnChange(root, build(name), () =>
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
