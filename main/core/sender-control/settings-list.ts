// A setting that is a list of entries (`quotas`, `warmup`): given as JSON on the command line
// or in the environment, or as an array in the settings file. Each entry is checked by its own
// schema with messages rooted at `name[i]`, so the error names the entry and the field.
import type { z } from 'zod';
import { show, slipsFirst } from '../routing-rules/settings-errors.js';

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
  return value.map((item: unknown, index) => {
    const parsed = entrySchema(`${name}[${index}]`).safeParse(item);
    if (!parsed.success) {
      throw new Error(
        slipsFirst(parsed.error.issues)[0]?.message ?? `${name}[${index}] is not valid`,
      );
    }
    return parsed.data;
  });
}
