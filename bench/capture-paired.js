// Paired before/after of capture (issue 12): this tree and another built checkout (BEFORE_ROOT)
// run side by side, each warmed with 1,000 messages, then take turns receiving bursts of Postfix's
// smtp-source (2 KB, SESSIONS sessions), the order alternating round by round. On a shared
// machine whose speed drifts by tens of percent from minute to minute, two servers measured
// minutes apart differ by more than most changes do; bursts a second apart share the drift, and
// their ratio is steady (the same build against itself: 0.98–1.02).
// Prints msgs/s and CPU per message of each (all threads, the second after each burst included:
// work a burst leaves behind is its cost), their ratios, and in how many rounds this tree was
// faster. Env: BEFORE_ROOT (required), ROUNDS (8), BURST (300), SESSIONS (10), LENGTH (2048 bytes),
// WARM (1000 messages each before the rounds; V8 is still optimizing new functions up to ~3,000).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds } from './process-cpu.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const before = process.env.BEFORE_ROOT;
const smtpSource = ['/usr/local/bin/smtp-source', '/usr/sbin/smtp-source'].find(existsSync);
const ROUNDS = Number(process.env.ROUNDS ?? 8);
const BURST = Number(process.env.BURST ?? 300);
const SESSIONS = Number(process.env.SESSIONS ?? 10);
const LENGTH = Number(process.env.LENGTH ?? 2048);
const WARM = Number(process.env.WARM ?? 1000);
if (!before || !smtpSource) {
  console.log('capture-paired skipped: needs BEFORE_ROOT (a built checkout) and smtp-source');
  process.exit(0);
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (socket.destroy(), resolve(false)));
  });
}

function send(port, count, sessions) {
  const args = ['-l', String(LENGTH), '-m', String(count), '-s', String(sessions)];
  args.push('-f', 's@example.test', '-t', 'r@example.test', '-M', 'bench.local');
  const t0 = performance.now();
  const run = spawnSync(smtpSource, [...args, `127.0.0.1:${port}`], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`smtp-source: ${run.stderr}`);
  return (performance.now() - t0) / 1000;
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const basePort = 2900 + (process.pid % 50) * 2;
const servers = [];
for (const [name, checkout, port] of [
  ['before', before, basePort],
  ['this tree', root, basePort + 1],
]) {
  const data = mkdtempSync(join(tmpdir(), 'relaydesk-paired-'));
  const args = ['serve', '--smtp', `127.0.0.1:${port}`, '--http', '127.0.0.1:0'];
  args.push('--data', data, '--max-messages', '0');
  const child = spawn(process.execPath, [join(checkout, 'bin', 'relaydesk.js'), ...args], {
    stdio: 'ignore',
  });
  servers.push({ name, child, data, port, seconds: 0, cpu: 0, rates: [] });
}
try {
  for (const server of servers) {
    const deadline = Date.now() + 60_000;
    while (!(await listening(server.port))) {
      if (Date.now() > deadline) throw new Error(`${server.name} did not start`);
      await pause(100);
    }
    send(server.port, WARM, 10);
  }
  await pause(1000);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) {
      const cpu0 = cpuSeconds(server.child.pid);
      const seconds = send(server.port, BURST, SESSIONS);
      await pause(300);
      server.cpu += cpuSeconds(server.child.pid) - cpu0;
      server.seconds += seconds;
      server.rates.push(BURST / seconds);
    }
  }
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  await Promise.all(
    servers.map((s) =>
      s.child.exitCode === null ? new Promise((r) => s.child.once('exit', r)) : null,
    ),
  );
  for (const server of servers) rmSync(server.data, { recursive: true, force: true });
}

const total = ROUNDS * BURST;
const [a, b] = servers;
const rate = (s) => total / s.seconds;
const cpuMs = (s) => (s.cpu * 1000) / total;
const wins = b.rates.filter((r, i) => r > a.rates[i]).length;
console.log(
  `capture, paired: ${ROUNDS} rounds of ${BURST} × ${LENGTH} bytes over ${SESSIONS} session(s), turns alternating`,
);
for (const s of servers)
  console.log(
    `  ${s.name}: ${rate(s).toFixed(0)} msgs/s, ${cpuMs(s).toFixed(2)} ms CPU per message`,
  );
console.log(
  `  this tree / before: msgs/s ${(rate(b) / rate(a)).toFixed(3)}×, CPU per message ${(cpuMs(b) / cpuMs(a)).toFixed(3)}×; faster in ${wins} of ${ROUNDS} rounds`,
);
