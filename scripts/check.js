// `npm test`'s checks before the suite: the three type checks, ESLint and Prettier, run side by
// side (as many at once as there are cores), each one's output printed whole when it ends. One
// after the other they took 75 s on the 2-core build machine, side by side 44–51 s: each is one
// busy thread most of its run. Exits 1 if any failed, after all have ended, so that one run shows
// every problem. `npm run typecheck` and `npm run lint` still run them one by one.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

// the longest first, so that the last to start is a short one
const checks = [
  [bin('tsc'), '-p', 'tsconfig.test.json', '--noEmit'],
  [bin('eslint'), '.'],
  [bin('prettier'), '--check', '.'],
  // with its output: the suite's global setup builds the same, and tsc's incremental build
  // (tsconfig.node.json) then finds nothing to do
  [bin('tsc'), '-p', 'tsconfig.node.json'],
  [bin('tsc'), '-p', 'tsconfig.web.json', '--noEmit'],
];

function run([command, ...args]) {
  const started = Date.now();
  const name = [command.replace(/.*[\\/]/, ''), ...args].join(' ');
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (err) => resolve({ name, ok: false, output: `${err.message}\n` }));
    child.on('close', (code, signal) => {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const ok = code === 0;
      const how = ok ? `passed in ${seconds} s` : `FAILED (${signal ?? `exit ${code}`})`;
      console.log(`${ok ? '✓' : '✗'} ${name}: ${how}`);
      if (!ok || output.trim() !== '')
        process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
      resolve({ name, ok });
    });
  });
}

const waiting = [...checks];
const results = [];
async function lane() {
  for (let check = waiting.shift(); check; check = waiting.shift()) results.push(await run(check));
}
await Promise.all(Array.from({ length: Math.min(availableParallelism(), checks.length) }, lane));
const failed = results.filter((r) => !r.ok).map((r) => r.name);
if (failed.length > 0) {
  console.log(`${failed.length} check(s) failed: ${failed.join('; ')}`);
  process.exit(1);
}
