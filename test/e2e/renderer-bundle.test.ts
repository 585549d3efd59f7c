// The renderer the tests drive, and that `npm start` or `npm run bench` serves after `npm test`,
// is React's production build. vitest runs with NODE_ENV=test, under which vite builds React's
// development bundle: half as large again and about a third slower to paint the mail list
// (bench/list-render.js), so a benchmark run after the tests measured the wrong thing.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ensureRendererBuilt, repoRoot } from './renderer-build.js';

/** The built renderer's script, and its text. */
async function builtBundle(): Promise<{ script: string; bundle: string }> {
  await ensureRendererBuilt();
  const html = await readFile(join(repoRoot, 'out/renderer/index.html'), 'utf8');
  const script = /<script[^>]+src="\.?\/?(assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script, html).toBeTruthy();
  const bundle = await readFile(join(repoRoot, 'out/renderer', script as string), 'utf8');
  return { script: script as string, bundle };
}

it('serves the production build of the renderer, not React’s development build', async () => {
  const { script, bundle } = await builtBundle();
  // React's production build points at its error decoder; the development build has the
  // messages themselves, e.g. the warning about list items without a key
  expect(bundle.includes('react.dev/errors'), `${script}: React's production build`).toBe(true);
  expect(bundle.includes('unique "key" prop'), `${script}: React's development build`).toBe(false);
});

it('checks the API calls with zod’s mini build: classic zod was a fifth of the bundle', async () => {
  const { script, bundle } = await builtBundle();
  // every classic schema carries every method, these among them, so none is tree-shaken away
  expect(bundle.includes('superRefine'), `${script}: classic zod`).toBe(false);
  expect(bundle.includes('safeExtend'), `${script}: classic zod`).toBe(false);
});
