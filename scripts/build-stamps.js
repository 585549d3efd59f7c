// Which builds in out/ are those of the sources as they are now: the test suite's global setup
// rebuilds only what is not (test/global-setup.ts), and `npm run build` records what it built
// (`node scripts/build-stamps.js`, its last step). Without that record, the first `npm test` after
// `npm install` (whose prepare script builds it all) built everything again before any test
// could start: tsc's no-op pass, the CLI bundle, the renderer and the preload.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = ['package-lock.json', 'tsconfig.base.json'];

/** Each build: its name, the output that tells it was made, the sources it is made from. */
export const builds = [
  {
    name: 'node',
    output: 'out/.tsbuildinfo-node',
    sources: ['main', 'preload', 'tsconfig.node.json', ...packages],
  },
  {
    name: 'bundle',
    output: 'out/main/bundle/cli.js',
    sources: ['main', 'preload', 'tsconfig.node.json', 'scripts/bundle-cli.js', ...packages],
  },
  {
    name: 'renderer',
    output: 'out/renderer/index.html',
    sources: ['renderer', 'preload', ...packages],
  },
  { name: 'preload', output: 'out/preload/index.cjs', sources: ['preload', ...packages] },
];

/** Hashes the names and contents of the files under `path` (by content: a copied out/ folder
 * or a checkout that keeps modification times is still seen to differ). */
function hashTree(hash, root, path) {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory()) {
    hash.update(`${relative(root, path)}\0`).update(readFileSync(path));
    return;
  }
  for (const entry of readdirSync(path).sort()) hashTree(hash, root, join(path, entry));
}

/** The sources' digest with the output's time, or null without an output. */
function currentStamp(root, build) {
  const hash = createHash('sha256');
  for (const source of build.sources) hashTree(hash, root, join(root, source));
  const path = join(root, build.output);
  return existsSync(path) ? `${hash.digest('hex')} ${statSync(path).mtimeMs}` : null;
}

const stampPath = (root, build) => join(root, 'out', `.sources-${build.name}`);

/**
 * Runs `make` unless the output exists and the sources hash as they did when it was recorded,
 * with the output as it was then (a build of other sources since, say `npm run build` on another
 * branch, changed it); records the build afterwards.
 */
export function buildOnChange(root, build, make) {
  const stamp = stampPath(root, build);
  const was = currentStamp(root, build);
  if (was !== null && existsSync(stamp) && readFileSync(stamp, 'utf8') === was) return;
  rmSync(stamp, { force: true });
  make();
  recordBuilt(root, build);
}

/** Records that the output of `build` is that of its sources as they are now. */
export function recordBuilt(root, build) {
  const now = currentStamp(root, build);
  if (now !== null) writeFileSync(stampPath(root, build), now);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const build of builds) recordBuilt(root, build);
}
