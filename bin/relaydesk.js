#!/usr/bin/env node
// The `relaydesk` command. It runs the built CLI; `npm install` builds it (the prepare script).
import { existsSync, statSync } from 'node:fs';

const built = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('relaydesk: not built yet; run `npm run build` (npm install does it too)\n');
  process.exit(1);
}
// before the CLI's modules are compiled: see main/core/load/heap-flags.js
await import(new URL('../out/main/core/load/heap-flags.js', import.meta.url).href);
const { main } = await import(cliToRun().href);
await main(process.argv.slice(2));

/**
 * The bundle of the CLI (scripts/bundle-cli.js) starts faster; it is run only when it is at
 * least as new as tsc's last build, so a build by tsc alone (or a checkout with an old bundle)
 * runs what tsc built, never stale code. RELAYDESK_NO_BUNDLE=1 always runs tsc's output.
 */
function cliToRun() {
  const bundle = new URL('../out/main/bundle/cli.js', import.meta.url);
  if (process.env.RELAYDESK_NO_BUNDLE === '1') return built;
  const modified = (url) => {
    try {
      return statSync(url).mtimeMs;
    } catch {
      return null;
    }
  };
  const bundled = modified(bundle);
  if (bundled === null) return built;
  // tsc rewrites its build info whenever it emits anything
  const compiled = modified(new URL('../out/.tsbuildinfo-node', import.meta.url));
  return compiled === null || bundled >= compiled ? bundle : built;
}
