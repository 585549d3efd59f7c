// Tests that spawn the CLI (kill -9, signals, sendmail) or load the UI need the build. Build
// once per run; type errors are reported by `npm run typecheck`, so only a missing output fails.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export default function setup(): void {
  const root = join(import.meta.dirname, '..');
  if (process.env.RELAYDESK_SKIP_BUILD !== '1') {
    // tsc builds incrementally: with its build info left and its output gone, it would emit nothing
    if (!existsSync(join(root, 'out/main/cli.js')))
      rmSync(join(root, 'out/.tsbuildinfo-node'), { force: true });
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.node.json'], { cwd: root, stdio: 'pipe' });
    } catch {
      // emitted anyway; typecheck reports the errors
    }
    for (const config of ['renderer/vite.config.ts', 'preload/vite.config.ts']) {
      execFileSync('npx', ['vite', 'build', '--config', config, '--logLevel', 'warn'], {
        cwd: root,
        stdio: 'inherit',
        // vitest sets NODE_ENV=test, with which vite builds React's development bundle (half as
        // large again, and a third slower to paint the list): the tests drive the production
        // build, and `npm start` or `npm run bench` after `npm test` serves that, not this
        env: { ...process.env, NODE_ENV: 'production' },
      });
    }
  }
  for (const file of ['out/main/cli.js', 'out/renderer/index.html', 'out/preload/index.cjs']) {
    if (!existsSync(join(root, file))) throw new Error(`build output ${file} is missing`);
  }
}
