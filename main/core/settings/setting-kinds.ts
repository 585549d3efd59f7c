// The kinds of value a setting takes, as zod types that read both forms a value comes in: the
// text of a flag or an environment variable, and the JSON of a settings file or the settings API.
// Each kind also says, in words, what it allows (the error's "use …" and the --help line) and
// how the Settings screen edits it, so a declaration states its range once.
import { z } from 'zod';
import type { SettingInputView } from '../../../preload/settings-contract.js';
import type { ListenAddress } from './settings-types.js';

export interface SettingKind<T> {
  type: z.ZodType<T, unknown>;
  /** What is allowed, said the way an error message needs it. */
  allowed: string;
  input: SettingInputView;
}

/** A type from a parser that answers undefined for a value it does not take. */
export function fromParser<T>(parse: (raw: unknown) => T | undefined): z.ZodType<T, unknown> {
  return z.unknown().transform((raw, ctx): T => {
    const value = parse(raw);
    if (value === undefined) {
      ctx.addIssue({ code: 'custom', message: 'not valid' });
      return z.NEVER;
    }
    return value;
  });
}

/** "42" from a flag is the number 42; anything else is left for the number type to refuse. */
const digits = (raw: unknown): unknown =>
  typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;

export interface WholeNumberWords {
  /** What is counted: "milliseconds", "days", … */
  unit?: string;
  /** What the minimum means, e.g. "no limit" for 0. */
  minNote?: string;
  /** Said after the range, e.g. "(untrusted clients)". */
  note?: string;
}

/** A whole number in a range, from a number or its digits. */
export function count(min: number, max: number): z.ZodType<number, unknown> {
  return z.preprocess(digits, z.number().int().min(min).max(max));
}

export function wholeNumber(min: number, max: number, words: WholeNumberWords = {}) {
  const allowed =
    `a whole number${words.unit ? ` of ${words.unit}` : ''} from ${min}` +
    `${words.minNote ? ` (${words.minNote})` : ''} to ${max}${words.note ? ` ${words.note}` : ''}`;
  return {
    type: count(min, max),
    allowed,
    input: { kind: 'number', min, max },
  } satisfies SettingKind<number>;
}

/** "4", "0.5", "4h" (as Postfix writes delay_warning_time) from a flag: a number of hours. */
const hourText = (raw: unknown): unknown => {
  if (typeof raw !== 'string') return raw;
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*h?\s*$/i.exec(raw);
  return match ? Number(match[1]) : raw;
};

/** Hours in a range, whole or decimal (`0.5` is half an hour), from a number or its text. */
export function hours(max: number, words: { minNote: string }) {
  return {
    type: z.preprocess(hourText, z.number().min(0).max(max)),
    allowed: `a number of hours from 0 (${words.minNote}) to ${max}, whole or decimal, e.g. 4 or 0.5`,
    input: { kind: 'number', min: 0, max, decimal: true },
  } satisfies SettingKind<number>;
}

const sizeUnits: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `25m`, `512k`, `1048576` as bytes; anything else as it was given (the schema names it). */
function toBytes(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const match = /^\s*(\d+)\s*([kmg]?)b?\s*$/i.exec(raw);
  return match ? Number(match[1]) * (sizeUnits[(match[2] ?? '').toLowerCase()] ?? 1) : raw;
}

/**
 * A size setting: bytes from 1 KiB to 2 GiB, given as `25m`, `512k` or `1048576`. Its default is
 * written once, as a user would write it (`defaultSize`), and shown in the help that way.
 */
export function byteSize(defaultSize: string, note = '') {
  return {
    type: z.preprocess(
      toBytes,
      z
        .number()
        .int()
        .min(1024)
        .max(2 ** 31),
    ),
    allowed: `a size from 1k to 2g in bytes, or with k/m/g, e.g. ${defaultSize}${note}`,
    input: { kind: 'size', min: 1024, max: 2 ** 31 },
    value: 'SIZE',
    default: toBytes(defaultSize) as number,
    defaultText: `\`${defaultSize}\``,
  } satisfies SettingKind<number> & Record<string, unknown>;
}

/** true/false, also 1/0 and yes/no as shell scripts write them. */
export function textToBoolean(raw: unknown): unknown {
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  if (raw === 'false' || raw === '0' || raw === 'no') return false;
  return raw;
}

export function onOff(meaning?: string) {
  return {
    type: z.preprocess(textToBoolean, z.boolean()),
    allowed: meaning ? `true (${meaning}) or false` : 'true or false',
    input: { kind: 'checkbox' },
  } satisfies SettingKind<boolean>;
}

/** One of a few words; `choices` maps each to its label on the Settings screen. */
export function oneOf<const T extends string>(choices: Record<T, string>, allowed: string) {
  const values = Object.keys(choices) as [T, ...T[]];
  return {
    type: z.enum(values) as unknown as z.ZodType<T, unknown>,
    allowed,
    input: {
      kind: 'select',
      options: values.map((value) => ({ value, label: choices[value] })),
    },
  } satisfies SettingKind<T>;
}

function parseListenAddress(raw: unknown): ListenAddress | undefined {
  if (typeof raw !== 'string') return undefined;
  // [v6]:port, host:port, or :port (loopback)
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]*)):(\d{1,5})$/.exec(raw.trim());
  if (!match) return undefined;
  const port = Number(match[3]);
  if (port > 65535) return undefined;
  const host = match[1] ?? (match[2] || '127.0.0.1');
  return { host, port };
}

/** `HOST:PORT` (the settings API also takes `{host, port}`, see settings-editor.ts). */
export function listenAddress(allowed: string) {
  return {
    type: fromParser(parseListenAddress),
    allowed,
    input: { kind: 'listen', nullable: false },
  } satisfies SettingKind<ListenAddress>;
}

/** A listener that is off unless given: null, "", "off" or "none" turn it off. */
export function optionalListenAddress(allowed: string) {
  return {
    type: fromParser((raw): ListenAddress | null | undefined =>
      raw === null || raw === '' || raw === 'off' || raw === 'none'
        ? null
        : parseListenAddress(raw),
    ),
    allowed,
    input: { kind: 'listen', nullable: true },
  } satisfies SettingKind<ListenAddress | null>;
}

export function path(allowed: string) {
  return {
    type: z.string().refine((text) => text.trim() !== ''),
    allowed,
    input: { kind: 'text', nullable: false },
  } satisfies SettingKind<string>;
}

/** A file that is optional: null or "" for none. */
export function optionalPath(allowed: string, placeholder?: string) {
  return {
    type: z.preprocess(
      (raw) => (raw === '' ? null : raw),
      z
        .string()
        .refine((text) => text.trim() !== '')
        .nullable(),
    ),
    allowed,
    input: { kind: 'text', nullable: true, ...(placeholder ? { placeholder } : {}) },
  } satisfies SettingKind<string | null>;
}

/** The non-empty, trimmed items of a comma-separated flag or variable value. */
export function splitCommaList(raw: string): string[] {
  return raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

/**
 * A list: comma-separated in a flag or variable, an array in a file. `item` answers the
 * normalised entry, or undefined for a bad one (the whole list is then refused).
 */
export function listOf(
  item: (text: string) => string | undefined,
  options: { max: number; allowed: string; placeholder?: string },
) {
  return {
    type: fromParser((raw): string[] | undefined => {
      const list = typeof raw === 'string' ? splitCommaList(raw) : raw;
      if (!Array.isArray(list) || list.length > options.max) return undefined;
      const out: string[] = [];
      for (const entry of list) {
        if (typeof entry !== 'string') return undefined;
        if (entry.trim() === '') continue;
        const value = item(entry.trim());
        if (value === undefined) return undefined;
        out.push(value);
      }
      return out;
    }),
    allowed: options.allowed,
    input: {
      kind: 'lines',
      ...(options.placeholder ? { placeholder: options.placeholder } : {}),
    },
  } satisfies SettingKind<string[]>;
}

/** A structure, as JSON text in a flag or variable and as JSON in a file. */
export function structure<T>(
  parse: (raw: unknown) => T | undefined,
  allowed: string,
  placeholder: string,
) {
  return {
    type: fromParser(parse),
    allowed,
    input: { kind: 'json', placeholder },
  } satisfies SettingKind<T>;
}

export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
