// `relaydesk --version` prints the version package.json gives, as `mailpit version` and most
// command-line tools do: the first line of a bug report.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanupCliProcesses, repoRoot, runCli } from '../helpers/cli-process.js';

afterEach(cleanupCliProcesses);

describe('relaydesk --version', () => {
  it('prints the version package.json gives, for each way of asking, and exits 0', async () => {
    const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
      version: string;
    };
    for (const ask of ['--version', 'version', '-V']) {
      const result = await runCli([ask]);
      expect({ ask, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
        ask,
        code: 0,
        stdout: `relaydesk ${pkg.version}\n`,
        stderr: '',
      });
    }
  });

  it('is listed in the usage', async () => {
    const result = await runCli(['--help']);
    expect(result.stdout).toMatch(/^ {2}version +print Relaydesk's version \(also --version\)$/m);
  });
});
