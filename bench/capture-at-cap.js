// Capture at the retention cap (issue 12): each server fresh, 5,000 messages of 2 KB over ten
// sessions (Postfix's smtp-source) to reach the cap, then 2,000 more timed, each arrival pruning
// the oldest. Servers: the shared harness's capture-server baseline without the greeting delay,
// and Relaydesk built from this tree, at the cap and with no cap on the same fill and load (what
// pruning costs is the difference); with BEFORE_ROOT (another built checkout) also that one, for
// a before/after in the same run. Rounds interleave the servers; medians are printed.
// Env: ROUNDS (3), FILL (5000), MEASURE (2000), PROFILE_DIR (run Relaydesk under --cpu-prof).
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createConnection } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuSeconds } from './process-cpu.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// beside the checkout, or beside the folder of worktrees
const shared =
  [join(root, '..', 'shared', 'bench'), join(root, '..', '..', 'shared', 'bench')].find((dir) =>
    existsSync(dir),
  ) ?? join(root, '..', 'shared', 'bench');
const smtpSource = ['/usr/local/bin/smtp-source', '/usr/sbin/smtp-source'].find(existsSync);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const FILL = Number(process.env.FILL ?? 5000);
const MEASURE = Number(process.env.MEASURE ?? 2000);
if (!smtpSource || !existsSync(join(shared, 'baselines', 'capture-server.mjs'))) {
  console.log('capture-at-cap skipped: needs smtp-source and the shared harness (../shared/bench)');
  process.exit(0);
}

function waitPort(port) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    const probe = () => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${port}`));
        else setTimeout(probe, 100);
      });
    };
    probe();
  });
}

function load(port, count) {
  const t0 = performance.now();
  const run = spawnSync(
    smtpSource,
    ['-l', '2048', '-m', String(count), '-s', '10', `127.0.0.1:${port}`],
    { encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(`smtp-source: ${run.stderr}`);
  return (performance.now() - t0) / 1000;
}

let nextPort = 2800 + (process.pid % 100) * 2;

async function measure(name, command, env = {}) {
  const port = nextPort;
  nextPort += 2;
  const work = mkdtempSync(join(tmpdir(), `relaydesk-cap-${name}-`));
  const child = spawn(
    command[0],
    command.slice(1).map((a) =>
      a
        .replace('$PORT', String(port))
        .replace('$HTTP', String(port + 1))
        .replace('$DIR', work),
    ),
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await waitPort(port);
    load(port, FILL);
    const cpu0 = cpuSeconds(child.pid);
    const seconds = load(port, MEASURE);
    const cpu = cpuSeconds(child.pid) - cpu0;
    return { rate: MEASURE / seconds, cpuMs: (cpu * 1000) / MEASURE };
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(work, { recursive: true, force: true });
  }
}

function relaydesk(checkout, cap = FILL) {
  const profile = process.env.PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`]
    : [];
  return [
    process.execPath,
    ...profile,
    join(checkout, 'bin', 'relaydesk.js'),
    'serve',
    '--smtp',
    '127.0.0.1:$PORT',
    '--http',
    '127.0.0.1:$HTTP',
    '--data',
    '$DIR',
    '--max-messages',
    String(cap),
  ];
}

// the harness folder may be read-only: a copy whose baseline resolves our node_modules
const baselines = mkdtempSync(join(tmpdir(), 'relaydesk-cap-baselines-'));
cpSync(join(shared, 'baselines'), baselines, { recursive: true });
symlinkSync(join(root, 'node_modules'), join(baselines, 'node_modules'));
process.on('exit', () => rmSync(baselines, { recursive: true, force: true }));

const servers = [
  {
    name: 'baseline capture-server (no greeting delay)',
    command: [
      process.execPath,
      join(baselines, 'capture-server.mjs'),
      '$PORT',
      '127.0.0.1',
      '$DIR',
    ],
    env: { SMTP_NO_GREETING_DELAY: '1' },
  },
  ...(process.env.BEFORE_ROOT
    ? [{ name: 'Relaydesk before', command: relaydesk(process.env.BEFORE_ROOT), env: {} }]
    : []),
  { name: 'Relaydesk (this tree)', command: relaydesk(root), env: {} },
  // the same fill and load with no cap: what pruning costs is the difference
  {
    name: 'Relaydesk (this tree), no cap: nothing pruned',
    command: relaydesk(root, 0),
    env: {},
  },
];

const results = new Map(servers.map((s) => [s.name, []]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const server of servers) {
    const r = await measure(server.name.split(' ')[0], server.command, server.env);
    results.get(server.name).push(r);
    console.log(
      `  round ${round}: ${server.name}: ${r.rate.toFixed(0)} msgs/s, ${r.cpuMs.toFixed(2)} ms CPU per message`,
    );
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(results.get(servers[0].name).map((r) => r.rate));
const baseCpu = median(results.get(servers[0].name).map((r) => r.cpuMs));
const table = [
  `| server (at the cap: ${FILL} kept, ${MEASURE} arrivals timed, 2 KB × 10 sessions; medians of ${ROUNDS}) | msgs/s | × baseline | CPU ms per message | × baseline CPU |`,
  '|---|---:|---:|---:|---:|',
  ...servers.map((server) => {
    const rate = median(results.get(server.name).map((r) => r.rate));
    const cpu = median(results.get(server.name).map((r) => r.cpuMs));
    return `| ${server.name} | ${rate.toFixed(0)} | ${(rate / base).toFixed(2)} | ${cpu.toFixed(2)} | ${(cpu / baseCpu).toFixed(2)} |`;
  }),
];
for (const line of table) console.log(`  ${line}`);
const resultsFile = process.env.RESULTS ?? join(root, 'bench', 'results.md');
const section = [
  '<!-- capture-at-cap -->',
  '## Capture at the retention cap (`bench/capture-at-cap.js`)',
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores.`,
  '',
  ...table,
  '<!-- /capture-at-cap -->',
].join('\n');
const before = existsSync(resultsFile)
  ? readFileSync(resultsFile, 'utf8')
  : '# Benchmark results\n';
const kept = before.replace(/\n?<!-- capture-at-cap -->[\s\S]*<!-- \/capture-at-cap -->\n?/, '\n');
writeFileSync(resultsFile, `${kept.trimEnd()}\n\n${section}\n`);
