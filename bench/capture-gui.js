// Capture with the mail list open: Postfix's smtp-source sends 2 KB messages over 10 sessions to
// `relaydesk serve` while Chromium shows its UI (the list live, from the event stream), against
// the same load with no UI open, taking turns on fresh data folders. In the desktop app the
// renderer shares the machine with the relay: what it spends per arriving message is taken from
// taking mail in. Prints msgs/s, the server's and the renderer processes' CPU per message, and
// writes them to bench/results.md.
// With GUI_CAP=N, the relay keeps N messages (--max-messages N), is filled to N before the page
// opens, and every timed arrival prunes the oldest: the list stays at N while it changes.
// Env: GUI_MSGS (1000), GUI_CAP (none), ROUNDS (3), CHROMIUM (/usr/bin/chromium).
/* global document -- evaluated in the page */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumPath, launchChromium } from './chromium.js';
import { cpuSeconds } from './process-cpu.js';
import { measuredLine, writeResultsSection } from './results-section.js';
import { startServe } from './serve.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const messages = Number(process.env.GUI_MSGS ?? 1000);
const rounds = Number(process.env.ROUNDS ?? 3);
const cap = Number(process.env.GUI_CAP ?? 0);
const smtpSource = ['/usr/local/bin/smtp-source', '/usr/sbin/smtp-source'].find(existsSync);

if (!existsSync(chromiumPath) || !smtpSource) {
  console.log(
    `capture with the GUI open skipped: needs Chromium (${chromiumPath}) and Postfix's smtp-source`,
  );
  process.exit(0);
}

/** Chromium's renderer processes (the page's), by their command line. */
function rendererPids() {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes('chromium') && cmd.includes('--type=renderer');
      } catch {
        return false;
      }
    });
}

/** Each renderer process's CPU seconds now, by pid. */
const rendererCpu = () => new Map(rendererPids().map((pid) => [pid, cpuSeconds(pid) ?? 0]));

/**
 * What the renderer processes spent since `before`: a process started since counts from zero,
 * one that exited (the last round's page) counts nothing. Summing all of them at both ends took
 * an exited process's whole CPU off the total, and a round could read -0.12 ms per message.
 */
const rendererCpuSince = (before) =>
  [...rendererCpu()].reduce((sum, [pid, now]) => sum + now - (before.get(pid) ?? 0), 0);

function sendLoad(port, count = messages) {
  return new Promise((resolve, reject) => {
    const args = ['-l', '2048', '-m', String(count), '-s', '10'];
    const run = spawn(smtpSource, [
      ...args,
      ...['-f', 'load@example.test', '-t', 'list@example.test', '-M', 'bench.local'],
      `127.0.0.1:${port}`,
    ]);
    let err = '';
    run.stderr.on('data', (d) => (err += d));
    run.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`smtp-source: ${err}`))));
  });
}

async function newestId(url) {
  const page = await (await fetch(`${url}/api/v1/messages?limit=1`)).json();
  return page.messages[0].ID;
}

async function once(browser, withGui) {
  const dataDir = mkdtempSync(join(tmpdir(), 'relaydesk-bench-gui-'));
  const relay = await startServe(root, dataDir, cap);
  const port = Number(/SMTP on 127\.0\.0\.1:(\d+)/.exec(relay.log)?.[1]);
  if (cap > 0) await sendLoad(port, cap);
  const page = withGui ? await browser.newPage({ viewport: { width: 1280, height: 800 } }) : null;
  try {
    if (page) {
      await page.goto(`${relay.url}/`);
      await page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
    }
    const server0 = cpuSeconds(relay.child.pid);
    const renderer0 = page ? rendererCpu() : new Map();
    const t0 = performance.now();
    await sendLoad(port);
    const seconds = (performance.now() - t0) / 1000;
    const server = cpuSeconds(relay.child.pid) - server0;
    if (page) {
      // the last batch of events on screen (at the cap: the newest message on top of a list of
      // the cap's size), then what the page spent
      const newest = cap > 0 ? await newestId(relay.url) : null;
      await page
        .waitForFunction(
          ({ count, id }) =>
            document.querySelector('[data-testid="message-list"]')?.getAttribute('data-total') ===
              String(count) &&
            (id === null ||
              document.querySelector('[data-testid="message-row"][data-index="0"]')?.dataset
                .messageId === id),
          { count: cap > 0 ? cap : messages, id: newest },
          { timeout: 30_000 },
        )
        .catch(async () => {
          const shown = await page.getByTestId('message-list').getAttribute('data-total');
          throw new Error(`the list counts ${shown} of the ${messages} messages received`);
        });
    }
    const renderer = page ? rendererCpuSince(renderer0) : 0;
    return {
      rate: messages / seconds,
      serverMs: (server * 1000) / messages,
      rendererMs: (renderer * 1000) / messages,
    };
  } finally {
    await page?.close();
    await relay.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const browser = await launchChromium();
const runs = { without: [], with: [] };
try {
  for (let round = 1; round <= rounds; round++) {
    for (const withGui of [false, true]) {
      const r = await once(browser, withGui);
      runs[withGui ? 'with' : 'without'].push(r);
      console.log(
        `  round ${round}, ${withGui ? 'list open' : 'no UI   '}: ${r.rate.toFixed(0)} msgs/s, server ${r.serverMs.toFixed(2)} ms CPU per message${withGui ? `, renderer ${r.rendererMs.toFixed(2)} ms` : ''}`,
      );
    }
  }
} finally {
  await browser.close();
}

const figure = (list, key) => median(list.map((r) => r[key]));
const without = figure(runs.without, 'rate');
const withGui = figure(runs.with, 'rate');
const lines = [
  `| ${messages} × 2 KB over 10 sessions${cap > 0 ? `, at a cap of ${cap} kept` : ''} (medians of ${rounds}, taking turns) | msgs/s | × no UI | server CPU per message | renderer CPU per message |`,
  '|---|---:|---:|---:|---:|',
  `| no UI open | ${without.toFixed(0)} | 1.00 | ${figure(runs.without, 'serverMs').toFixed(2)} ms | |`,
  `| the mail list open in Chromium | ${withGui.toFixed(0)} | ${(withGui / without).toFixed(2)} | ${figure(runs.with, 'serverMs').toFixed(2)} ms | ${figure(runs.with, 'rendererMs').toFixed(2)} ms |`,
];
for (const line of lines) console.log(`  ${line}`);
const written = writeResultsSection(
  root,
  cap > 0 ? 'capture-gui-cap' : 'capture-gui',
  `Capture with the mail list open${cap > 0 ? ', at the retention cap' : ''} (\`bench/capture-gui.js\`)`,
  [
    `${measuredLine()} Postfix's smtp-source against \`relaydesk serve\` on a fresh data folder each run; the renderer's CPU is that of Chromium's renderer processes from the load's start until the list shows every message.`,
    '',
    ...lines,
  ],
);
console.log(`  written to ${written}`);
