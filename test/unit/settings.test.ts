import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultDataDir, resolveSettings } from '../../main/core/settings/settings-sources.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function configFile(content: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'relaydesk-settings-'));
  dirs.push(dir);
  const path = join(dir, 'relaydesk.json');
  await writeFile(path, content);
  return path;
}

describe('settings', () => {
  it('has the documented defaults', () => {
    const s = resolveSettings({ env: {} });
    expect(s.smtp).toEqual({ host: '127.0.0.1', port: 1025 });
    expect(s.http).toEqual({ host: '127.0.0.1', port: 8025 });
    expect(s.maxMessages).toBe(5000);
    expect(s.maxSize).toBe(25 * 1024 * 1024);
    expect(s.maxRecipients).toBe(100);
    expect(s.apiCompat).toBe('mailpit');
  });

  it('layers defaults < settings file < environment < flags', async () => {
    const file = await configFile(
      JSON.stringify({ maxMessages: 10, smtp: '0.0.0.0:2525', maxSize: '1m' }),
    );
    const fromFile = resolveSettings({ env: {}, configFile: file });
    expect(fromFile).toMatchObject({
      maxMessages: 10,
      smtp: { host: '0.0.0.0', port: 2525 },
      maxSize: 1048576,
    });
    const fromEnv = resolveSettings({ env: { RELAYDESK_MAX_MESSAGES: '20' }, configFile: file });
    expect(fromEnv.maxMessages).toBe(20);
    const fromFlag = resolveSettings({
      env: { RELAYDESK_MAX_MESSAGES: '20' },
      configFile: file,
      flags: { '--max-messages': '30', '--smtp': '[::1]:25' },
    });
    expect(fromFlag).toMatchObject({ maxMessages: 30, smtp: { host: '::1', port: 25 } });
  });

  it('names the flag, the value and what is allowed for a bad value', () => {
    expect(() => resolveSettings({ env: {}, flags: { '--smtp': 'nonsense' } })).toThrow(
      '--smtp: "nonsense" is not valid; use HOST:PORT with a port from 0 to 65535, e.g. 127.0.0.1:1025',
    );
    expect(() => resolveSettings({ env: {}, flags: { '--max-messages': '-1' } })).toThrow(
      /^--max-messages: "-1" is not valid; use a whole number from 0/,
    );
    expect(() => resolveSettings({ env: { RELAYDESK_MAX_SIZE: 'huge' } })).toThrow(
      /^RELAYDESK_MAX_SIZE: "huge" is not valid; use a size from 1k to 2g/,
    );
    expect(() => resolveSettings({ env: {}, flags: { '--api-compat': 'smtp4dev' } })).toThrow(
      '--api-compat: "smtp4dev" is not valid; use "mailpit" or "mailhog"',
    );
  });

  it('names the file and the key for a bad settings file, in one form', async () => {
    const misspelt = await configFile('{"maxMesages": 3}');
    expect(() => resolveSettings({ env: {}, configFile: misspelt })).toThrow(
      `settings file ${JSON.stringify(misspelt)}: maxMesages: unknown setting; did you mean "maxMessages"?`,
    );
    await expect(async () =>
      resolveSettings({ env: {}, configFile: await configFile('{"retryPolicy": 3}') }),
    ).rejects.toThrow(/: retryPolicy: unknown setting; known settings are smtp, http/);
    // a bad value of a top-level key, as a slip inside one: the file, the key, the problem
    const bad = await configFile('{"maxMessages": "many"}');
    expect(() => resolveSettings({ env: {}, configFile: bad })).toThrow(
      new RegExp(`^settings file ${JSON.stringify(bad)}: maxMessages: "many" is not valid`),
    );
    const nested = await configFile('{"rateLimit": {"perMinut": 60}}');
    expect(() => resolveSettings({ env: {}, configFile: nested })).toThrow(
      `settings file ${JSON.stringify(nested)}: rateLimit.perMinut: unknown field "perMinut"; did you mean "perMinute"?`,
    );
    await expect(async () =>
      resolveSettings({ env: {}, configFile: await configFile('{oops') }),
    ).rejects.toThrow(/is not valid JSON/);
    expect(() => resolveSettings({ env: {}, configFile: '/nonexistent/relaydesk.json' })).toThrow(
      /^--config: cannot read "\/nonexistent\/relaydesk.json" \(ENOENT\)/,
    );
  });

  it("keeps data where Electron's userData is, per platform", () => {
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/x' })).toBe('/x/Relaydesk');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' })).toMatch(
      /Relaydesk$/,
    );
    expect(defaultDataDir('darwin', {})).toMatch(/Library\/Application Support\/Relaydesk$/);
  });
});
