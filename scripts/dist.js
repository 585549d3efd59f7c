// `npm run dist`: the desktop app packaged for this OS with electron-builder (AppImage and deb,
// dmg, nsis; electron-builder.yml). It needs the Electron runtime, which is downloaded from
// outside the npm registry; where it cannot be had, one clear line says so and nothing is built.
// electron-builder also rebuilds better-sqlite3 (the message index) for Electron's ABI
// (`npmRebuild: true`), which downloads Electron's headers the same way.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronRuntime } from './electron-runtime.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const given = process.env.RELAYDESK_ELECTRON_DIST;
const dist = given ? (existsSync(given) ? given : null) : (electronRuntime()?.dist ?? null);
if (!dist) {
  console.error(
    'npm run dist: the Electron runtime is not available here (it is downloaded from outside the npm registry on first use); run `npx electron --version` where the internet is reachable, or set RELAYDESK_ELECTRON_DIST to an unpacked Electron folder, then run npm run dist again.',
  );
  process.exit(1);
}
const run = (command, args) => {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run('npm', ['run', 'build']);
run(process.execPath, [
  join(root, 'node_modules', 'electron-builder', 'cli.js'),
  '--publish',
  'never',
  `-c.electronDist=${dist}`,
  ...process.argv.slice(2),
]);
