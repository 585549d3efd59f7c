// Each benchmark writes its own section of bench/results.md, between `<!-- name -->` markers, and
// leaves the others as they are: the README quotes the latest of each.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';

/** "Measured 2026-12-01 04:10 UTC; load average 0.4 on 2 cores." */
export function measuredLine() {
  return `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores.`;
}

/**
 * Replaces the section `name` of the results file with `title` and `lines` where it is (so the
 * file keeps its order and a diff shows only new figures), or adds it at the end.
 */
export function writeResultsSection(root, name, title, lines) {
  const file = process.env.RESULTS ?? join(root, 'bench', 'results.md');
  const section = [`<!-- ${name} -->`, `## ${title}`, '', ...lines, `<!-- /${name} -->`].join('\n');
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const marker = new RegExp(`<!-- ${name} -->[\\s\\S]*<!-- /${name} -->`);
  const after = marker.test(before)
    ? before.replace(marker, () => section)
    : `${before.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, after);
  return file;
}
