// Peak memory under a long 2 KB × 10 sessions load (issue 12: "peak RSS under 150 MB"): Postfix's
// smtp-source sends MESSAGES (20,000) to a fresh `relaydesk serve` at its default settings (so
// past the retention cap of 5,000, where each arrival also prunes one), and the same load to the
// harness's capture-server without greeting delay (smtp-server + mailparser + .eml, no fsync); the
// peak resident memory of each (the kernel's VmHWM, all threads) is read when the load is done.
// Runs take turns; with BEFORE_ROOT (another built checkout) that build takes its turn too.
// A short load ends before the heap and malloc arenas reach their steady size: the 1,000-message
// runs of `npm run bench` peak about 20 MB lower than this one.
// Env: MESSAGES (20000), REPS (2), BEFORE_ROOT.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  listening,
  postfixTool as tool,
  start as startProcess,
  waitFor as until,
} from './local-processes.js';
import { measuredLine, writeResultsSection } from './results-section.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const messages = Number(process.env.MESSAGES ?? 20_000);
const reps = Number(process.env.REPS ?? 2);
const before = process.env.BEFORE_ROOT;
const harness = [
  join(root, '..', 'shared', 'bench'),
  join(root, '..', '..', 'shared', 'bench'),
].find((p) => existsSync(p));
if (!harness || !existsSync(tool('smtp-source')) || !existsSync('/proc/self/status')) {
  console.log('peak RSS skipped: needs ../shared/bench, Postfix smtp-source and /proc');
  process.exit(0);
}
// the harness folder may be read-only and has no node_modules: run a copy that uses ours
const baselines = mkdtempSync(join(tmpdir(), 'relaydesk-baselines-'));
cpSync(join(harness, 'baselines'), baselines, { recursive: true });
symlinkSync(join(root, 'node_modules'), join(baselines, 'node_modules'));

/** The process's peak resident memory so far, in KiB (VmHWM). */
function peakKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
}

const start = (args, env) => startProcess(process.execPath, args, env);

/** Sends the load; smtp-source runs without blocking so the server's pipes keep being read. */
async function load(port) {
  const args = ['-l', '2048', '-m', String(messages), '-s', '10'];
  args.push('-f', 'sender@example.test', '-t', 'rcpt@example.test', '-M', 'bench.local');
  const run = spawn(tool('smtp-source'), [...args, `127.0.0.1:${port}`], { stdio: 'ignore' });
  const status = await new Promise((resolve) => run.once('exit', resolve));
  if (status !== 0) throw new Error(`smtp-source exited with ${status}`);
}

async function relaydesk(checkout) {
  const smtp = await freePort();
  const http = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'relaydesk-rss-bench-'));
  const serve = start([
    join(checkout, 'bin', 'relaydesk.js'),
    'serve',
    ...['--smtp', `127.0.0.1:${smtp}`, '--http', `127.0.0.1:${http}`, '--data', data],
  ]);
  try {
    await until(() => serve.output().includes('Relaydesk is ready'), 'Relaydesk');
    const began = process.hrtime.bigint();
    await load(smtp);
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    return { kib: peakKiB(serve.child.pid), rate: messages / seconds };
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exited;
    rmSync(data, { recursive: true, force: true });
  }
}

async function baseline() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'relaydesk-rss-baseline-'));
  const server = start([join(baselines, 'capture-server.mjs'), String(port), '127.0.0.1', dir], {
    SMTP_NO_GREETING_DELAY: '1',
  });
  try {
    await until(() => listening(port), 'capture-server');
    const began = process.hrtime.bigint();
    await load(port);
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    return { kib: peakKiB(server.child.pid), rate: messages / seconds };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}

const servers = [
  ['capture-server without greeting delay', baseline],
  ['Relaydesk (this tree)', () => relaydesk(root)],
  ...(before ? [['Relaydesk before', () => relaydesk(before)]] : []),
];
const runs = new Map(servers.map(([name]) => [name, []]));
for (let rep = 0; rep < reps; rep++) {
  // taking turns, the order reversed every other round
  const order = rep % 2 === 0 ? servers : [...servers].reverse();
  for (const [name, run] of order) {
    const result = await run();
    runs.get(name).push(result);
    console.log(
      `  round ${rep + 1}: ${name}: peak RSS ${(result.kib / 1024).toFixed(1)} MiB (${((result.kib * 1024) / 1e6).toFixed(1)} MB), ${result.rate.toFixed(0)} msgs/s`,
    );
  }
}
rmSync(baselines, { recursive: true, force: true });

const highest = (name) => Math.max(...runs.get(name).map((r) => r.kib));
const base = highest(servers[0][0]);
const rows = servers.map(([name]) => {
  const kib = highest(name);
  return `| ${name} | ${(kib / 1024).toFixed(0)} MiB (${((kib * 1024) / 1e6).toFixed(0)} MB) | ${(kib / base).toFixed(2)} |`;
});
const lines = [
  `${messages.toLocaleString('en')} messages of 2 KB over 10 sessions (Postfix smtp-source, each message a new connection) to a fresh server at its default settings (Relaydesk's retention cap of 5,000 is passed, so each later arrival prunes one); the highest peak RSS (VmHWM, all threads) of ${reps} runs each, servers taking turns. ${measuredLine()} Target: under 150 MB.`,
  '',
  '| server | peak RSS | × capture-server |',
  '|---|---:|---:|',
  ...rows,
];
console.log(lines.join('\n'));
writeResultsSection(
  root,
  'peak-rss-long',
  'Peak memory over a long 2 KB × 10 sessions load',
  lines,
);
