import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const mkdirMessage =
  'use makeFolder from main/core/spool/durable-file.ts (a recursive mkdir hangs under /proc)';
const mkdirSyntax = [
  {
    selector: "CallExpression[callee.name=/^mkdir(Sync)?$/] Property[key.name='recursive']",
    message: mkdirMessage,
  },
  {
    selector:
      "CallExpression[callee.property.name=/^mkdir(Sync)?$/] Property[key.name='recursive']",
    message: mkdirMessage,
  },
];

// Where ipcMain/ipcRenderer may be used. Elsewhere a file may hand Electron's ipcMain on to a
// registration function (desktop-app.ts does), but never import it, call it or reach through it.
const ipcFiles = ['preload/**', 'main/desktop/ipc-*.ts', 'main/desktop/*-bridge.ts'];
const ipcMessage =
  'ipcMain/ipcRenderer belong in the IPC files only (main/desktop/ipc-handlers.ts, main/desktop/*-bridge.ts, preload/): add a typed method there';
const ipcSyntax = [
  'ImportSpecifier[imported.name=/^ipc(Main|Renderer)$/]',
  'MemberExpression[object.name=/^ipc(Main|Renderer)$/]',
  'MemberExpression[object.property.name=/^ipc(Main|Renderer)$/]',
].map((selector) => ({ selector, message: ipcMessage }));

// core is plain Node: the headless mode and the tests load it without Electron
const plainNode = { paths: ['electron', 'electron-store'], patterns: ['**/desktop/**'] };
// The core speaks its own records; Mailpit's and MailHog's JSON shapes are the HTTP side's
// (main/server/mailpit/, main/server/mailhog/, webhook bodies in main/server/webhooks/), and the
// core never imports the adapters at all. A shapes module written back into core is caught too.
const shapesMessage =
  'the core speaks its own records: Mailpit/MailHog shapes belong to main/server/ (return or publish the record; the adapter translates)';
// ...nor the answers the HTTP side builds from them, although they live in the shared contract
const shapeAnswers = {
  group: ['**/preload/api-contract.js'],
  importNames: [
    'MessageSummary',
    'MessageDetail',
    'MessagesPage',
    'MessagePart',
    'RelaydeskInfo',
    'MessageDelivery',
    'RecipientDeliveryAnswer',
  ],
  message: shapesMessage,
};
const shapeModules = [
  '**/server/**',
  '**/mailpit/**',
  '**/mailhog/**',
  '**/*mailpit-*',
  '**/*mailhog-*',
  '**/webhook-payloads*',
];

// The one file in test/ that may sleep: its waitFor/eventually wait for a condition, and its
// letTimePass is for where real time passing is itself the behaviour under test.
const waitingHelper = 'test/helpers/eventually.ts';
const sleepMessage = `no fixed sleeps in tests: wait for the condition with waitFor or eventually from ${waitingHelper} (letTimePass there, with a comment saying why, only where real time passing is the behaviour under test)`;
const sleepSyntax = [
  // new Promise((resolve) => setTimeout(resolve, ms))
  "NewExpression[callee.name='Promise'] CallExpression[callee.name='setTimeout'][arguments.0.type='Identifier']",
  // new Promise((resolve) => setTimeout(() => resolve(…), ms))
  "NewExpression[callee.name='Promise'] CallExpression[callee.name='setTimeout'][arguments.0.body.type='CallExpression'][arguments.0.body.callee.name=/^(r|res|resolve|done|wake)$/]",
].map((selector) => ({ selector, message: sleepMessage }));

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'coverage/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{js,ts,tsx}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['main/server/**', 'main/cli.ts', 'main/cli/**'],
    rules: { 'no-restricted-imports': ['error', plainNode] },
  },
  {
    // one entry for the core: a later entry for the same rule would replace, not add to, this one
    files: ['main/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: plainNode.paths,
          patterns: [
            { group: plainNode.patterns },
            { group: shapeModules, message: shapesMessage },
            shapeAnswers,
          ],
        },
      ],
    },
  },
  {
    // Node 20's mkdir({recursive: true}) never returns under /proc: folders are made with the
    // spool's walk (makeFolder in main/core/spool/durable-file.ts), one helper everywhere
    files: ['main/**', 'scripts/**', 'bin/**'],
    rules: { 'no-restricted-syntax': ['error', ...mkdirSyntax, ...ipcSyntax] },
  },
  {
    files: ['renderer/**'],
    rules: { 'no-restricted-syntax': ['error', ...ipcSyntax] },
  },
  {
    // the IPC files: the only place main and renderer talk over Electron's IPC, each channel
    // typed by the contract and its arguments checked (STYLE.md, GitHub Desktop's ipc-main.ts)
    files: ipcFiles,
    rules: { 'no-restricted-syntax': ['error', ...mkdirSyntax] },
  },
  {
    // tests wait for a condition, never for a fixed time: too short on a loaded machine, too
    // long everywhere else (test/lint/lint-rules.test.ts proves the rule fires)
    files: ['test/**'],
    ignores: [waitingHelper],
    rules: {
      'no-restricted-syntax': ['error', ...sleepSyntax],
      'no-restricted-imports': [
        'error',
        {
          paths: ['timers/promises', 'node:timers/promises'].map((name) => ({
            name,
            message: sleepMessage,
          })),
        },
      ],
      'no-restricted-properties': ['error', { property: 'waitForTimeout', message: sleepMessage }],
    },
  },
  {
    // adapters call RelayService's methods, never its parts (DESIGN.md "One service")
    files: ['main/server/**', 'main/desktop/**', 'main/cli/**', 'main/*.ts'],
    ignores: ['main/core/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        // the service's parts are private; `emit` would let an adapter forge the service's events
        ...['parts', 'queue', 'relayLog', 'users', 'pop3', 'listener', 'emit'].map((property) => ({
          object: 'service',
          property,
          message: 'adapters call RelayService methods only: add a facade method instead',
        })),
      ],
    },
  },
  {
    // the renderer sees only the API contract, never Node or the main process
    files: ['renderer/src/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['**/main/**', 'node:*', 'electron'],
          paths: ['fs', 'path', 'os', 'net', 'child_process', 'electron'],
        },
      ],
    },
  },
  {
    files: ['preload/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/main/**', '**/renderer/**'] }],
    },
  },
);
