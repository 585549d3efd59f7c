// `npm start`: the desktop app when an Electron runtime can be had, otherwise the same app
// headless with the UI in the browser. Electron's binary is downloaded from outside the npm
// registry on first use, so on machines without it we say so in one line and carry on.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronRuntime } from './electron-runtime.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const desktopEntry = join(root, 'out', 'main', 'index.js');
const electron = electronRuntime()?.binary;
const args = process.argv.slice(2);
let child;
if (electron && existsSync(desktopEntry)) {
  child = spawn(electron, [root, ...args], { stdio: 'inherit' });
} else {
  console.log(
    'The Electron runtime is not available here, so Relaydesk runs headless: open the UI address below in a browser.',
  );
  // as the desktop app does, a taken SMTP port is shown in the UI (with the fix) rather than
  // ending the app; `--listener-failure exit` or RELAYDESK_LISTENER_FAILURE still decide
  const chosen =
    process.env.RELAYDESK_LISTENER_FAILURE || args.some((a) => a.startsWith('--listener-failure'));
  const keepRunning = chosen ? [] : ['--listener-failure', 'keep-running'];
  child = spawn(
    process.execPath,
    [join(root, 'bin', 'relaydesk.js'), 'serve', ...keepRunning, ...args],
    {
      stdio: 'inherit',
    },
  );
}
// Whatever stops us stops the app too: no orphan keeps the ports. (One Ctrl-C reaches both of
// us, from the terminal and from here; the app takes a second signal calmly.)
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
// Under `npm start`, npm sends its SIGTERM to the shell that runs us, not to us, and the shell
// dies of it: when our parent is gone, we pass the SIGTERM on ourselves (main/cli/parent-watch.ts
// says why; the relay we start watches us the same way).
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    child.kill('SIGTERM');
  }, 250);
  watch.unref();
}
child.on('error', (err) => {
  console.error(`relaydesk: could not start ${child.spawnfile}: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
