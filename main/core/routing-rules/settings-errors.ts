// How routing settings errors are phrased: `<field path>: <value> is not <what>; <fix>`, the same
// shape as the upstream settings (main/core/upstream/upstream-settings.ts), so the settings
// screen, the headless config file and the CLI can show every message as is.
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

/** A zod error function for an object: unknown keys (typos) or not an object at all. */
export function objectError(field: string, knownKeys: string, shape: string) {
  return (iss: { code?: string; keys?: string[]; input?: unknown }): string =>
    iss.code === 'unrecognized_keys'
      ? `${field}: unknown field ${(iss.keys ?? []).map((key) => `"${key}"`).join(', ')}; use ${knownKeys}`
      : iss.input === undefined
        ? `${field} is missing; give ${shape}`
        : `${field} is not an object; give ${shape}`;
}
