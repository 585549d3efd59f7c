// Paired before/after of capture (issue 12): this tree and another built checkout (BEFORE_ROOT)
// run side by side, each warmed with 1,000 messages, then take turns receiving bursts of Postfix's
// smtp-source (2 KB, SESSIONS sessions), the order alternating round by round. On a shared
// machine whose speed drifts by tens of percent from minute to minute, two servers measured
// minutes apart differ by more than most changes do; bursts a second apart share the drift, and
// their ratio is steady (the same build against itself: 0.98–1.02).
// Prints msgs/s and CPU per message of each (all threads, the second after each burst included:
// work a burst leaves behind is its cost), their ratios, and in how many rounds this tree was
// faster. Env: BEFORE_ROOT (required), ROUNDS (8), BURST (300), SESSIONS (10), LENGTH (2048 bytes),
// WARM (1000 messages each before the rounds; V8 is still optimizing new functions up to ~3,000),
// RELAY=1: each relays to a Postfix smtp-sink of its own (mode relay, the default connection
// count), and a burst's time runs until its queue is empty again. The relay end to end bench
// (relay-e2e.js) measures its builds minutes apart against a bare relay that itself drifted from
// 337 to 636 msgs/s within one session, which showed a 10 % loss that later pairs did not.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listening, postfixTool, start } from './local-processes.js';
import { cpuSeconds } from './process-cpu.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const before = process.env.BEFORE_ROOT;
const smtpSource = ['/usr/local/bin/smtp-source', '/usr/sbin/smtp-source'].find(existsSync);
const ROUNDS = Number(process.env.ROUNDS ?? 8);
const BURST = Number(process.env.BURST ?? 300);
const SESSIONS = Number(process.env.SESSIONS ?? 10);
const LENGTH = Number(process.env.LENGTH ?? 2048);
const WARM = Number(process.env.WARM ?? 1000);
const RELAY = process.env.RELAY === '1';
if (!before || !smtpSource) {
  console.log('capture-paired skipped: needs BEFORE_ROOT (a built checkout) and smtp-source');
  process.exit(0);
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

/** Once the burst is in, waits until the relay's queue is empty (RELAY): its time is the burst's. */
async function drained(server) {
  if (!server.sink) return 0;
  const t0 = performance.now();
  const url = `http://127.0.0.1:${server.http}/api/v1/queue`;
  for (;;) {
    const body = await (await fetch(url)).json();
    if (body.messages.length === 0) return (performance.now() - t0) / 1000;
    await pause(5);
  }
}

const basePort = 2900 + (process.pid % 50) * 8;
const servers = [];
for (const [name, checkout, port] of [
  ['before', before, basePort],
  ['this tree', root, basePort + 1],
]) {
  const data = mkdtempSync(join(tmpdir(), 'relaydesk-paired-'));
  const http = port + 2;
  const args = ['serve', '--smtp', `127.0.0.1:${port}`, '--http', `127.0.0.1:${http}`];
  args.push('--data', data, '--max-messages', '0');
  let sink = null;
  if (RELAY) {
    const sinkPort = port + 4;
    sink = start(postfixTool('smtp-sink'), ['-u', 'nobody', `127.0.0.1:${sinkPort}`, '1024']);
    args.push('--mode', 'relay', '--relay-host', `127.0.0.1:${sinkPort}`);
    args.push('--relay-security', 'none');
  }
  const child = spawn(process.execPath, [join(checkout, 'bin', 'relaydesk.js'), ...args], {
    stdio: 'ignore',
  });
  servers.push({ name, child, sink, data, port, http, seconds: 0, cpu: 0, rates: [] });
}
try {
  for (const server of servers) {
    const deadline = Date.now() + 60_000;
    while (
      !(await listening(server.port)) ||
      (server.sink && !(await listening(server.port + 4)))
    ) {
      if (Date.now() > deadline) throw new Error(`${server.name} did not start`);
      await pause(100);
    }
    send(server.port, WARM, 10);
    await drained(server);
  }
  await pause(1000);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? servers : [...servers].reverse();
    for (const server of order) {
      const cpu0 = cpuSeconds(server.child.pid);
      const seconds = send(server.port, BURST, SESSIONS) + (await drained(server));
      await pause(300);
      server.cpu += cpuSeconds(server.child.pid) - cpu0;
      server.seconds += seconds;
      server.rates.push(BURST / seconds);
    }
  }
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  for (const server of servers) server.sink?.child.kill('SIGTERM');
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
  `${RELAY ? 'relay end to end' : 'capture'}, paired: ${ROUNDS} rounds of ${BURST} × ${LENGTH} bytes over ${SESSIONS} session(s), turns alternating`,
);
for (const s of servers)
  console.log(
    `  ${s.name}: ${rate(s).toFixed(0)} msgs/s, ${cpuMs(s).toFixed(2)} ms CPU per message`,
  );
console.log(
  `  this tree / before: msgs/s ${(rate(b) / rate(a)).toFixed(3)}×, CPU per message ${(cpuMs(b) / cpuMs(a)).toFixed(3)}×; faster in ${wins} of ${ROUNDS} rounds`,
);
