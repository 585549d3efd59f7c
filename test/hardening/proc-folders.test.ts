// The policy's own folders (the SMTP users file, the self-signed certificate) are made with the
// spool's folder walk, so a data folder under /proc fails with a clear error instead of hanging
// for ever in Node 20's recursive mkdir. (ESLint refuses a recursive mkdir anywhere in main/.)
import { afterEach, describe, expect, it } from 'vitest';
import { loadTlsMaterial } from '../../main/core/policy/tls-material.js';
import { UserStore } from '../../main/core/policy/user-store.js';
import { cleanupCliProcesses, runCli } from '../helpers/cli-process.js';

afterEach(cleanupCliProcesses);

const underProc = '/proc/relaydesk-hardening-test/data';

describe('folders under /proc', () => {
  it('the users file: an error, not a hang', async () => {
    const store = new UserStore(underProc);
    await expect(store.set('app', 'app-password-1', 'add')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    const cli = await runCli(['user', 'add', 'app', '--data', underProc], {
      input: 'app-password-1\n',
      timeoutMs: 10_000,
    });
    expect(cli.signal).toBeNull();
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      /^relaydesk user: ENOENT: .*mkdir '\/proc\/relaydesk-hardening-test'/,
    );
  });

  it('the self-signed certificate: an error, not a hang', async () => {
    await expect(
      loadTlsMaterial({ tlsCert: null, tlsKey: null, dataDir: underProc, hostname: 'relay.test' }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
