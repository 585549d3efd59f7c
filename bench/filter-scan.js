// Virus scanning cost: small messages through the relay with a warm clamd, against the same
// load through the same relay build without scanning, measured in the same run (alternating
// rounds, so a busy machine weighs on both alike). Needs Debian's clamav-daemon.
// Build first: npx tsc -p tsconfig.node.json   (writes out/)
// Run:         node bench/filter-scan.js [messages-per-round] [rounds]
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { ClamdClient } from '../out/main/core/filter/clamd-client.js';
import { startRelaydesk } from '../out/main/headless.js';

const perRound = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 3);
const clamdBin = '/usr/sbin/clamd';

if (!existsSync(clamdBin)) {
  console.log(
    `virus scanning cost skipped: ${clamdBin} is missing (apt-get install -y clamav-daemon)`,
  );
  process.exit(0);
}

async function freePort() {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const work = await mkdtemp(join(tmpdir(), 'relaydesk-scan-bench-'));
const db = join(work, 'db');
await mkdir(db);
const eicar = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
await writeFile(join(db, 'bench.ndb'), `Bench.EICAR:0:*:${Buffer.from(eicar).toString('hex')}\n`);
// clamd writes each stream to a temporary file before it scans it. On the disk the spool
// fsyncs to, those writes queue behind our journal commits (measured here: 16 ms a scan instead
// of 2.5); Debian 13 and most desktops have /tmp on tmpfs, so the bench puts them on one too.
const clamdTemp = existsSync('/dev/shm') ? await mkdtemp('/dev/shm/relaydesk-clamd-') : work;
const clamdPort = await freePort();
await writeFile(
  join(work, 'clamd.conf'),
  `Foreground yes\nTCPSocket ${clamdPort}\nTCPAddr 127.0.0.1\nDatabaseDirectory ${db}\nLocalSocket ${join(work, 'clamd.sock')}\nPidFile ${join(work, 'clamd.pid')}\nTemporaryDirectory ${clamdTemp}\n`,
);
const clamd = spawn(clamdBin, ['-c', join(work, 'clamd.conf')], { stdio: 'ignore' });
const client = new ClamdClient({ host: '127.0.0.1', port: clamdPort }, { connectTimeoutMs: 500 });
const deadline = Date.now() + 120_000;
while (!(await client.ping())) {
  if (Date.now() > deadline) throw new Error('clamd did not answer PING within 120 s');
  await new Promise((r) => setTimeout(r, 200));
}

async function relay(name, settings) {
  const dataDir = join(work, name);
  return startRelaydesk({
    smtp: '127.0.0.1:0',
    http: '127.0.0.1:0',
    dataDir,
    settings: { maxMessages: 0, ...settings },
  });
}

const plain = await relay('plain', {});
const scanned = await relay('scanned', { clamd: `127.0.0.1:${clamdPort}` });

function transportTo(target) {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: target.smtp.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 1,
    maxMessages: Infinity,
  });
}

const text = 'A small message of a few hundred bytes, like a password reset or a receipt.\n'.repeat(
  4,
);
const transports = { plain: transportTo(plain), scanned: transportTo(scanned) };

/** Time to 250 of one small message, in ms. */
async function once(name, i) {
  const started = process.hrtime.bigint();
  await transports[name].sendMail({
    from: 'bench@example.com',
    to: 'sink@example.com',
    subject: `bench ${i}`,
    text,
  });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

// warm both: the parse worker, the spool folder, and clamd's engine
for (let i = 0; i < 20; i++) {
  await once('plain', i);
  await once('scanned', i);
}
// one message each in turn, so a busy moment of the machine weighs on both alike
const times = { plain: [], scanned: [] };
for (let i = 0; i < perRound * rounds; i++) {
  const order = i % 2 === 0 ? ['plain', 'scanned'] : ['scanned', 'plain'];
  for (const name of order) times[name].push(await once(name, i));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p = median(times.plain);
const s = median(times.scanned);
console.log(
  `virus scanning (warm clamd, ${perRound * rounds} small messages each, interleaved, one connection each):\n` +
    `  (clamd's temporary files in ${clamdTemp})\n` +
    `  median time to 250: ${p.toFixed(2)} ms without scanning, ${s.toFixed(2)} ms with scanning\n` +
    `  = ${(s / p).toFixed(2)}× the time without scanning, ${s - p >= 0 ? '+' : ''}${(s - p).toFixed(2)} ms per message`,
);

transports.plain.close();
transports.scanned.close();
await plain.close();
await scanned.close();
clamd.kill('SIGTERM');
await new Promise((r) => clamd.once('exit', r));
await rm(work, { recursive: true, force: true });
await rm(clamdTemp, { recursive: true, force: true });
