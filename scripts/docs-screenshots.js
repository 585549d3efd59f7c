// `npm run docs:screenshots`: the README's screenshots (docs/screenshots/, light and dark), made
// by the screen test that shows every view (test/e2e/renderer.test.ts). `npm test` runs the same
// test and leaves its pictures in test/e2e/screenshots/readme/ instead.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/e2e/renderer.test.ts'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, RELAYDESK_DOCS_SCREENSHOTS: '1' } },
);
process.exit(run.status ?? 1);
