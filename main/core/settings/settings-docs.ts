// The settings as people read them: `relaydesk serve --help` and the README's settings table,
// both written from the declarations (and the upstream's and DKIM's flags), so neither can drift
// from what the code accepts. `npm run docs:settings` rewrites the README's table; a test fails
// when it is out of date.
import type { SettingsSectionId } from '../../../preload/settings-contract.js';
import type { AnySettingDeclaration } from './setting-declaration.js';
import { dkimFlags } from './dkim-settings.js';
import { relayFlags } from './relay-settings.js';
import { settingFields, type ListenAddress } from './settings-schema.js';

export const sectionTitles: Record<SettingsSectionId, string> = {
  listener: 'Listener',
  access: 'Access',
  upstream: 'Upstream and queue',
  routing: 'Routing',
  signing: 'Signing and address checks',
  filtering: 'Filtering and senders',
  retention: 'Retention',
  logs: 'Logs',
  toolkit: 'Capture toolkit',
  checks: 'Checks and POP3',
  desktop: 'Desktop app',
};

/** Flags that may be given more than once; their values are joined with commas. */
export const repeatableFlags: readonly string[] = [
  '--allow-ip',
  '--webhook-url',
  ...dkimFlags.map((f) => f.flag),
];

export const README_START = '<!-- settings-table:start (npm run docs:settings writes it) -->';
export const README_END = '<!-- settings-table:end -->';

function bySection(): Array<[SettingsSectionId, AnySettingDeclaration[]]> {
  return (Object.keys(sectionTitles) as SettingsSectionId[]).map((id) => [
    id,
    settingFields.filter((field) => field.section === id),
  ]);
}

function isListenAddress(value: unknown): value is ListenAddress {
  return typeof value === 'object' && value !== null && 'host' in value && 'port' in value;
}

/** A default as the README shows it, unless the declaration says it in words. */
function defaultWords(field: AnySettingDeclaration): string {
  if (field.defaultText) return field.defaultText;
  const value: unknown = typeof field.default === 'function' ? null : field.default;
  if (value === null) return 'none';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : `\`${value.join(',')}\``;
  if (isListenAddress(value)) return `\`${value.host}:${value.port}\``;
  if (typeof value === 'object') return `\`${JSON.stringify(value)}\``;
  return `\`${String(value)}\``;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function flagCell(flag: string, value: string): string {
  return `\`${cell(`${flag} ${value}`)}\`${repeatableFlags.includes(flag) ? ' (repeatable)' : ''}`;
}

/** The README's settings table: one row per flag, by section of the Settings screen. */
export function settingsTable(): string {
  const rows = [
    '| flag | key | environment | default | what it does |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const [id, fields] of bySection()) {
    rows.push(`| **${sectionTitles[id]}** | | | | |`);
    if (id === 'upstream') {
      for (const f of relayFlags) {
        const keys = f.keys.map((k) => `\`${k}\``).join(', ');
        rows.push(
          `| ${flagCell(f.flag, f.value)} | ${keys} | \`${f.env}\` | ${f.defaultText} | ${cell(f.label)} |`,
        );
      }
    }
    if (id === 'signing') {
      rows.push(
        `| \`--dkim-domain D --dkim-selector S --dkim-key FILE\` (once per key) | \`dkim\` (\`[{"domain", "selector", "keyFile"}]\`) | ${dkimFlags.map((f) => `\`${f.env}\``).join(', ')} (comma-separated) | none (keys made in the app live in the data folder) | DKIM keys from files |`,
      );
    }
    for (const field of fields) {
      const what = field.notEditable
        ? `${field.label} (not in the Settings screen: ${field.notEditable})`
        : field.label;
      const restart =
        field.applies === 'restart' && !field.notEditable ? ' (takes effect after a restart)' : '';
      rows.push(
        `| ${flagCell(field.flag, field.value)} | \`${field.key}\` | \`${field.env}\` | ${defaultWords(field)} | ${cell(what + restart)} |`,
      );
    }
    if (id === 'routing') {
      rows.push('| | `rules` (settings file) | | none | The routing rules of mode `rules` |');
    }
  }
  return rows.join('\n');
}

/** Puts the table between the README's markers; throws when the markers are missing. */
export function withSettingsTable(readme: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end < start) {
    throw new Error(`README.md has no settings table markers (${README_START} … ${README_END})`);
  }
  return `${readme.slice(0, start + README_START.length)}\n${settingsTable()}\n${readme.slice(end)}`;
}

/** `relaydesk serve --help`'s flags: each with what it does, then what it takes. */
export function serveFlagsHelp(): string {
  const lines: string[] = [];
  for (const [id, fields] of bySection()) {
    lines.push(`${sectionTitles[id]}:`);
    const flags = [
      ...(id === 'upstream' ? relayFlags : []),
      ...(id === 'signing'
        ? dkimFlags.map((f) => ({ ...f, value: 'VALUE', label: f.allowed }))
        : []),
      ...fields,
    ];
    for (const f of flags) {
      lines.push(`  ${`${f.flag} ${f.value}`.padEnd(34)} ${f.label}`);
      if (f.allowed !== f.label) lines.push(`  ${''.padEnd(34)} ${f.allowed}`);
    }
  }
  return lines.join('\n');
}
