// The package `npm run dist` builds, packed by electron-builder's own API with a stand-in
// Electron folder (the real runtime cannot be downloaded here): app.asar holds the built app,
// its package.json and the production dependencies, and nothing else.
import { listPackage } from '@electron/asar';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, Platform } from 'electron-builder';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

const root = join(import.meta.dirname, '../..');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let work: string;
let packed: string[];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'relaydesk-pack-'));
  const electronDist = join(work, 'electron');
  await mkdir(electronDist);
  await writeFile(join(electronDist, 'electron'), '#!/bin/sh\n');
  await chmod(join(electronDist, 'electron'), 0o755);
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    publish: 'never',
    // the rebuild of native modules for Electron needs its headers from outside the registry;
    // the release config does it (npmRebuild: true, checked below)
    config: { electronDist, npmRebuild: false, directories: { output: join(work, 'dist') } },
  });
  packed = listPackage(join(work, 'dist', 'linux-unpacked', 'resources', 'app.asar'), {
    isPack: false,
  }).map((file) => file.replace(/\\/g, '/').replace(/^\//, ''));
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

it('packs the built main process, preload, renderer and package.json', () => {
  for (const file of [
    'out/main/index.js',
    'out/main/desktop/desktop-app.js',
    'out/main/core/parse/parse-worker.js',
    'out/main/core/index/index-write-worker.js',
    'out/main/core/index/index-writes.js',
    'out/main/core/checks/html-check/html-check-worker.js',
    'out/main/core/checks/html-check/index.js',
    'out/preload/index.cjs',
    'out/renderer/index.html',
    'package.json',
  ]) {
    expect(packed, file).toContain(file);
  }
  expect(pkg.main).toBe('out/main/index.js');
  const topLevel = new Set(packed.map((file) => file.split('/')[0]));
  expect([...topLevel].sort()).toEqual(['node_modules', 'out', 'package.json']);
});

it('packs the production dependencies and no development ones', () => {
  const modules = new Set(
    packed
      .filter((f) => f.startsWith('node_modules/'))
      .map((f) =>
        f
          .split('/')
          .slice(1, f.startsWith('node_modules/@') ? 3 : 2)
          .join('/'),
      ),
  );
  for (const name of Object.keys(pkg.dependencies)) expect(modules, name).toContain(name);
  for (const name of ['electron', 'electron-builder', 'vitest', 'typescript', 'vite', 'react'])
    expect(modules, name).not.toContain(name);
});

it('rebuilds the native index module for Electron and keeps it outside app.asar', async () => {
  const config = await readFile(join(root, 'electron-builder.yml'), 'utf8');
  expect(config).toMatch(/^npmRebuild: true$/m);
  const unpacked = join(work, 'dist', 'linux-unpacked', 'resources', 'app.asar.unpacked');
  const binary = join(unpacked, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
  expect((await readFile(binary)).subarray(1, 4).toString()).toBe('ELF');
});

it('keeps sharp and its libvips outside app.asar, where they can be loaded (thumbnails)', async () => {
  const unpacked = join(work, 'dist', 'linux-unpacked', 'resources', 'app.asar.unpacked');
  const platform = `linux-${process.arch}`;
  const bindingDir = join(unpacked, `node_modules/@img/sharp-${platform}/lib`);
  const binding = (await readdir(bindingDir)).find((name) => name.endsWith('.node')) ?? '';
  expect((await readFile(join(bindingDir, binding))).subarray(1, 4).toString()).toBe('ELF');
  const libs = await readdir(join(unpacked, `node_modules/@img/sharp-libvips-${platform}/lib`));
  expect(libs.filter((name) => name.startsWith('libvips-cpp.so'))).not.toEqual([]);
});

it('leaves sources, tests and source maps out', () => {
  expect(packed.filter((f) => f.endsWith('.map'))).toEqual([]);
  expect(packed.filter((f) => /^(main|test|renderer|preload|scripts)\//.test(f))).toEqual([]);
  expect(packed.filter((f) => f.startsWith('out/') && f.endsWith('.ts'))).toEqual([]);
});

it('keeps electron out of the runtime dependencies (electron-builder refuses it there)', () => {
  expect(pkg.dependencies['electron']).toBeUndefined();
  expect(pkg.devDependencies['electron']).toBeDefined();
});

it('has the icon, the network entitlements for macOS and each OS target', async () => {
  const icon = await readFile(join(root, 'build', 'icon.png'));
  expect(icon.subarray(1, 4).toString()).toBe('PNG');
  expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([512, 512]);
  const entitlements = await readFile(join(root, 'build', 'entitlements.mac.plist'), 'utf8');
  expect(entitlements).toMatch(/com\.apple\.security\.network\.server<\/key>\s*<true\/>/);
  expect(entitlements).toMatch(/com\.apple\.security\.network\.client<\/key>\s*<true\/>/);
  const config = await readFile(join(root, 'electron-builder.yml'), 'utf8');
  expect(config).toMatch(/^ {2}target: \[AppImage, deb\]$/m);
  expect(config).toMatch(/^ {2}target: \[dmg\]$/m);
  expect(config).toMatch(/^ {2}target: \[nsis\]$/m);
});

it('npm run dist stops with one clear line where the Electron runtime cannot be had', () => {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'dist.js')], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, RELAYDESK_ELECTRON_DIST: join(work, 'no-electron-here') },
  });
  expect(result.status).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n')).toEqual([
    expect.stringMatching(/^npm run dist: the Electron runtime is not available here/),
  ]);
});
