// Relay end to end: Postfix's smtp-source sends 2 KB messages over 10 sessions; the time runs from
// the first message sent until the relay's queue is empty and Postfix's smtp-sink has taken every
// message. Against the bare Node relay of the shared harness (smtp-server → pooled nodemailer, no
// queue, no disk, 250 after the upstream accepted) with the same connection count, in this run.
// Env: RELAY_MSGS (1000), REPS (3), RELAY_CONNECTIONS (Relaydesk's default, 2),
//      RELAY_PROFILE=DIR (runs Relaydesk under `node --cpu-prof`, profiles written to DIR).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
const tool = (name) =>
  [`/usr/local/bin/${name}`, `/usr/sbin/${name}`].find((p) => existsSync(p)) ?? name;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(command, args, env = {}) {
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

async function waitFor(check, what, timeoutMs = 60_000) {
  if (process.env.BENCH_DEBUG) console.error(`waiting for ${what}`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
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
  const s = start(tool('smtp-sink'), ['-u', 'nobody', `127.0.0.1:${port}`, '1024']);
  await waitFor(() => listening(port), 'smtp-sink');
  return { port, stop: () => (s.child.kill('SIGTERM'), s.exited) };
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
  const began = process.hrtime.bigint();
  const result = await source(port);
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  relay.child.kill('SIGTERM');
  await relay.exited;
  await up.stop();
  if (result.status !== 0) throw new Error(`smtp-source failed: ${result.stderr}`);
  return messages / seconds;
}

async function relaydesk() {
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
  const queued = async () => {
    const res = await fetch(`http://127.0.0.1:${http}/api/v1/queue`);
    const body = await res.json();
    return body.messages.length;
  };
  const began = process.hrtime.bigint();
  const result = await source(smtp);
  await waitFor(async () => (await queued()) === 0, 'the queue to drain', 600_000);
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  serve.child.kill('SIGTERM');
  await serve.exited;
  await up.stop();
  rmSync(data, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`smtp-source failed: ${result.stderr}`);
  return messages / seconds;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const bare = [];
const ours = [];
for (let i = 0; i < reps; i++) {
  bare.push(await bareRelay(connections));
  ours.push(await relaydesk());
}
const bare5 = await bareRelay(5);
const b = median(bare);
const o = median(ours);
console.log(
  `relay end to end, ${messages} × 2 KB over 10 sessions → smtp-sink, ${connections} upstream connections:`,
);
console.log(
  `  bare Node relay (no queue): ${b.toFixed(0)} msgs/s (${bare.map((v) => v.toFixed(0)).join(', ')})`,
);
console.log(
  `  Relaydesk (queued, durable): ${o.toFixed(0)} msgs/s (${ours.map((v) => v.toFixed(0)).join(', ')})`,
);
console.log(`  Relaydesk = ${(o / b).toFixed(2)}× the bare relay with the same connection count`);
console.log(
  `  (the bare relay with 5 connections, for reference: ${bare5.toFixed(0)} msgs/s; ratio ${(o / bare5).toFixed(2)}×)`,
);
rmSync(baselines, { recursive: true, force: true });
