// `npm start` (scripts/start.js) with no Electron runtime: one line saying so, then the headless
// server with its UI address; a SIGTERM to it reaches the server it started, leaving no orphan.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  cleanupCliProcesses,
  descendantPids,
  processExists,
  repoRoot,
  startServe,
} from '../helpers/cli-process.js';
import { waitFor } from '../helpers/eventually.js';

afterEach(cleanupCliProcesses);

/** Whether scripts/start.js would find an Electron binary (the npm package alone is not one). */
function electronInstalled(): boolean {
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const binary = readFileSync(join(pkgDir, 'path.txt'), 'utf8').trim();
    return existsSync(join(pkgDir, 'dist', binary));
  } catch {
    return false;
  }
}

const hasElectron = electronInstalled();
if (hasElectron)
  console.log('skipping the headless `npm start` tests: an Electron runtime is installed here');

function gone(pid: number, timeoutMs = 5000): Promise<boolean> {
  return waitFor(`process ${pid} to end`, () => !processExists(pid), {
    timeout: timeoutMs,
    interval: 25,
  }).catch(() => false);
}

describe.skipIf(hasElectron)('npm start without Electron', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'says it runs headless, prints the UI address, and %s stops the server it started',
    async (signal) => {
      const start = await startServe({ script: join(repoRoot, 'scripts', 'start.js') });
      const lines = start.stdout.split('\n');
      expect(lines[0]).toBe(
        'The Electron runtime is not available here, so Relaydesk runs headless: open the UI address below in a browser.',
      );
      // then the server's own output: log lines, and its ready line with the UI address
      expect(start.stdout).toMatch(
        /^Relaydesk is ready: SMTP on 127\.0\.0\.1:\d+, UI and API on http:\/\/127\.0\.0\.1:\d+\/ /m,
      );
      expect((await start.fetch('/livez')).status).toBe(200);

      const children = descendantPids(start.pid);
      expect(children).toHaveLength(1);
      const server = children[0] as number;

      const exit = await start.stop(signal);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(start.stdout).toMatch(
        new RegExp(`^${signal}: finishing the messages being received, then stopping$`, 'm'),
      );
      expect(await gone(server), `the server (pid ${server}) outlived npm start`).toBe(true);
    },
  );
});
