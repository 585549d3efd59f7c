// The message index's start-up alone (issue 12), before/after in the same run: the spool's open
// and the index's open against it, in a fresh process each time, on a folder seeded by
// bench/index-100k.js (INDEX_DATA=… INDEX_KEEP=1 keeps it). After a clean stop, after a process
// that exited without closing the index right after its start (as kill -9 in the middle of work
// leaves it: the folder changed since the index's last checkpoint), and after one that exited so
// once it had sat idle (kill -9 in a quiet moment: its checkpoint, if the build has them, is
// waited for, up to 3 s). Rounds alternate the builds (BEFORE_ROOT: another built checkout);
// medians are printed and written to results.md.
// Env: INDEX_DATA (required), BEFORE_ROOT, ROUNDS (3), RESULTS (bench/results.md).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const data = process.env.INDEX_DATA;
if (!data || !existsSync(join(data, 'spool'))) {
  console.log(
    'index-start-ab skipped: INDEX_DATA must name a folder seeded by bench/index-100k.js',
  );
  process.exit(0);
}
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const builds = [
  ...(process.env.BEFORE_ROOT ? [{ name: 'before', root: process.env.BEFORE_ROOT }] : []),
  { name: 'this tree', root },
];

// one start: prints the milliseconds from the spool's open to the index's answer
const start = `
const [root, data, how] = process.argv.slice(2);
const core = root + '/out/main/core';
const { MessageIndex } = await import(core + '/index/message-index.js');
const { openIndex } = await import(core + '/index/index-startup.js');
const { Spool } = await import(core + '/spool/spool.js');
const t0 = performance.now();
const spool = new Spool(data);
await spool.open();
const index = new MessageIndex();
const opened = await openIndex(index, spool);
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, summary: opened.summary }));
if (how === 'crash') process.exit(0);
if (how === 'quiet') {
  // idle until the index's checkpoint records the folder as it is (builds without one: 3 s)
  const { createRequire } = await import('node:module');
  const { statSync } = await import('node:fs');
  const Sqlite = createRequire(root + '/package.json')('better-sqlite3');
  const db = new Sqlite(data + '/index.sqlite', { readonly: true });
  const until = Date.now() + 3000;
  while (Date.now() < until) {
    const stamp = db.prepare("SELECT value FROM meta WHERE key = 'spool_stamp'").pluck().get();
    const mtime = statSync(data + '/spool', { bigint: true }).mtimeNs / 1_000_000n;
    if (stamp === mtime.toString()) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  process.exit(0);
}
index.close();
`;
// a file, not `--input-type=module -e`: a worker thread inherits the flags, and that one stops it
const script = join(mkdtempSync(join(tmpdir(), 'relaydesk-index-start-')), 'start.mjs');
writeFileSync(script, start);
function run(build, how) {
  const child = spawnSync(process.execPath, [script, build.root, data, how], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`${build.name}: ${child.stderr}`);
  return JSON.parse(child.stdout);
}

const times = new Map(builds.map((b) => [b.name, { clean: [], crash: [], quiet: [] }]));
for (let round = 1; round <= ROUNDS; round++) {
  for (const build of builds) {
    run(build, 'close'); // leaves a clean stop
    const clean = run(build, 'crash'); // a start after the clean stop, killed at once
    const crash = run(build, 'quiet'); // a start after that, killed once idle
    const quiet = run(build, 'close'); // a start after the crash in a quiet moment
    times.get(build.name).clean.push(clean.ms);
    times.get(build.name).crash.push(crash.ms);
    times.get(build.name).quiet.push(quiet.ms);
    console.log(
      `  round ${round}: ${build.name}: ${clean.ms.toFixed(0)} ms (${clean.summary}), ${crash.ms.toFixed(0)} ms (${crash.summary}), ${quiet.ms.toFixed(0)} ms (${quiet.summary})`,
    );
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = times.get(builds[0].name);
const table = [
  `| build (index start-up in-process, medians of ${ROUNDS}) | after a clean stop | × first | after kill -9 in the middle of work | × first | after kill -9 in a quiet moment | × first |`,
  '|---|---:|---:|---:|---:|---:|---:|',
  ...builds.map((b) => {
    const t = times.get(b.name);
    const cell = (kind) =>
      `${median(t[kind]).toFixed(0)} ms | ${(median(t[kind]) / median(base[kind])).toFixed(2)}`;
    return `| ${b.name} | ${cell('clean')} | ${cell('crash')} | ${cell('quiet')} |`;
  }),
];
for (const line of table) console.log(`  ${line}`);
const results = process.env.RESULTS ?? join(root, 'bench', 'results.md');
const section = [
  '<!-- index-start-ab -->',
  '## Index start-up alone, before/after (`bench/index-start-ab.js`)',
  '',
  `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on the folder of 100,000 messages; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores. The spool's open and the index's open against it, in a fresh process each time; rounds alternate the builds.`,
  '',
  ...table,
  '<!-- /index-start-ab -->',
].join('\n');
const before = existsSync(results) ? readFileSync(results, 'utf8') : '# Benchmark results\n';
const kept = before.replace(/\n?<!-- index-start-ab -->[\s\S]*<!-- \/index-start-ab -->\n?/, '\n');
writeFileSync(results, `${kept.trimEnd()}\n\n${section}\n`);
console.log(`  written to ${results}`);
