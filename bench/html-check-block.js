// How long the HTML check of a 180 KB newsletter holds up the relay's thread (the one every SMTP
// session runs on): the check run on that thread, as it was (checkHtml called inline), against
// the check through its worker (HtmlChecker), measured in the same run, cold (a fresh process:
// modules and caniemail's data loaded by that check) and warm. Figures: the thread's longest
// block (the longest gap between two turns of its event loop), its busy time
// (performance.eventLoopUtilization) and its CPU time (Linux's schedstat of the main thread alone:
// unlike the other two, not lengthened when a loaded machine lets another process run) while the
// check is answered.
// Build first: npx tsc -p tsconfig.node.json   (writes out/)
// Run:         node bench/html-check-block.js [warm-checks] [cold-processes]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = fileURLToPath(import.meta.url);

/** A newsletter in the usual table layout: a style sheet with media queries, inline styles. */
export function newsletter(bytes = 180 * 1024) {
  const head = `<!doctype html><html><head><meta name="color-scheme" content="light dark">
<style>
  body { margin: 0; font-family: system-ui, -apple-system, Segoe UI, sans-serif; }
  .wrap { max-width: 600px; margin: 0 auto; }
  .card > td { padding: 16px 24px; border-radius: 8px; background: linear-gradient(#fff, #f6f6f6); }
  a.button:hover { background-color: rgba(0, 90, 200, 0.9); }
  @media (max-width: 480px) { .col { display: block !important; width: 100% !important; } }
  @media (prefers-color-scheme: dark) { body, .card > td { background: #111 !important; color: #eee !important; } }
</style></head><body><table class="wrap" role="presentation" width="100%" cellpadding="0" cellspacing="0">\n`;
  const item = (
    n,
  ) => `<tr class="card"><td style="padding:16px 24px;border-bottom:1px solid #e5e5e5;font-size:15px;line-height:1.5;color:#222">
  <table role="presentation" width="100%"><tr>
    <td class="col" width="160" style="vertical-align:top;padding-right:16px"><img src="https://cdn.news.example/img/${n}.png" width="160" height="100" alt="Story ${n}" style="display:block;border:0;border-radius:4px;max-width:100%"></td>
    <td class="col" style="vertical-align:top"><h2 style="margin:0 0 8px;font-size:18px;font-weight:600">Story number ${n}: what happened this week</h2>
      <p style="margin:0 0 12px">A paragraph of the story's summary, long enough to wrap over a few lines in most clients, with <a href="https://news.example/s/${n}?utm_source=newsletter" style="color:#0a5ac8;text-decoration:underline">a link</a> in it.</p>
      <a class="button" href="https://news.example/s/${n}" style="display:inline-block;padding:8px 14px;background-color:#0a5ac8;color:#fff;border-radius:4px;text-decoration:none">Read more</a></td>
  </tr></table></td></tr>\n`;
  let html = head;
  for (let n = 1; html.length < bytes - 200; n++) html += item(n);
  return `${html}</table><p style="font-size:12px;color:#888;text-align:center">Unsubscribe</p></body></html>`;
}

/**
 * Runs `work` and reports the thread's longest block until it resolves: the longest gap between
 * two turns of its event loop (a setImmediate chain, which keeps the loop from ever idling).
 */
async function longestBlock(work) {
  let longest = 0;
  let ticking = true;
  let last = performance.now();
  const tick = () => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  // let the ticker start before the work does
  await new Promise((resolve) => setImmediate(resolve));
  const started = performance.now();
  last = started;
  await work();
  const wall = performance.now() - started;
  // the turn that ran the work's end is a block too
  tick();
  ticking = false;
  return { longest, wall };
}

/** The main thread's time on a CPU so far, in ms (its thread ID is the process's); NaN off Linux. */
function threadCpuMs() {
  try {
    return (
      Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6
    );
  } catch {
    return NaN;
  }
}

/**
 * Runs `work` alone and reports how long the thread was busy (not waiting in epoll) meanwhile,
 * and how much CPU time it had.
 */
async function busyTime(work) {
  const cpu = threadCpuMs();
  const elu = performance.eventLoopUtilization();
  await work();
  return { busy: performance.eventLoopUtilization(elu).active, cpu: threadCpuMs() - cpu };
}

async function measure(mode, work) {
  return mode === 'busy' ? busyTime(work) : longestBlock(work);
}

async function variant(name) {
  if (name === 'inline') {
    return async (html) => {
      // what the relay did: the module imported on first use, the check on this thread
      const { checkHtml } = await import('../out/main/core/checks/html-check/index.js');
      return checkHtml(html);
    };
  }
  const { HtmlChecker } = await import('../out/main/core/checks/html-check/html-checker.js');
  const checker = new HtmlChecker();
  const check = (html) => checker.check(html);
  check.close = () => checker.close();
  return check;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(1)} ms`;

if (process.argv[1] !== here) {
  // imported for newsletter(): nothing to run
} else if (process.argv[2] === '--cold') {
  // one cold check in this fresh process: prints its figures as JSON
  const check = await variant(process.argv[3]);
  const html = newsletter();
  const figures = await measure(process.argv[4], () => check(html));
  await check.close?.();
  console.log(JSON.stringify(figures));
} else {
  const warmChecks = Number(process.argv[2] ?? 40);
  const coldProcesses = Number(process.argv[3] ?? 5);
  const html = newsletter();
  console.log(`newsletter: ${(html.length / 1024).toFixed(0)} KB of HTML`);
  const cold = { inline: [], worker: [] };
  for (let n = 0; n < coldProcesses; n++) {
    for (const name of ['inline', 'worker']) {
      const figures = {};
      for (const mode of ['block', 'busy']) {
        const run = spawnSync(process.execPath, [here, '--cold', name, mode], { encoding: 'utf8' });
        Object.assign(figures, JSON.parse(run.stdout.trim().split('\n').at(-1)));
      }
      cold[name].push(figures);
    }
  }
  const checks = { inline: await variant('inline'), worker: await variant('worker') };
  // one each first: the worker's start and the modules' load are the cold figures' business
  await checks.inline(html);
  await checks.worker(html);
  const warm = { inline: [], worker: [] };
  for (let n = 0; n < warmChecks; n++) {
    for (const name of ['inline', 'worker']) {
      const work = () => checks[name](html);
      warm[name].push({ ...(await longestBlock(work)), ...(await busyTime(work)) });
    }
  }
  await checks.worker.close();
  for (const [label, runs] of [
    [`cold (median of ${coldProcesses} processes)`, cold],
    [`warm (median of ${warmChecks} checks)`, warm],
  ]) {
    const figure = (name, key) => median(runs[name].map((run) => run[key]));
    console.log(`\n${label}`);
    for (const key of ['longest', 'busy', 'cpu', 'wall']) {
      const before = figure('inline', key);
      const after = figure('worker', key);
      const what = {
        longest: 'longest block',
        busy: 'thread busy',
        cpu: 'thread CPU',
        wall: 'answered in',
      }[key];
      console.log(
        `  ${what.padEnd(14)} on the thread: ${ms(before).padStart(10)}   in the worker: ${ms(after).padStart(10)}   ratio ${(after / before).toFixed(3)}`,
      );
    }
  }
}
