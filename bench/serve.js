// The `relaydesk serve` the benchmarks start: loopback, ports of the system's choosing (the ready
// line says which), every message kept unless a retention cap is given.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export function serveArgs(root, dataDir, maxMessages = 0) {
  return [
    join(root, 'bin', 'relaydesk.js'),
    'serve',
    '--smtp',
    '127.0.0.1:0',
    '--http',
    '127.0.0.1:0',
    '--data',
    dataDir,
    '--max-messages',
    String(maxMessages),
  ];
}

/**
 * Starts `relaydesk serve` of the checkout at `root` on `dataDir` and resolves when it says it is
 * ready: its URL (no trailing slash), the seconds that took, what it printed, and a clean stop.
 */
export function startServe(root, dataDir, maxMessages = 0) {
  const t0 = performance.now();
  const child = spawn(process.execPath, serveArgs(root, dataDir, maxMessages), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const ready = /UI and API on (http:\/\/[^ ]+) /.exec(out);
      if (ready) {
        child.stdout.removeAllListeners('data');
        child.stdout.resume();
        resolve({
          child,
          exited,
          url: ready[1].replace(/\/$/, ''),
          seconds: (performance.now() - t0) / 1000,
          log: out,
          close: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
      }
    });
    child.stderr.on('data', (chunk) => (out += chunk));
    void exited.then(() => reject(new Error(`relaydesk exited before it was ready:\n${out}`)));
  });
}
