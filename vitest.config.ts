import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files that replace modules (`vi.mock`: the stand-in `electron`, …) or the globals run each
 * in a fresh module graph; the rest share one per fork. Importing a file's modules anew for each of
 * ~170 files (Fastify, smtp-server, mailparser, the core) was a third of the suite's CPU: the same
 * day, all 167 files: 472 s isolated, 345 s so (13.1 and 9.3 minutes of CPU). Found by reading the
 * files, so a new test that mocks is isolated without anyone listing it.
 */
const isolatedTests = readdirSync('test', { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => `test/${file}`)
  .filter((file) =>
    /\bvi\.(mock|doMock|unmock|hoisted|stubGlobal|stubEnv|useFakeTimers|resetModules)\b/.test(
      readFileSync(file, 'utf8'),
    ),
  );

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'isolated', include: isolatedTests } },
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts'],
          exclude: isolatedTests,
          isolate: false,
        },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // most files wait on other processes (servers, Chromium, clients, fsyncs, timers) more than
    // they compute: two forks more than the cores keep them busy (on 2 cores: 603-642 s with two
    // forks, 458 s with three, a later day; with today's 301 files 614 s with three, 578 s with
    // four)
    maxWorkers: availableParallelism() + 2,
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-fast-check.ts', 'test/setup-temp-folders.ts'],
    reporters: ['default'],
    // electron-store imports `electron` when it loads: inlined, its import reaches the stand-in
    // a test gives with vi.mock (test/desktop/electron-store.test.ts)
    server: { deps: { inline: ['electron-store'] } },
    // `npm run coverage` only (npm test stays fast). Counts what the suite runs in its own
    // processes: code run by a spawned CLI or inside Chromium is not seen.
    coverage: {
      provider: 'v8',
      include: ['main/**/*.{ts,js}', 'preload/**/*.ts', 'renderer/src/**/*.{ts,tsx}'],
      exclude: ['**/*.d.ts', '**/vite.config.ts'],
      reporter: ['text-summary', 'html', 'json-summary'],
      // a test that flakes under load should not hide the figures of the run
      reportOnFailure: true,
      // the floor, a little under what the whole suite reached on 2026-11-30 (statements 75.05,
      // branches 66.15, functions 71.96, lines 76.76): raise it as tests are added, never lower it
      thresholds: { statements: 73, branches: 64, functions: 70, lines: 75 },
    },
  },
});
