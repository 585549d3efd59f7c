// The packaging config ships what the app runs from, and only that.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const config = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** electron-builder's file patterns: `**` any folders, `*` within one name, `!` excludes. */
function included(path: string): boolean {
  const patterns = [...config.matchAll(/^ {2}- '?([^'\n]+)'?$/gm)].map((m) => m[1] as string);
  let result = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    const glob = negated ? pattern.slice(1) : pattern;
    const regex = new RegExp(
      `^${glob
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '<DIRS>')
        .replace(/\*\*/g, '<ANY>')
        .replace(/\*/g, '[^/]*')
        .replace(/<DIRS>/g, '(?:.*/)?')
        .replace(/<ANY>/g, '.*')}$`,
    );
    if (regex.test(path)) result = !negated;
  }
  return result;
}

it('packs the built main process, preload and renderer, and the entry package.json names', () => {
  for (const file of [
    'out/main/index.js',
    'out/main/core/relay-service.js',
    'out/main/core/parse/parse-worker.js',
    'out/preload/index.cjs',
    'out/renderer/index.html',
    'package.json',
  ]) {
    expect(included(file), file).toBe(true);
  }
  expect(pkg.main).toBe('out/main/index.js');
  expect(config).toMatch(/^ {2}main: out\/main\/index\.js$/m);
});

it('leaves sources, tests, source maps and local data out', () => {
  for (const file of [
    'main/core/relay-service.ts',
    'test/integration/capture.test.ts',
    'out/main/index.js.map',
    'renderer/src/main.tsx',
    '.ci/run',
  ]) {
    expect(included(file), file).toBe(false);
  }
});

it('keeps electron out of the runtime dependencies (electron-builder refuses it there)', () => {
  expect(pkg.dependencies['electron']).toBeUndefined();
  expect(pkg.devDependencies['electron']).toBeDefined();
});
