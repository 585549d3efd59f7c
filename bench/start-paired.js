// `relaydesk serve`'s start, the bundled CLI (scripts/bundle-cli.js) against tsc's output
// (RELAYDESK_NO_BUNDLE=1), taking turns: seconds to the ready line and CPU seconds used by then
// (all threads), medians. Also `relaydesk sendmail` run to its end with the relay stopped (what
// PHP's mail() costs per message). Usage: node bench/start-paired.js [rounds]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuSeconds } from './process-cpu.js';
import { startServe } from './serve.js';

const root = join(import.meta.dirname, '..');
const rounds = Number(process.argv[2] ?? 8);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function serveOnce() {
  const dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-start-'));
  const serve = await startServe(root, dataDir);
  const cpu = cpuSeconds(serve.child.pid);
  await serve.close();
  await rm(dataDir, { recursive: true, force: true });
  return { seconds: serve.seconds, cpu };
}

/** CPU seconds of this process's children that have ended (cutime + cstime). */
function childrenCpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

async function sendmailOnce() {
  const dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-start-'));
  const cpu0 = childrenCpu();
  const t0 = performance.now();
  const run = spawnSync(
    process.execPath,
    [join(root, 'bin', 'relaydesk.js'), 'sendmail', '--data', dataDir, '-t'],
    {
      input: 'From: cron@example.com\nTo: ada@example.com\nSubject: nightly\n\nok\n',
      // no relay there: the message is kept in the maildrop, as while the relay is stopped
      env: { ...process.env, RELAYDESK_SMTP: '127.0.0.1:1' },
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = childrenCpu() - cpu0;
  await rm(dataDir, { recursive: true, force: true });
  if (run.status !== 0) throw new Error(`sendmail exited ${run.status}: ${run.stderr}`);
  return { seconds, cpu };
}

const results = { bundle: { serve: [], sendmail: [] }, tsc: { serve: [], sendmail: [] } };
for (let round = 0; round < rounds; round++) {
  for (const build of round % 2 ? ['tsc', 'bundle'] : ['bundle', 'tsc']) {
    if (build === 'tsc') process.env.RELAYDESK_NO_BUNDLE = '1';
    else delete process.env.RELAYDESK_NO_BUNDLE;
    results[build].serve.push(await serveOnce());
    results[build].sendmail.push(await sendmailOnce());
  }
}
for (const what of ['serve', 'sendmail']) {
  const b = results.bundle[what];
  const t = results.tsc[what];
  const line = (key) =>
    `${median(b.map((r) => r[key])).toFixed(2)} s against ${median(t.map((r) => r[key])).toFixed(2)} s (${(median(b.map((r) => r[key])) / median(t.map((r) => r[key]))).toFixed(2)}×)`;
  console.log(
    `${what}: to the ${what === 'serve' ? 'ready line' : 'end'} ${line('seconds')}; CPU ${line('cpu')}`,
  );
}
