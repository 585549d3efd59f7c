// What the benches that start servers share: a free port on 127.0.0.1, whether a port listens, a
// child process whose output is kept (its pipes read, so it never blocks on a full one), a
// condition polled until it holds, and where Postfix's tools are.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/** Postfix's smtp-source or smtp-sink: the wrapper on PATH here, or Debian's own. */
export const postfixTool = (name) =>
  [`/usr/local/bin/${name}`, `/usr/sbin/${name}`].find((p) => existsSync(p)) ?? name;

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function listening(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Starts a process with its stdout and stderr gathered; `exited` resolves with its code. */
export function start(command, args, env = {}) {
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return { child, output: () => out, exited };
}

/** Polls `check` (sync or async) every few ms until it holds; throws after `timeoutMs`. */
export async function waitFor(check, what, timeoutMs = 60_000) {
  if (process.env.BENCH_DEBUG) console.error(`waiting for ${what}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}
