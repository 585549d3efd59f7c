import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
    // core is plain Node: the headless mode and the tests load it without Electron
    files: ['main/core/**', 'main/server/**', 'main/cli.ts', 'main/cli/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ['electron', 'electron-store'], patterns: ['**/desktop/**'] },
      ],
    },
  },
  {
    // Node 20's mkdir({recursive: true}) never returns under /proc: folders are made with the
    // spool's walk (makeFolder in main/core/spool/durable-file.ts), one helper everywhere
    files: ['main/**', 'scripts/**', 'bin/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name=/^mkdir(Sync)?$/] Property[key.name='recursive']",
          message:
            'use makeFolder from main/core/spool/durable-file.ts (a recursive mkdir hangs under /proc)',
        },
        {
          selector:
            "CallExpression[callee.property.name=/^mkdir(Sync)?$/] Property[key.name='recursive']",
          message:
            'use makeFolder from main/core/spool/durable-file.ts (a recursive mkdir hangs under /proc)',
        },
      ],
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
