// One declaration per setting: the README's table, `serve --help`, the settings API and the
// Settings screen's fields are all read from it. These fail when one of them drifts: a stale
// README table, a flag missing from --help, a declared setting the API does not edit, a range
// the words do not state, or a new setting's error not naming the field, the value and the range.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsSaveResult, SettingsView } from '../../preload/api-contract.js';
import { settingsTable, withSettingsTable } from '../../main/core/settings/settings-docs.js';
import { defaultSettings, settingFields } from '../../main/core/settings/settings-schema.js';
import { runCli } from '../helpers/cli-process.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

const root = join(import.meta.dirname, '..', '..');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relaydesk(settings: Record<string, unknown> = {}): Promise<TestRelaydesk> {
  const relay = await startTestRelaydesk(settings);
  cleanups.push(() => relay.dispose());
  return relay;
}

async function put(relay: TestRelaydesk, change: unknown) {
  const res = await relay.fetch('/api/v1/settings', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(change),
  });
  return { status: res.status, body: (await res.json()) as SettingsSaveResult };
}

describe('the settings declarations', () => {
  it('the README table is the one the declarations write (run npm run docs:settings)', async () => {
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    expect(withSettingsTable(readme)).toBe(readme);
    for (const field of settingFields) {
      expect(settingsTable()).toContain(`| \`${field.key}\` | \`${field.env}\` |`);
    }
  });

  it('each editable default is a value its own type accepts, and each number range is said in words', () => {
    const defaults = defaultSettings('/data') as unknown as Record<string, unknown>;
    // a listener's settings-file form is "host:port"; the others' is what the API shows
    const fileForm = (key: string, value: unknown, view?: (v: never) => unknown): unknown => {
      if (value && typeof value === 'object' && 'port' in value && 'host' in value) {
        return `${String(value.host)}:${String(value.port)}`;
      }
      return view ? view(value as never) : value;
    };
    // (the screen sends the defaults back; chaosTriggers, not edited there, has no "off" word)
    for (const field of settingFields.filter((f) => !f.notEditable)) {
      const parsed = field.type.safeParse(fileForm(field.key, defaults[field.key], field.view));
      expect(parsed.success, `${field.key}'s default`).toBe(true);
      if (field.input.kind === 'number') {
        expect(field.allowed, field.key).toContain(
          String(field.input.min === 1024 ? '1k' : field.input.min),
        );
        expect(
          field.type.safeParse(field.input.max + 1).success,
          `${field.key} above its max`,
        ).toBe(false);
        expect(
          field.type.safeParse(field.input.min - 1).success,
          `${field.key} below its min`,
        ).toBe(false);
      }
    }
  });

  it('serve --help names every flag with what it does and what it takes', async () => {
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    for (const field of settingFields) {
      expect(help.stdout).toContain(field.flag);
      expect(help.stdout).toContain(field.label);
      expect(help.stdout).toContain(field.allowed);
    }
  });

  it('the settings API edits every declared setting that does not say why not', async () => {
    const relay = await relaydesk();
    const view = await relay.api<SettingsView>('/api/v1/settings');
    const editable = settingFields.filter((f) => !f.notEditable).map((f) => f.key);
    expect(Object.keys(view.values).sort()).toEqual([...editable, 'relay', 'rules'].sort());
    expect(view.fields.map((f) => f.key).sort()).toEqual(Object.keys(view.values).sort());
    for (const key of ['uiPasswordFile', 'sendApiAuthFile', 'dataDir']) {
      expect(view.values).not.toHaveProperty(key);
    }
    expect(view.fields.find((f) => f.key === 'virusAction')).toMatchObject({
      section: 'filtering',
      input: { kind: 'select' },
    });
    expect(view.restartFields).toEqual(expect.arrayContaining(['pop3', 'smtp']));
    // the next message is scanned at a clamd address saved while running
    expect(view.restartFields).not.toContain('clamd');
    expect(view.restartFields).not.toContain('virusAction');
  });

  it('answers each wrong new setting with its field, value and what is allowed, and saves the good ones', async () => {
    const relay = await relaydesk();
    const bad = await put(relay, {
      logKeep: 500,
      virusAction: 'delete',
      dnsServers: ['not-an-ip'],
      quotas: [{ user: '*', perHour: -1 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'logKeep',
          value: 500,
          allowed: 'a whole number of rotated log files from 0 to 100',
        }),
        expect.objectContaining({
          field: 'virusAction',
          value: 'delete',
          message: expect.stringContaining('"quarantine"'),
        }),
        expect.objectContaining({ field: 'dnsServers', value: ['not-an-ip'] }),
        expect.objectContaining({
          field: 'quotas[0].perHour',
          value: -1,
          allowed: 'a whole number from 0 (no limit) to 10000000',
          message:
            'quotas[0].perHour: -1 is not valid; use a whole number from 0 (no limit) to 10000000',
        }),
      ]),
    );
    // every error of every entry of a list, each at its own field (the screen puts each beside
    // its box): not only the first entry's first one
    const lists = await put(relay, {
      quotas: [
        { ip: '10.0.0.0/33', perHour: -1 },
        { user: '@example.com', perDay: 10 },
      ],
      warmup: [
        // two problems in one schedule: both said, not only the first
        { upstream: 'smtp.example.com', start: 'soon', preset: 'slow' },
        { upstream: 'smtp.example.com', start: '2026-12-01', preset: 'fast' },
      ],
    });
    expect(lists.status).toBe(400);
    expect(lists.body.ok === false && lists.body.errors.map((e) => [e.field, e.value])).toEqual([
      ['quotas[0].ip', '10.0.0.0/33'],
      ['quotas[0].perHour', -1],
      ['quotas[1].user', '@example.com'],
      ['warmup[0].start', 'soon'],
      ['warmup[0].preset', 'slow'],
      ['warmup[1].preset', 'fast'],
    ]);
    const good = await put(relay, {
      logKeep: 7,
      virusAction: 'quarantine',
      clamd: '127.0.0.1:3310',
      pop3: { host: '127.0.0.1', port: 0 },
      quotas: [{ user: '*', perHour: 5 }],
    });
    expect(good.status).toBe(200);
    expect(good.body.ok && good.body.restartNeeded.sort()).toEqual(['logKeep', 'pop3']);
    const view = await relay.api<SettingsView>('/api/v1/settings');
    expect(view.values).toMatchObject({
      logKeep: 7,
      virusAction: 'quarantine',
      clamd: '127.0.0.1:3310',
      pop3: { host: '127.0.0.1', port: 0 },
      quotas: [{ user: '*', perHour: 5 }],
    });
    const saved = JSON.parse(await readFile(join(relay.dataDir, 'settings.json'), 'utf8'));
    expect(saved).toMatchObject({
      virusAction: 'quarantine',
      clamd: '127.0.0.1:3310',
      pop3: '127.0.0.1:0',
      quotas: [{ user: '*', perHour: 5 }],
    });
  });
});
