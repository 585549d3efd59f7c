// The project's own lint rules fire where they should and stay quiet where the code is allowed:
// the repository's eslint.config.js run through ESLint's API on small sources, as if they stood
// at the given paths.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/** The messages of the rules these tests are about, for `source` standing at `path`. */
async function complaints(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(root, path) });
  return (result?.messages ?? [])
    .filter((m) => /^no-restricted-(syntax|imports|properties)$/.test(m.ruleId ?? ''))
    .map((m) => m.message);
}

describe('no fixed sleeps in tests', () => {
  const sleeps = {
    'a promise resolved by a timer':
      'export async function f() { await new Promise((resolve) => setTimeout(resolve, 100)); }',
    'a timer calling resolve':
      'export async function f() { await new Promise((r) => setTimeout(() => r(undefined), 100)); }',
    'timers/promises':
      "import { setTimeout as sleep } from 'node:timers/promises'; export const f = () => sleep(100);",
    "Playwright's waitForTimeout":
      'export const f = (page: { waitForTimeout(ms: number): Promise<void> }) => page.waitForTimeout(100);',
  };

  it.each(Object.entries(sleeps))('refuses %s in test/, naming the helper', async (_, source) => {
    const messages = await complaints('test/queue/example.test.ts', source);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('waitFor or eventually from test/helpers/eventually.ts');
  });

  it('allows the helper itself, timeouts that reject, and sleeps outside test/', async () => {
    const sleep = sleeps['a promise resolved by a timer'];
    expect(await complaints('test/helpers/eventually.ts', sleep)).toEqual([]);
    expect(await complaints('main/core/queue/example.ts', sleep)).toEqual([]);
    const timeout =
      "export const t = () => new Promise((_, reject) => setTimeout(() => reject(new Error('no reply')), 100));";
    expect(await complaints('test/helpers/example.ts', timeout)).toEqual([]);
  });
});

describe('ipcMain and ipcRenderer stay in the IPC files', () => {
  const handler = "import { ipcMain } from 'electron';\nipcMain.handle('relaydesk:x', () => 1);\n";
  const reaching =
    "import electron from 'electron';\nelectron.ipcMain.on('relaydesk:x', () => 1);\n";

  it.each([
    ['main/desktop/tray-menu.ts', handler],
    ['main/desktop/tray-menu.ts', reaching],
    ['main/index.ts', reaching],
    ['scripts/example.js', reaching],
  ])('refuses them in %s', async (path, source) => {
    const messages = await complaints(path, source);
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.startsWith('ipcMain/ipcRenderer belong in the IPC files'))).toBe(
      true,
    );
  });

  it('refuses ipcRenderer in the renderer', async () => {
    const messages = await complaints(
      'renderer/src/example.ts',
      "declare const ipcRenderer: { send(c: string): void };\nipcRenderer.send('relaydesk:x');\n",
    );
    expect(messages).toEqual([expect.stringMatching(/^ipcMain\/ipcRenderer belong in the IPC/)]);
  });

  it('allows them in the IPC handlers, the bridges and the preload', async () => {
    expect(await complaints('main/desktop/ipc-handlers.ts', handler)).toEqual([]);
    expect(await complaints('main/desktop/desktop-bridge.ts', handler)).toEqual([]);
    expect(
      await complaints(
        'preload/index.ts',
        "import { ipcRenderer } from 'electron';\nexport const f = () => ipcRenderer.invoke('relaydesk:x');\n",
      ),
    ).toEqual([]);
  });

  it('allows handing Electron’s ipcMain to a registration function, as desktop-app.ts does', async () => {
    const wiring =
      'declare function register(ipc: unknown): void;\nexport function wire(electron: { ipcMain: unknown }) {\n  const { ipcMain } = electron;\n  register(ipcMain);\n}\n';
    expect(await complaints('main/desktop/desktop-app.ts', wiring)).toEqual([]);
  });
});

describe('the core never imports the Mailpit and MailHog shapes', () => {
  const shapesMessage = /^'.*' import is restricted.*the core speaks its own records/s;

  it.each([
    ['main/core/service/message-arrival.ts', '../../server/mailpit/mailpit-shapes.js'],
    ['main/core/service/message-methods.ts', '../../server/mailhog/mailhog-message.js'],
    ['main/core/relay-service.ts', '../server/webhooks/webhook-payloads.js'],
    ['main/core/service/queue-methods.ts', '../../server/http-server.js'],
    // a shapes module written back into the core is refused as well
    ['main/core/service/message-methods.ts', '../message/mailpit-shapes.js'],
    ['main/core/index/message-index.ts', '../mailhog/mailhog-search.js'],
  ])('refuses %s importing %s, and says where shapes belong', async (path, from) => {
    const messages = await complaints(
      path,
      `import { shape } from '${from}';\nexport { shape };\n`,
    );
    expect(messages).toEqual([expect.stringMatching(shapesMessage)]);
  });

  it.each([
    ['main/core/service/runtime-methods.ts', 'RelaydeskInfo', '../../../preload/api-contract.js'],
    ['main/core/service/message-methods.ts', 'MessageDelivery', '../../../preload/api-contract.js'],
    ['main/core/index/message-index.ts', 'MessageSummary', '../../../preload/api-contract.js'],
  ])(
    'refuses %s importing the API answer %s, which the server builds',
    async (path, name, from) => {
      const messages = await complaints(
        path,
        `import type { ${name} } from '${from}';\nexport type { ${name} };\n`,
      );
      expect(messages).toEqual([expect.stringMatching(/the core speaks its own records/)]);
    },
  );

  it('still keeps Electron out of the core', async () => {
    const messages = await complaints(
      'main/core/relay-service.ts',
      "import { app } from 'electron';\nexport { app };\n",
    );
    expect(messages).toEqual([expect.stringMatching(/'electron' import is restricted/)]);
  });

  it('allows the core its own modules and smtp-server, and the adapters the shapes', async () => {
    const core =
      "import { SMTPServer } from 'smtp-server';\nimport { note } from '../logs/log-record.js';\nexport { SMTPServer, note };\n";
    expect(await complaints('main/core/service/message-arrival.ts', core)).toEqual([]);
    const contract =
      "import type { RecipientState } from '../../../preload/api-contract.js';\nexport type { RecipientState };\n";
    expect(await complaints('main/core/service/message-methods.ts', contract)).toEqual([]);
    const adapter =
      "import { toMessageSummary } from '../server/mailpit/mailpit-shapes.js';\nexport { toMessageSummary };\n";
    expect(await complaints('main/desktop/ipc-handlers.ts', adapter)).toEqual([]);
    expect(
      await complaints(
        'main/server/routes/relaydesk-routes.ts',
        "import { toMessageSummary } from '../mailpit/mailpit-shapes.js';\nexport { toMessageSummary };\n",
      ),
    ).toEqual([]);
  });
});
