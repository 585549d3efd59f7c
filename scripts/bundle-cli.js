// Bundles the built CLI (out/main/cli.js, what `relaydesk` and `npm run headless` run) into
// out/main/bundle/, so that a start loads a few files instead of ~300 of ours and ~270 of its
// packages: module resolution and loading were a third of `relaydesk serve`'s start-up CPU, and
// most of every `relaydesk sendmail` (which PHP's mail() and cron run once per message).
// bin/relaydesk.js runs the bundle only while it is at least as new as tsc's output, so a build
// by tsc alone never runs stale code. Usage: node scripts/bundle-cli.js
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rm } from 'node:fs/promises';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const bundleDir = join(root, 'out', 'main', 'bundle');

// Left to Node's own loader: native modules; packages that find their own files through
// __dirname or __filename (pino's and thread-stream's worker files, @fastify/swagger's
// package.json), which a bundle would move; and mailauth, loaded on first use only.
const external = [
  'better-sqlite3',
  'sharp',
  'fsevents',
  'electron',
  '@fastify/swagger',
  'pino',
  'thread-stream',
  'mailauth',
];

/**
 * A module that finds files beside itself (`new URL('./parse-worker.js', import.meta.url)`,
 * `createRequire(import.meta.url)`) must still find them from inside the bundle: its
 * `import.meta.url` becomes its own file's URL, computed from the bundle's at run time, so the
 * app folder can still be moved or packed.
 */
const ownLocation = {
  name: 'relaydesk-own-location',
  transform(code, id) {
    if (!code.includes('import.meta.url') || id.includes('\0')) return null;
    const path = relative(bundleDir, id).split(sep).join('/');
    return {
      code: code.replaceAll(
        'import.meta.url',
        `new URL(${JSON.stringify(path)}, import.meta.url).href`,
      ),
      map: null,
    };
  },
};

export async function bundleCli() {
  await rm(bundleDir, { recursive: true, force: true });
  await build({
    input: { cli: join(root, 'out', 'main', 'cli.js') },
    platform: 'node',
    external: (id) => external.some((name) => id === name || id.startsWith(`${name}/`)),
    plugins: [ownLocation],
    logLevel: 'warn',
    output: {
      dir: bundleDir,
      format: 'esm',
      chunkFileNames: '[name]-[hash].js',
      // V8 keeps a script's source for as long as its functions may still be compiled, and a
      // source with one character beyond Latin-1 in it is kept two bytes per character: the
      // bundle's chunks, ASCII but for a few hundred such characters (a dash in a message or a
      // comment, a charset table), held 6.6 MB of the main thread's heap for 3.4 MB of code
      charset: 'ascii',
      // (the JSDoc comments too: ours are full of them, and a dash or a § in one is enough)
      comments: { legal: true, annotation: false, jsdoc: false },
    },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleCli();
}
