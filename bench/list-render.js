// The mail list with 100,000 messages in Chromium: first paint of the list and the cost of
// scrolling through it, against the same figures with 1,000 messages measured in this run (the
// ratio shows whether the list's cost grows with the mailbox; virtualised, it should stay ~1×).
// The spool is seeded by cloning one real message's files (accepted over SMTP first), which
// writes 100,000 messages in seconds instead of the minutes SMTP would take. Each size is served
// by `relaydesk serve` processes; with BEFORE_ROOT (another built checkout) the two builds take
// turns on the same folder, ROUNDS times (default 3), and the medians and ratios go to
// bench/results.md (RESULTS) under "list-render".
/* global document, requestAnimationFrame, MutationObserver, window -- evaluated in the page */
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { chromiumPath, launchChromium } from './chromium.js';
import { measuredLine, writeResultsSection } from './results-section.js';
import { startServe } from './serve.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { startRelaydesk } = await import(join(root, 'out/main/headless.js'));
const SIZES = (process.env.LIST_SIZES ?? '1000 100000').split(' ').map(Number);
const SCROLL_STEPS = 40;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const builds = [
  ...(process.env.BEFORE_ROOT ? [{ name: 'before', root: process.env.BEFORE_ROOT }] : []),
  { name: 'this tree', root },
];

/** Starts `relaydesk serve` of `build` on `dataDir`, keeping every message; resolves when ready. */
function serve(build, dataDir) {
  return startServe(build.root, dataDir);
}

if (!existsSync(chromiumPath)) {
  console.log(`list bench skipped: no Chromium at ${chromiumPath} (apt-get install chromium)`);
  process.exit(0);
}

/** One real message, accepted over SMTP, as the template for the clones. */
async function templateMessage() {
  const dataDir = mkdtempSync(join(tmpdir(), 'relaydesk-bench-tpl-'));
  const relay = await startRelaydesk({ smtp: '127.0.0.1:0', http: '127.0.0.1:0', dataDir });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: relay.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  await transport.sendMail({
    from: 'Load <load@example.test>',
    to: 'list@example.test',
    subject: 'TEMPLATE',
    text: 'A message in a long list.',
  });
  transport.close();
  await relay.close();
  const spool = join(dataDir, 'spool');
  const id = readdirSync(spool)
    .find((name) => name.endsWith('.json'))
    .slice(0, -5);
  const sidecar = JSON.parse(readFileSync(join(spool, `${id}.json`), 'utf8'));
  // kept until the end of the run: the clones link to it
  return { sidecar, emlPath: join(spool, `${id}.eml`), dataDir };
}

/** Writes `count` clones of the template, oldest first, with IDs that sort by arrival. */
function seed(count, template) {
  const dataDir = mkdtempSync(join(tmpdir(), 'relaydesk-bench-list-'));
  const spool = join(dataDir, 'spool');
  mkdirSync(spool, { recursive: true });
  const start = Date.now() - count * 1000;
  for (let n = 0; n < count; n++) {
    const at = start + n * 1000;
    const id = `${at.toString(36).padStart(9, '0')}000${n.toString(16).padStart(10, '0')}`;
    const record = {
      ...template.sidecar,
      id,
      receivedAt: new Date(at).toISOString(),
      summary: { ...template.sidecar.summary, subject: `Message ${String(n).padStart(6, '0')}` },
    };
    writeFileSync(join(spool, `${id}.json`), JSON.stringify(record));
    // the raw file is the same for all: a hard link costs a directory entry, not a write
    // (a fresh copy every 50,000, under ext4's 65,000 links per file)
    const source = `${template.emlPath}.${Math.floor(n / 50_000)}`;
    if (n % 50_000 === 0) copyFileSync(template.emlPath, source);
    linkSync(source, join(spool, `${id}.eml`));
  }
  return dataDir;
}

async function measure(browser, url, count) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Timed in the page, from its navigation to the first frame after a row is in the DOM: the
  // time Playwright's polling took to notice the row (its waits are spaced, and a busy page
  // delays them) was part of the figure, by up to ~100 ms.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.querySelector('[data-testid="message-row"]')) return;
      observer.disconnect();
      // a frame's callbacks run before it is painted; a task queued from one runs after
      requestAnimationFrame(() => setTimeout(() => (window.firstRowPainted = performance.now())));
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(url);
  await page.locator('[data-testid="message-row"]').first().waitFor({ timeout: 60_000 });
  const firstPaint = await page
    .waitForFunction(() => window.firstRowPainted)
    .then((h) => h.jsonValue());

  // scroll from top to bottom in steps; each step waits until its rows are loaded and painted
  const steps = [];
  for (let i = 1; i <= SCROLL_STEPS; i++) {
    const s0 = performance.now();
    await page.evaluate((fraction) => {
      const list = document.querySelector('[data-testid="message-list"]');
      list.scrollTop = (list.scrollHeight - list.clientHeight) * fraction;
    }, i / SCROLL_STEPS);
    // done when the rows under the new scroll position are painted: the rows of the previous
    // position are still in the DOM until React renders the jump, so "some row" is not enough
    await page.waitForFunction(
      () => {
        const box = document.querySelector('[data-testid="message-list"]').getBoundingClientRect();
        const rows = [...document.querySelectorAll('[data-testid="message-row"]')];
        return (
          document.querySelectorAll('[data-testid="message-row-loading"]').length === 0 &&
          rows.some((row) => {
            const at = row.getBoundingClientRect();
            return at.bottom > box.top && at.top < box.bottom;
          })
        );
      },
      undefined,
      { timeout: 30_000, polling: 'raf' },
    );
    steps.push(performance.now() - s0);
  }
  const oldest = await page
    .locator('[data-testid="message-row"]')
    .last()
    .innerText()
    .catch(() => '');
  // a smooth scroll by wheel: frames longer than 50 ms are the jank a user sees
  await page.evaluate(() => {
    document.querySelector('[data-testid="message-list"]').scrollTop = 0;
  });
  const longFrames = await page.evaluate(async () => {
    const list = document.querySelector('[data-testid="message-list"]');
    let last = performance.now();
    let long = 0;
    let frames = 0;
    for (let i = 0; i < 120; i++) {
      list.scrollTop += 400;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      if (now - last > 50) long++;
      frames++;
      last = now;
    }
    return { long, frames };
  });
  const rowsInDom = await page.locator('[role="option"]').count();
  await page.close();
  steps.sort((a, b) => a - b);
  return {
    count,
    firstPaint,
    scrollMedian: steps[Math.floor(steps.length / 2)],
    scrollP90: steps[Math.floor(steps.length * 0.9)],
    longFrames,
    rowsInDom,
    reachedOldest: oldest.includes('Message 000000'),
  };
}

const template = await templateMessage();
const browser = await launchChromium();
const results = [];
/** Every round's figures, by build and size. */
const rounds = new Map(builds.map((b) => [b.name, new Map(SIZES.map((n) => [n, []]))]));
try {
  for (const count of SIZES) {
    const seeded = Date.now();
    const dataDir = seed(count, template);
    // the first start builds the index from the sidecars; every later one opens it as it is
    // (every seeded message is kept: --max-messages 0)
    await (await serve(builds[0], dataDir)).close();
    console.log(
      `  ${count} messages seeded and loaded in ${((Date.now() - seeded) / 1000).toFixed(1)} s`,
    );
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        for (const build of builds) {
          const relay = await serve(build, dataDir);
          try {
            const r = await measure(browser, relay.url, count);
            rounds.get(build.name).get(count).push(r);
            if (build.name === 'this tree' && round === ROUNDS) results.push(r);
            console.log(
              `  round ${round}, ${build.name}, ${count}: first paint ${r.firstPaint.toFixed(0)} ms, scroll step ${r.scrollMedian.toFixed(0)} ms`,
            );
          } finally {
            await relay.close();
          }
        }
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
} finally {
  await browser.close();
  rmSync(template.dataDir, { recursive: true, force: true });
}

const ms = (value) => `${value.toFixed(0)} ms`;
for (const r of results) {
  console.log(
    `  ${r.count} messages: first list paint ${ms(r.firstPaint)} (navigation to the first frame with a row), ` +
      `scroll step median ${ms(r.scrollMedian)}, p90 ${ms(r.scrollP90)} (jump + page fetch + paint), ` +
      `${r.longFrames.long}/${r.longFrames.frames} frames over 50 ms while scrolling, ` +
      `${r.rowsInDom} rows in the DOM, oldest reached at the bottom: ${r.reachedOldest}`,
  );
}
const base = results[0];
for (const r of results.slice(1)) {
  console.log(
    `  ${r.count} vs ${base.count}: first paint ${(r.firstPaint / base.firstPaint).toFixed(2)}×, ` +
      `scroll step ${(r.scrollMedian / base.scrollMedian).toFixed(2)}×`,
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const figure = (build, count, key) =>
  median(
    rounds
      .get(build)
      .get(count)
      .map((r) => r[key]),
  );
const baseName = builds[0].name;
const table = [
  `| build (medians of ${ROUNDS} rounds, builds alternating) | messages | first list paint | × ${baseName} | scroll step (jump + page fetch + paint) | × ${baseName} |`,
  '|---|---:|---:|---:|---:|---:|',
  ...SIZES.flatMap((count) =>
    builds.map((b) => {
      const paint = figure(b.name, count, 'firstPaint');
      const step = figure(b.name, count, 'scrollMedian');
      return `| ${b.name} | ${count.toLocaleString('en')} | ${paint.toFixed(0)} ms | ${(paint / figure(baseName, count, 'firstPaint')).toFixed(2)} | ${step.toFixed(0)} ms | ${(step / figure(baseName, count, 'scrollMedian')).toFixed(2)} |`;
    }),
  ),
];
for (const line of table) console.log(`  ${line}`);
const written = writeResultsSection(
  root,
  'list-render',
  'First list paint and scrolling in Chromium (`bench/list-render.js`)',
  [
    `${measuredLine()} First paint: from navigation to the first frame painted with a row in it, timed in the page (target: under 1 s at 100,000). Each round starts a \`relaydesk serve\` of each build on the same seeded folder.`,
    '',
    ...table,
  ],
);
console.log(`  written to ${written}`);
