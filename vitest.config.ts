import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-fast-check.ts'],
    reporters: ['default'],
    // electron-store imports `electron` when it loads: inlined, its import reaches the stand-in
    // a test gives with vi.mock (test/desktop/electron-store.test.ts)
    server: { deps: { inline: ['electron-store'] } },
  },
});
