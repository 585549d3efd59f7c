// A setting that is a list of entries (`quotas`, `warmup`): given as JSON on the command line
// or in the environment, or as an array in the settings file. Each entry is checked by its own
// schema with messages rooted at `name[i]`, so the error names the entry and the field. Every
// entry is checked and every problem said, one line each (`quotas[0].ip: …\nquotas[1].user: …`):
// an admin who fixes one error should not find the next only at the next save.
import type { z } from 'zod';
import { show } from '../routing-rules/settings-errors.js';

export function parseSettingsList<T>(
  name: string,
  raw: unknown,
  example: string,
  entrySchema: (at: string) => z.ZodType<T>,
): T[] {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new Error(`${name}: not valid JSON (${(err as Error).message}); give ${example}`, {
        cause: err,
      });
    }
  }
  if (!Array.isArray(value)) {
    throw new Error(`${name}: ${show(value)} is not a list; give ${example}`);
  }
  const problems: string[] = [];
  const entries: T[] = [];
  value.forEach((item: unknown, index) => {
    const parsed = entrySchema(`${name}[${index}]`).safeParse(item);
    if (parsed.success) entries.push(parsed.data);
    else {
      // a misspelt key (`perHuor`) is why the entry reads as having no limit: say only the slip
      const slips = parsed.error.issues.filter((issue) => issue.code === 'unrecognized_keys');
      const issues = slips.length > 0 ? slips : parsed.error.issues;
      problems.push(...new Set(issues.map((issue) => issue.message)));
    }
  });
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return entries;
}
