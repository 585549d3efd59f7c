// The `relaydesk` command runs a bundle of the CLI (scripts/bundle-cli.js) when it is as new as
// tsc's output, and tsc's output otherwise: a bundle that broke a path (the parse worker, the
// index's writer, the GUI's files, caniemail's data, the OpenAPI document) or a stale bundle run
// after a tsc-only build would both reach users.
import { copyFile, mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import {
  cleanupCliProcesses,
  cliEnv,
  makeTempDir,
  relaydeskBin,
  repoRoot,
  startServe,
  TrackedProcess,
} from '../helpers/cli-process.js';
import { waitFor } from '../helpers/eventually.js';

afterEach(cleanupCliProcesses);

interface MailpitList {
  messages: Array<{ ID: string; Subject: string; Snippet: string }>;
}

describe('the bundled CLI', () => {
  it('runs serve with every file it finds beside its modules: worker, index, GUI, data, OpenAPI', async () => {
    const dir = await makeTempDir();
    // the bundle itself, not whichever bin/relaydesk.js would pick
    const runner = join(dir, 'run-bundle.mjs');
    await writeFile(
      runner,
      [
        `await import(${JSON.stringify(join(repoRoot, 'out/main/core/load/heap-flags.js'))});`,
        `const { main } = await import(${JSON.stringify(join(repoRoot, 'out/main/bundle/cli.js'))});`,
        `await main(['serve', ...process.argv.slice(2)]);`,
      ].join('\n'),
    );
    const serve = await startServe({ script: runner });
    const transport = nodemailer.createTransport({
      host: serve.smtp.host,
      port: serve.smtp.port,
      secure: false,
      ignoreTLS: true,
    });
    await transport.sendMail({
      from: 'ada@example.com',
      to: 'bob@example.net',
      subject: 'From the bundle',
      html: '<p>Quarterly <b>figures</b> attached</p>',
    });
    transport.close();
    // the snippet comes from the parse worker, the search from the index's writer
    const listed = await waitFor('the message found by a word of its HTML', async () => {
      const list = await serve.api<MailpitList>('/api/v1/search?query=quarterly');
      return list.messages[0];
    });
    expect(listed.Subject).toBe('From the bundle');
    expect(listed.Snippet).toBe('Quarterly figures attached');
    // caniemail's data, read through createRequire beside the HTML check's module
    const check = await serve.api<{ Total: { Nodes: number } }>(
      `/api/v1/message/${listed.ID}/html-check`,
    );
    expect(check.Total.Nodes).toBeGreaterThan(0);
    const page = await serve.fetch('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const openapi = await serve.api<{ info: { title: string } }>('/api/v1/openapi.json');
    expect(openapi.info.title).toMatch(/Relaydesk/);
  });
});

describe('bin/relaydesk.js', () => {
  /** A copy of bin/relaydesk.js over stand-in builds that say which one ran. */
  async function standInTree(): Promise<{
    bin: string;
    touch: (file: string, at: number) => Promise<void>;
  }> {
    const root = await makeTempDir();
    await mkdir(join(root, 'bin'));
    await mkdir(join(root, 'out/main/bundle'), { recursive: true });
    await mkdir(join(root, 'out/main/core/load'), { recursive: true });
    const bin = join(root, 'bin/relaydesk.js');
    await copyFile(relaydeskBin, bin);
    await writeFile(join(root, 'package.json'), '{"type": "module"}');
    await writeFile(join(root, 'out/main/core/load/heap-flags.js'), '');
    const says = (what: string): string =>
      `export async function main() { process.stdout.write(${JSON.stringify(what)}); }\n`;
    await writeFile(join(root, 'out/main/cli.js'), says('tsc output'));
    await writeFile(join(root, 'out/main/bundle/cli.js'), says('bundle'));
    await writeFile(join(root, 'out/.tsbuildinfo-node'), '{}');
    const touch = async (file: string, at: number): Promise<void> => {
      const when = new Date(at);
      await utimes(join(root, file), when, when);
    };
    return { bin, touch };
  }

  async function whichRuns(bin: string, env: Record<string, string> = {}): Promise<string> {
    const proc = new TrackedProcess(process.execPath, [bin, 'serve'], { env: cliEnv(env) });
    const exit = await proc.exited;
    expect(exit.code, proc.stderr).toBe(0);
    return proc.stdout;
  }

  it('holds no character beyond Latin-1, and still says what its sources say', async () => {
    // V8 keeps a loaded script's source as long as its functions may still be compiled, two bytes
    // per character if one of them is beyond Latin-1: one dash in a comment doubled the 3.2 MB
    // chunk's share of the heap (scripts/bundle-cli.js: charset 'ascii', no JSDoc comments)
    const dir = join(repoRoot, 'out/main/bundle');
    for (const name of (await readdir(dir)).filter((file) => file.endsWith('.js'))) {
      const text = await readFile(join(dir, name), 'utf8');
      const wide = [...text].find((character) => character.codePointAt(0)! > 0xff);
      expect(wide, `${name} holds ${JSON.stringify(wide)}`).toBeUndefined();
    }
    // the escaped text prints as written (the usage's ellipses, an arrow in a message)
    const proc = new TrackedProcess(process.execPath, [relaydeskBin, '--help'], {
      env: cliEnv({}),
    });
    const exit = await proc.exited;
    expect(exit.code, proc.stderr).toBe(0);
    expect(proc.stdout).toContain('[rcpt…]');
  });

  it('runs the bundle when it is as new as tsc’s build, and tsc’s output when it is older', async () => {
    const { bin, touch } = await standInTree();
    const now = Date.now();
    await touch('out/.tsbuildinfo-node', now - 60_000);
    await touch('out/main/bundle/cli.js', now - 30_000);
    expect(await whichRuns(bin)).toBe('bundle');
    expect(await whichRuns(bin, { RELAYDESK_NO_BUNDLE: '1' })).toBe('tsc output');
    // tsc built again (say `npx tsc -p tsconfig.node.json` alone): the bundle is stale
    await touch('out/.tsbuildinfo-node', now);
    expect(await whichRuns(bin)).toBe('tsc output');
  });
});
