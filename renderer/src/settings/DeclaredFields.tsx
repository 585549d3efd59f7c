// The settings of a section that need no screen of their own, drawn from their declarations
// (GET /api/v1/settings `fields`): a new setting appears here by being declared. Each has a
// labelled input that fits its kind, what it allows beside it, and after a refused save the
// server's error for it (or for a part of it, e.g. `warmup[0].start`).
import { useState } from 'react';
import type {
  SettingFieldView,
  SettingKey,
  SettingsFieldError,
  SettingsView,
} from '../api/contract';
import {
  CheckboxField,
  NumberField,
  SelectField,
  TextAreaField,
  TextField,
  type FieldProps,
} from './fields';
import type { FieldErrors, FieldWarnings } from './settings-form';

interface Props {
  view: SettingsView;
  values: Record<string, unknown>;
  errors: FieldErrors;
  /** Saved values said beside their box: a listen address's under `key.port`. */
  warnings?: FieldWarnings;
  section: SettingFieldView['section'];
  /** Keys the section draws itself. */
  skip?: ReadonlySet<string>;
  onChange(key: SettingKey, value: unknown): void;
}

/**
 * The error for the setting or, for a structure written in one box (warm-up, sender rewrite),
 * those of its parts, one a line: every entry's problem shows beside the box at once.
 */
function errorFor(errors: FieldErrors, key: string): SettingsFieldError | undefined {
  if (errors[key]) return errors[key];
  const parts = Object.values(errors).filter(
    (e) => e.field.startsWith(`${key}[`) || e.field.startsWith(`${key}.`),
  );
  const [first] = parts;
  if (!first || parts.length === 1) return first;
  return { ...first, message: parts.map((e) => e.message).join('\n') };
}

const asText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && 'host' in value && 'port' in value) {
    const { host, port } = value as { host: string; port: number };
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  }
  return String(value);
};

/**
 * A list's text. The value may be the text itself: a box whose text is not a list yet ("1, 5,
 * ten") hands it on as typed, for the server to name, and the page is drawn again with it.
 */
const listText = (value: unknown, separator: string): string =>
  Array.isArray(value) ? value.join(separator) : asText(value);

/** A box whose text is kept as typed (a list being written, half-done JSON) while the value follows. */
function TypedText(props: {
  field: SettingFieldView;
  initial: string;
  area: boolean;
  common: Omit<FieldProps, 'label'>;
  toValue(text: string): unknown;
  onChange(value: unknown): void;
  placeholder?: string;
}) {
  const [text, setText] = useState(props.initial);
  const change = (next: string) => {
    setText(next);
    props.onChange(props.toValue(next));
  };
  return props.area ? (
    <TextAreaField {...props.common} label={props.field.label} value={text} onChange={change} />
  ) : (
    <TextField
      {...props.common}
      label={props.field.label}
      value={text}
      placeholder={props.placeholder}
      onChange={change}
    />
  );
}

/** A size as a person writes it: `25m` for 26214400, else its bytes. */
function sizeText(value: unknown): string {
  if (typeof value !== 'number') return asText(value);
  for (const [unit, size] of [
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ] as const) {
    if (value >= size && value % size === 0) return `${value / size}${unit}`;
  }
  return String(value);
}

export function DeclaredFields({ view, values, errors, warnings, section, skip, onChange }: Props) {
  const fields = view.fields.filter(
    (f) => f.section === section && f.input.kind !== 'custom' && !skip?.has(f.key),
  );
  if (fields.length === 0) return null;
  return (
    <div className="field-grid">
      {fields.map((field) => {
        const key = field.key;
        const value = values[key];
        const input = field.input;
        const common = {
          field: key,
          error: errorFor(errors, key),
          warning: warnings?.[key] ?? warnings?.[`${key}.port`],
          pinnedBy: view.pinned[key],
          restart: view.restartFields.includes(key),
          hint: view.allowed[key],
        };
        const set = (next: unknown) => onChange(key, next);
        switch (input.kind) {
          case 'number':
            return (
              <NumberField
                key={key}
                {...common}
                label={field.label}
                min={input.min}
                max={input.max}
                {...(input.decimal ? { decimal: true } : {})}
                value={value as number}
                onChange={set}
              />
            );
          case 'size':
            // a text box: the hint offers "25m", which a number box turned into 25 (and letters
            // into an empty box, refused as "null"); the relay reads the text as the flag does
            return (
              <TypedText
                key={key}
                field={field}
                common={common}
                area={false}
                initial={sizeText(value)}
                placeholder="e.g. 25m, 512k or 1048576"
                toValue={(text) => text.trim()}
                onChange={set}
              />
            );
          case 'checkbox':
            return (
              <CheckboxField
                key={key}
                {...common}
                hint={undefined}
                label={field.label}
                checked={value === true}
                onChange={set}
              />
            );
          case 'select':
            return (
              <SelectField
                key={key}
                {...common}
                hint={undefined}
                label={field.label}
                value={String(value)}
                options={input.options}
                onChange={set}
              />
            );
          case 'counts': {
            const counts = (value ?? {}) as Record<string, number>;
            return input.keys.map((part) => (
              <NumberField
                key={`${key}.${part}`}
                {...common}
                field={`${key}.${part}`}
                error={
                  errors[`${key}.${part}`] ?? (part === input.keys[0] ? common.error : undefined)
                }
                hint={
                  input.note && part === input.keys.at(-1)
                    ? `${input.hint}. ${input.note}`
                    : input.hint
                }
                label={input.labels[part] ?? `${field.label}: ${part}`}
                min={input.min}
                max={input.max}
                value={counts[part] ?? 0}
                onChange={(n) => set({ ...counts, [part]: n })}
              />
            ));
          }
          case 'text':
          case 'listen':
            return (
              <TypedText
                key={key}
                field={field}
                common={common}
                area={false}
                initial={asText(value)}
                placeholder={
                  input.kind === 'text'
                    ? input.placeholder
                    : input.nullable
                      ? 'HOST:PORT, empty: off'
                      : 'HOST:PORT'
                }
                // an empty box is "none" where none is allowed
                toValue={(text) =>
                  text.trim() === '' && (input.kind === 'listen' || input.nullable) ? null : text
                }
                onChange={set}
              />
            );
          case 'lines':
            return (
              <TypedText
                key={key}
                field={field}
                common={{ ...common, hint: common.hint }}
                area
                initial={listText(value, '\n')}
                toValue={(text) =>
                  text
                    .split('\n')
                    .map((line) => line.trim())
                    .filter(Boolean)
                }
                onChange={set}
              />
            );
          case 'numbers':
            return (
              <TypedText
                key={key}
                field={field}
                common={common}
                area={false}
                initial={listText(value, ', ')}
                // whole numbers as numbers; anything else as typed, for the server to name
                toValue={(text) => {
                  const parts = text.split(',').map((p) => p.trim());
                  return parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : text;
                }}
                onChange={set}
              />
            );
          case 'json':
            return (
              <TypedText
                key={key}
                field={field}
                common={common}
                area
                initial={
                  value === null || (Array.isArray(value) && value.length === 0)
                    ? ''
                    : JSON.stringify(value, null, 1)
                }
                toValue={(text) => {
                  if (text.trim() === '') return Array.isArray(view.values[key]) ? [] : null;
                  try {
                    return JSON.parse(text) as unknown;
                  } catch {
                    return text;
                  }
                }}
                onChange={set}
              />
            );
          default:
            return null;
        }
      })}
    </div>
  );
}
