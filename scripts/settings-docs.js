// `npm run docs:settings`: rewrites the settings table in README.md from the settings'
// declarations (main/core/settings/fields/*.ts), between its two marker comments. Run it after
// adding or changing a setting; test/settings/settings-docs.test.ts fails while the table is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { withSettingsTable } = await import(
  join(root, 'out', 'main', 'core', 'settings', 'settings-docs.js')
);
const readmePath = join(root, 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = withSettingsTable(before);
if (after === before) {
  console.log('README.md: the settings table is up to date');
} else {
  writeFileSync(readmePath, after);
  console.log('README.md: the settings table was rewritten from the declarations');
}
