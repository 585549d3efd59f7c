// The loader behind the features imported on first use (main/core/load/first-use.ts): one
// import for all callers, and a clear error naming the feature when its files are missing,
// which goes away once they are back (no restart needed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { ModuleLoadError, onFirstUse } from '../../main/core/load/first-use.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function moduleFile(): string {
  const folder = mkdtempSync(join(tmpdir(), 'first-use-'));
  folders.push(folder);
  return join(folder, 'feature.mjs');
}

describe('onFirstUse', () => {
  test('imports once, on the first call, for every caller', async () => {
    const file = moduleFile();
    writeFileSync(file, 'export const answer = 42;\n');
    let imports = 0;
    const feature = onFirstUse('the test feature', () => {
      imports++;
      return import(pathToFileURL(file).href) as Promise<{ answer: number }>;
    });
    expect(imports).toBe(0);
    const [a, b] = await Promise.all([feature(), feature()]);
    expect(a.answer).toBe(42);
    expect(b).toBe(a);
    await feature();
    expect(imports).toBe(1);
  });

  test('a missing module is an error naming the feature, and a later call tries again', async () => {
    const file = moduleFile();
    const feature = onFirstUse(
      'the test feature',
      () => import(pathToFileURL(file).href) as Promise<{ answer: number }>,
    );
    const failure = await feature().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ModuleLoadError);
    expect((failure as Error).message).toMatch(
      /^the test feature could not be loaded: .*feature\.mjs/,
    );
    expect((failure as Error).message).toContain('npm install');

    writeFileSync(file, 'export const answer = 7;\n');
    expect((await feature()).answer).toBe(7);
  });
});
