// The mistakes an admin makes in the filter's settings, through the real `relaydesk serve`
// reading a settings file and through the settings API the GUI saves with: a misspelt group
// must be refused with the fix, not taken as an extension that refuses nothing; a mistyped
// RELAYDESK_ variable is said at start, not ignored without a word.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupCliProcesses,
  makeTempDir,
  runCli,
  startServe,
  type ServeProcess,
} from '../helpers/cli-process.js';
import { resolveSettings } from '../../main/core/settings/settings-sources.js';
import { startTestRelaydesk } from '../helpers/relaydesk.js';

afterEach(cleanupCliProcesses);

async function serveWithConfig(
  settings: unknown,
): Promise<{ code: number | null; stderr: string; config: string }> {
  const dir = await makeTempDir();
  const config = join(dir, 'relaydesk.json');
  await writeFile(config, JSON.stringify(settings));
  const run = await runCli([
    'serve',
    '--smtp',
    '127.0.0.1:0',
    '--http',
    '127.0.0.1:0',
    '--data',
    dir,
    '--config',
    config,
  ]);
  return { ...run, config };
}

describe('attachment types in the settings', () => {
  it('refuses a misspelt "executable" at start with the field, the value and the fix', async () => {
    for (const typo of ['execuatble', 'executables', 'Exectuable']) {
      const result = await serveWithConfig({ attachments: { types: ['iso', typo] } });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `relaydesk: settings file ${JSON.stringify(result.config)}: attachments.types: "${typo}" looks like a misspelling of the group "executable" (as an extension it would refuse nothing); write "executable"\n`,
      );
    }
  });

  // the API is the same in a relay of this process: no `serve` start (~2 s of CPU) needed
  it('refuses it from the settings API too (the GUI), and still takes real extensions', async () => {
    const relay = await startTestRelaydesk();
    const save = (types: string[]) =>
      relay.fetch('/api/v1/settings', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ attachments: { types, action: 'reject' } }),
      });
    const wrong = await save(['executables']);
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('misspelling of the group \\"executable\\"');
    // short extensions and the group itself are not mistaken for the typo
    const right = await save(['executable', 'exec', 'iso', 'xlsm']);
    expect(right.status).toBe(200);
    const view = await relay.api<{ values: { attachments: { types: string[] } } }>(
      '/api/v1/settings',
    );
    // the group as the user wrote it, not its forty extensions (the Settings screen shows this)
    expect(view.values.attachments.types).toEqual(['executable', 'exec', 'iso', 'xlsm']);
    await relay.dispose();
  });
});

describe('a clamd address copied from elsewhere', () => {
  // clamav-milter's ClamdSocket, Exim's av_scanner, clamd.conf's TCPSocket without its host: each
  // got "is not valid; use HOST:PORT of clamd …, the path of its Unix socket", naming neither
  // what was wrong nor what to write
  const copied: Array<[string, string]> = [
    [
      'unix:/run/clamav/clamd.ctl',
      'has clamav-milter\'s "unix:" in front; give the socket\'s path alone: /run/clamav/clamd.ctl',
    ],
    [
      'tcp:127.0.0.1:3310',
      'has clamav-milter\'s "tcp:" in front; give HOST:PORT alone: 127.0.0.1:3310',
    ],
    ['127.0.0.1 3310', 'has a space between host and port; give HOST:PORT: 127.0.0.1:3310'],
    [
      '127.0.0.1:99999',
      "has port 99999; give a port from 1 to 65535 (clamd.conf's TCPSocket, 3310 by default)",
    ],
    [
      'run/clamav/clamd.ctl',
      "is not the full path of a socket; give it from the root, as clamd.conf's LocalSocket says, e.g. /run/clamav/clamd.ctl",
    ],
    ['localhost', "has no port; give HOST:PORT with clamd.conf's TCPSocket, e.g. localhost:3310"],
  ];

  it('says what is wrong and what to write, for the flag and in Settings', async () => {
    for (const [value, why] of copied) {
      expect(() => resolveSettings({ env: {}, flags: { '--clamd': value } })).toThrow(
        `--clamd: ${JSON.stringify(value)} ${why}`,
      );
    }
    // the settings file is named too (the line said only "relaydesk: clamd: …")
    const result = await serveWithConfig({ clamd: 'unix:/run/clamav/clamd.ctl' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `relaydesk: settings file ${JSON.stringify(result.config)}: clamd: "unix:/run/clamav/clamd.ctl" ${copied[0]?.[1]}\n`,
    );
    const relay = await startTestRelaydesk();
    try {
      for (const [value, why] of copied) {
        const saved = await relay.fetch('/api/v1/settings', {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ clamd: value }),
        });
        expect(saved.status).toBe(400);
        const body = (await saved.json()) as { errors: Array<{ field: string; message: string }> };
        expect(body.errors).toEqual([
          expect.objectContaining({
            field: 'clamd',
            message: `clamd: ${JSON.stringify(value)} ${why}`,
          }),
        ]);
      }
    } finally {
      await relay.dispose();
    }
  });
});

describe('the attachment policy as JSON text', () => {
  // what the Settings screen's box sends while its JSON does not parse, and what --attachments gets
  it('says where the JSON is broken, not that the policy "is not an object"', async () => {
    const relay = await startTestRelaydesk();
    try {
      const saved = await relay.fetch('/api/v1/settings', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ attachments: '{"types": ["executable"], "action": "reject",}' }),
      });
      expect(saved.status).toBe(400);
      const { errors } = (await saved.json()) as { errors: Array<{ message: string }> };
      expect(errors[0]?.message).toBe(
        'attachments: not valid JSON at line 1, column 45: found "," before "}"; remove the trailing comma; give {"types": ["executable"], "maxSize": "10m", "encrypted": true, "action": "reject"}, or "off"',
      );
    } finally {
      await relay.dispose();
    }
  });
});

describe('variables in the environment', () => {
  // one relay started with all of them: its start-up lines say what each one is
  let relay: ServeProcess;
  let said = '';
  let maxMessages = 0;
  // read before the file's afterEach ends the relay
  beforeAll(async () => {
    relay = await startServe({
      env: {
        RELAYDESK_CLAMD_UNAVALABLE: 'accept',
        RELAYDESK_BACKUP_HOST: 'nas.local',
        RELAYDESK_REQUIRE_TOOLS: '1',
        MP_MAX_MESSAGES: '50',
        MP_UI_BIND_ADDR: '0.0.0.0:8025',
        MP_SMTP_RELAY_HOST: 'smtp.example.com',
        MP_DISABLE_VERSION_CHECK: 'true',
      },
    });
    said = relay.stdout + relay.stderr;
    ({ maxMessages } = (
      await relay.api<{ values: { maxMessages: number } }>('/api/v1/settings')
    ).values);
  });
  afterAll(async () => {
    relay?.kill('SIGTERM');
    await relay?.exited;
  });

  it('warns at start of a RELAYDESK_ one a slip away from a setting, which is otherwise ignored', () => {
    expect(said).toContain(
      'environment: RELAYDESK_CLAMD_UNAVALABLE is no setting and is ignored; did you mean RELAYDESK_CLAMD_UNAVAILABLE? (`relaydesk serve --help` lists the settings; each flag --x-y is RELAYDESK_X_Y)',
    );
    // a variable like no setting may be another script's: nothing said
    expect(said).not.toContain('RELAYDESK_BACKUP_HOST');
    // the test suite's own (.ci/run), one slip from RELAYDESK_REQUIRE_TLS: known, not a typo
    expect(said).not.toContain('RELAYDESK_REQUIRE_TOOLS');
  });

  it("names Mailpit's variables (a compose file written for Mailpit), each with what to set here", () => {
    const lines = said
      .split('\n')
      .filter((line) => line.includes('environment: MP_'))
      .map((line) => line.replace(/^\S+ /, ''));
    expect(lines).toEqual([
      "environment: MP_DISABLE_VERSION_CHECK is Mailpit's and is ignored; Mailpit's --disable-version-check has nothing to set here: Relaydesk never asks the network for a newer version (each flag --x-y is RELAYDESK_X_Y)",
      "environment: MP_MAX_MESSAGES is Mailpit's and is ignored; Relaydesk's is RELAYDESK_MAX_MESSAGES (--max-messages)",
      "environment: MP_SMTP_RELAY_HOST is Mailpit's and is ignored; Relaydesk's is RELAYDESK_RELAY_HOST (--relay-host)",
      "environment: MP_UI_BIND_ADDR is Mailpit's and is ignored; Mailpit's --listen is --http HOST:PORT (UI and API) here (each flag --x-y is RELAYDESK_X_Y)",
    ]);
    // ignored indeed: the default cap, not Mailpit's 50
    expect(maxMessages).toBe(5000);
  });
});
