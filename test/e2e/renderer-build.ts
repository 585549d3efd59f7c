// The e2e tests drive the built renderer (out/renderer), as the headless server serves it.
// Building here rather than in a vitest globalSetup keeps the cost to the runs that need it:
// the build runs when out/renderer is missing or older than any renderer source file.
import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const builtIndex = join(repoRoot, 'out/renderer/index.html');
const sources = [join(repoRoot, 'renderer'), join(repoRoot, 'preload')];

async function newestChange(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestChange(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

async function builtAt(): Promise<number | null> {
  try {
    return (await stat(builtIndex)).mtimeMs;
  } catch {
    return null;
  }
}

/** Builds the renderer unless out/renderer is already newer than its sources. */
export async function ensureRendererBuilt(): Promise<void> {
  const built = await builtAt();
  const changed = Math.max(...(await Promise.all(sources.map(newestChange))));
  if (built !== null && built >= changed) return;
  await run(
    process.execPath,
    [
      join(repoRoot, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    // the production bundle, as `npm run build` makes it (vitest's NODE_ENV=test would give
    // React's development build: see test/global-setup.ts)
    { cwd: repoRoot, env: { ...process.env, NODE_ENV: 'production' } },
  );
}
