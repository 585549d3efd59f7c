// Relay end to end: Postfix's smtp-source sends 2 KB messages over 10 sessions; the time runs from
// the first message sent until the relay's queue is empty and Postfix's smtp-sink has taken every
// message. Against the bare Node relay of the shared harness (smtp-server → pooled nodemailer, no
// queue, no disk, 250 after the upstream accepted) with the same connection count, in this run.
// Env: RELAY_MSGS (1000), REPS (3), RELAY_CONNECTIONS (Relaydesk's default, 2),
//      RELAY_PROFILE=DIR (runs Relaydesk under `node --cpu-prof`, profiles written to DIR),
//      RELAY_DRAIN=1 (also: the queue's own rate, with the upstream paused while the messages
//      come in and resumed once all are stored; the clock runs from the resume),
//      BENCH_DEBUG=1 (when the messages were all received, at the sink, and the queue empty).
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, listening, postfixTool as tool, start, waitFor } from './local-processes.js';
import { cpuSeconds } from './process-cpu.js';
import { measuredLine, writeResultsSection } from './results-section.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// the harness folder may be read-only and has no node_modules: run a copy that uses ours
const baselines = mkdtempSync(join(tmpdir(), 'relaydesk-baselines-'));
const harness = [
  join(root, '..', 'shared', 'bench'),
  join(root, '..', '..', 'shared', 'bench'),
].find((p) => existsSync(p));
if (!harness) {
  console.log('relay end to end skipped: the shared bench harness (../shared/bench) is not there');
  process.exit(0);
}
cpSync(join(harness, 'baselines'), baselines, { recursive: true });
symlinkSync(join(root, 'node_modules'), join(baselines, 'node_modules'));
const baseline = join(baselines, 'relay-server.mjs');
const messages = Number(process.env.RELAY_MSGS ?? 1000);
const reps = Number(process.env.REPS ?? 3);
const connections = Number(process.env.RELAY_CONNECTIONS ?? 2);

/** CPU time a process has used, in ms; null off Linux. */
function cpuMs(pid) {
  const seconds = cpuSeconds(pid);
  return seconds === null ? null : seconds * 1000;
}

/** Runs smtp-source without blocking: the servers' output pipes must keep being read. */
async function source(port) {
  const args = ['-l', '2048', '-m', String(messages), '-s', '10'];
  args.push('-f', 'sender@example.test', '-t', 'rcpt@example.test', '-M', 'bench.local');
  const run = start(tool('smtp-source'), [...args, `127.0.0.1:${port}`]);
  const status = await run.exited;
  return { status, stderr: run.output() };
}

async function sink() {
  const port = await freePort();
  // -c: a running count of the messages taken (`… mesg=N`), so the bench need not ask the relay
  // (a listing of every queued message) while it drains. smtp-sink writes it only to a terminal,
  // hence util-linux's `script` around it; SIGTERM to `script` ends the sink too.
  const command = `${tool('smtp-sink')} -c -u nobody 127.0.0.1:${port} 1024`;
  const s = start('script', ['-qfec', command, '/dev/null']);
  await waitFor(() => listening(port), 'smtp-sink');
  const taken = () => Number(/mesg=(\d+)\s*$/.exec(s.output().slice(-64))?.[1] ?? 0);
  return { port, taken, stop: () => (s.child.kill('SIGTERM'), s.exited) };
}

async function bareRelay(pool) {
  const up = await sink();
  const port = await freePort();
  const relay = start(process.execPath, [baseline, String(port), '127.0.0.1'], {
    UPSTREAM_PORT: String(up.port),
    POOL_CONNECTIONS: String(pool),
    SMTP_NO_GREETING_DELAY: '1',
  });
  await waitFor(() => relay.output().includes('relay-server'), 'the bare relay', 10_000).catch(
    (err) => {
      throw new Error(`${err.message}: ${relay.output()}`);
    },
  );
  const cpuBefore = cpuMs(relay.child.pid);
  const began = process.hrtime.bigint();
  const result = await source(port);
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const cpu = cpuMs(relay.child.pid);
  relay.child.kill('SIGTERM');
  await relay.exited;
  await up.stop();
  if (result.status !== 0) throw new Error(`smtp-source failed: ${result.stderr}`);
  return { rate: messages / seconds, cpu: cpu === null ? null : (cpu - cpuBefore) / messages };
}

/** SIGTERM until the process has exited: a clean stop, which folds the queue's journal in. */
async function stopTime(serve) {
  const began = process.hrtime.bigint();
  serve.child.kill('SIGTERM');
  await serve.exited;
  return Number(process.hrtime.bigint() - began) / 1e9;
}

async function relaydesk({ drainOnly = false, idle = false } = {}) {
  const up = await sink();
  const smtp = await freePort();
  const http = await freePort();
  const data = mkdtempSync(join(tmpdir(), 'relaydesk-relay-bench-'));
  const profile = process.env.RELAY_PROFILE;
  const serve = start(process.execPath, [
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
    join(root, 'bin', 'relaydesk.js'),
    'serve',
    ...['--smtp', `127.0.0.1:${smtp}`, '--http', `127.0.0.1:${http}`, '--data', data],
    ...['--mode', 'relay', '--relay-host', `127.0.0.1:${up.port}`, '--relay-security', 'none'],
    ...['--relay-connections', String(connections), '--max-messages', '0'],
  ]);
  await waitFor(() => serve.output().includes('Relaydesk is ready'), 'Relaydesk');
  if (idle) {
    // the baseline of the stop's time: the same relay with nothing received
    const stop = await stopTime(serve);
    await up.stop();
    rmSync(data, { recursive: true, force: true });
    return { stop };
  }
  const queued = async () => {
    const res = await fetch(`http://127.0.0.1:${http}/api/v1/queue`);
    const body = await res.json();
    return body.messages.length;
  };
  const post = (path) => fetch(`http://127.0.0.1:${http}${path}`, { method: 'POST' });
  if (drainOnly) await post('/api/v1/relay/pause');
  let cpuBefore = cpuMs(serve.child.pid);
  let began = process.hrtime.bigint();
  const result = await source(smtp);
  if (drainOnly) {
    cpuBefore = cpuMs(serve.child.pid);
    began = process.hrtime.bigint();
    await post('/api/v1/relay/resume');
  }
  const at = () => (Number(process.hrtime.bigint() - began) / 1e9).toFixed(2);
  const sent = at();
  // the sink's count first; then the queue, empty once the last states are stored
  await waitFor(() => up.taken() >= messages, 'smtp-sink to take every message', 600_000);
  const taken = at();
  await waitFor(async () => (await queued()) === 0, 'the queue to drain', 600_000);
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  const cpu = cpuMs(serve.child.pid);
  // where the time went: taking the messages in (smtp-source done) or relaying them
  if (process.env.BENCH_DEBUG)
    console.error(`  received by ${sent} s, at the sink by ${taken} s, queue empty at ${at()} s`);
  const stop = await stopTime(serve);
  await up.stop();
  rmSync(data, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`smtp-source failed: ${result.stderr}`);
  return {
    rate: messages / seconds,
    cpu: cpu === null ? null : (cpu - cpuBefore) / messages,
    stop,
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const bare = [];
const ours = [];
const idleStops = [];
for (let i = 0; i < reps; i++) {
  bare.push(await bareRelay(connections));
  ours.push(await relaydesk());
  idleStops.push((await relaydesk({ idle: true })).stop);
}
const drained = process.env.RELAY_DRAIN ? await relaydesk({ drainOnly: true }) : null;
const bare5 = (await bareRelay(5)).rate;
const rates = (runs) => runs.map((r) => r.rate);
const b = median(rates(bare));
const o = median(rates(ours));
const list = (values) => values.map((v) => v.toFixed(0)).join(', ');
// CPU per message of the relay process (all threads): the queue's own cost, steadier than wall
// time when other work shares the machine
const cpus = (runs) => (runs.every((r) => r.cpu !== null) ? runs.map((r) => r.cpu) : null);
const cpu = (runs) => {
  const values = cpus(runs);
  return values ? `; ${median(values).toFixed(2)} ms CPU per message` : '';
};
console.log(
  `relay end to end, ${messages} × 2 KB over 10 sessions → smtp-sink, ${connections} upstream connections:`,
);
console.log(
  `  bare Node relay (no queue): ${b.toFixed(0)} msgs/s (${list(rates(bare))})${cpu(bare)}`,
);
console.log(
  `  Relaydesk (queued, durable): ${o.toFixed(0)} msgs/s (${list(rates(ours))})${cpu(ours)}`,
);
console.log(`  Relaydesk = ${(o / b).toFixed(2)}× the bare relay with the same connection count`);
if (cpus(bare) && cpus(ours))
  console.log(
    `  CPU per message: Relaydesk = ${(median(cpus(ours)) / median(cpus(bare))).toFixed(2)}× the bare relay's`,
  );
console.log(
  `  (the bare relay with 5 connections, for reference: ${bare5.toFixed(0)} msgs/s; ratio ${(o / bare5).toFixed(2)}×)`,
);
const stopped = median(ours.map((r) => r.stop));
const idleStop = median(idleStops);
const stopLine = `clean stop after relaying them (SIGTERM until exit; the queue's journal folded into the sidecars): ${stopped.toFixed(2)} s, ${(stopped / idleStop).toFixed(1)}× the stop of the same relay with nothing received (${idleStop.toFixed(2)} s)`;
console.log(`  ${stopLine}`);
if (drained !== null)
  console.log(
    `  Relaydesk's queue alone (messages stored first, then relayed): ${drained.rate.toFixed(0)} msgs/s (${(drained.rate / b).toFixed(2)}×)${drained.cpu === null ? '' : `; ${drained.cpu.toFixed(2)} ms CPU per message, relaying only`}`,
  );
const cpuCell = (runs) => (cpus(runs) ? `${median(cpus(runs)).toFixed(2)} ms` : 'n/a');
writeResultsSection(root, 'relay-e2e', 'Relay end to end', [
  `${messages} × 2 KB over 10 sessions (Postfix smtp-source) → Postfix smtp-sink, ${connections} upstream connections, medians of ${reps} alternating runs; from the first message sent until the queue is empty. ${measuredLine()}`,
  '',
  '| | msgs/s | ratio | CPU per message (all threads) |',
  '|---|---:|---:|---:|',
  `| bare Node relay (smtp-server → pooled nodemailer, no queue, no disk) | ${b.toFixed(0)} | 1.00× | ${cpuCell(bare)} |`,
  `| Relaydesk (queued, durable) | ${o.toFixed(0)} | ${(o / b).toFixed(2)}× | ${cpuCell(ours)} |`,
  ...(drained === null
    ? []
    : [
        `| Relaydesk's queue alone (stored first, then relayed) | ${drained.rate.toFixed(0)} | ${(drained.rate / b).toFixed(2)}× | ${drained.cpu === null ? 'n/a' : `${drained.cpu.toFixed(2)} ms`} (relaying only) |`,
      ]),
  '',
  `Relaydesk's ${stopLine}; medians of ${reps} runs.`,
]);
rmSync(baselines, { recursive: true, force: true });
