#!/usr/bin/env node
// The `relaydesk` command. It runs the built CLI; `npm install` builds it (the prepare script).
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('relaydesk: not built yet; run `npm run build` (npm install does it too)\n');
  process.exit(1);
}
// before the CLI's modules are compiled: see main/core/load/heap-flags.js
await import(new URL('../out/main/core/load/heap-flags.js', import.meta.url).href);
const { main } = await import(cli.href);
await main(process.argv.slice(2));
