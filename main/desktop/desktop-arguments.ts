// The desktop app takes the same setting flags as `relaydesk serve` (they override the saved
// settings). Its command line also carries Chromium switches and a file to open, so unknown
// switches are left alone here rather than refused.
import { relayFlags } from '../core/settings/relay-settings.js';
import { settingFields } from '../core/settings/settings-schema.js';

const known = new Set<string>([...settingFields, ...relayFlags].map((f) => f.flag));

export function settingFlags(argv: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!known.has(name)) continue;
    if (eq > 0) flags[name] = arg.slice(eq + 1);
    else if (argv[i + 1] !== undefined) flags[name] = argv[++i] as string;
  }
  return flags;
}
