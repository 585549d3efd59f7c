// How routing settings errors are phrased: `<field path>: <value> is not <what>; <fix>`, the same
// shape as the upstream settings (main/core/upstream/upstream-settings.ts), so the settings
// screen, the headless config file and the CLI can show every message as is.
import { z } from 'zod';
import { nearestName } from '../text/nearest-name.js';
import { quoted } from '../text/sanitise.js';

/** A value as it appears in a message: JSON, so quotes, spaces and control characters show. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'string' ? quoted(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** A zod error function for one field: missing, or present with the wrong type or form. */
export function fieldError(field: string, what: string, fix: string) {
  return (iss: { input?: unknown }): string =>
    iss.input === undefined
      ? `${field} is missing; ${fix}`
      : `${field}: ${show(iss.input)} is not ${what}; ${fix}`;
}

/**
 * Unknown keys of an object at `field`. A key one slip from a known one is named with its full
 * path and the key meant (`quotas[0].perHuor: unknown field "perHuor"; did you mean "perHour"?`),
 * as a misspelt top-level setting is: a list of every field leaves the admin to spot the typo by
 * eye. Other keys get the list of what the object takes (`knownWords`).
 */
export function unknownFieldProblem(
  field: string,
  keys: readonly string[],
  known: readonly string[],
  knownWords: string,
): string {
  for (const key of keys) {
    const near = nearestName(key, known);
    if (near) return `${field}.${key}: unknown field ${show(key)}; did you mean ${show(near)}?`;
  }
  return `${field}: unknown field ${keys.map((key) => show(key)).join(', ')}; use ${knownWords}`;
}

/**
 * Issues with the unknown keys first: a misspelt key (`usr`) is why the field it meant (`user`)
 * reads as missing, so the message that names the slip is the one to show when only one is.
 */
export function slipsFirst<T extends { code?: string }>(issues: readonly T[]): T[] {
  return [
    ...issues.filter((issue) => issue.code === 'unrecognized_keys'),
    ...issues.filter((issue) => issue.code !== 'unrecognized_keys'),
  ];
}

/** The keys a zod object schema declares (the schema raising an issue is in `iss.inst`). */
function declaredKeys(schema: unknown): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

/** A zod error function for an object: unknown keys (typos) or not an object at all. */
export function objectError(field: string, knownKeys: string, shape: string) {
  return (iss: { code?: string; keys?: string[]; input?: unknown; inst?: unknown }): string =>
    iss.code === 'unrecognized_keys'
      ? unknownFieldProblem(field, iss.keys ?? [], declaredKeys(iss.inst), knownKeys)
      : iss.input === undefined
        ? `${field} is missing; give ${shape}`
        : `${field} is not an object; give ${shape}`;
}
