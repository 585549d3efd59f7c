// What an administrator's mistakes with `relaydesk suspend/unsuspend/suspensions` and `relaydesk
// lockout release` get back, from the real command against a running relay: one line naming the
// value and the fix, and a non-zero exit, never a silent "released 0" or a bare "not found".
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, makeTempDir, runCli } from '../helpers/cli-process.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let env: Record<string, string>;

beforeAll(async () => {
  relay = await startTestRelaydesk();
  env = { RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` };
});
afterAll(async () => relay?.dispose());

describe('sender command mistakes', () => {
  it('unsuspend of an unknown ID says where the IDs are', async () => {
    const run = await runCli(['unsuspend', 'deadbeef0000'], { env });
    expect(run.code).toBe(64);
    expect(run.stderr).toBe(
      'relaydesk unsuspend: suspension "deadbeef0000" not found; `relaydesk suspensions` lists the IDs\n',
    );
  });

  it('suspend without --reason names what is missing', async () => {
    const run = await runCli(['suspend', 'sender', '*@newsletter.example'], { env });
    expect(run.code).toBe(64);
    expect(run.stderr).toBe(
      'relaydesk suspend: --reason is missing (the client is told why); give KIND VALUE --reason TEXT, e.g. relaydesk suspend ip 192.0.2.7 --reason "sending spam"\n',
    );
  });

  // a script's empty variable (`relaydesk suspend user "$USER_NAME"`) was told "KIND and VALUE
  // are missing" though the kind was there
  it.each([
    [
      'user',
      '',
      'VALUE: "" is empty; give the SMTP user name, e.g. relaydesk suspend user printer --reason "sending spam"',
    ],
    [
      'sender',
      '',
      'VALUE: "" is empty; give the sender address or a glob, e.g. relaydesk suspend sender "*@newsletter.example" --reason "sending spam"',
    ],
    [
      'ip',
      ' ',
      `VALUE: " " is empty; give the client's IP address, e.g. relaydesk suspend ip 192.0.2.7 --reason "sending spam"`,
    ],
    [
      'cidr',
      undefined,
      'VALUE is missing after cidr; give a network, e.g. relaydesk suspend cidr 192.0.2.0/24 --reason "sending spam"',
    ],
  ])('suspend %s %j names the empty VALUE and what goes in it', async (kind, value, message) => {
    const args = ['suspend', kind, ...(value === undefined ? [] : [value]), '--reason', 'spam'];
    const run = await runCli(args, { env });
    expect(run.code).toBe(64);
    expect(run.stderr).toBe(`relaydesk suspend: ${message}\n`);
  });

  // the API's answer named the kinds but guessed none, and only after a round trip: the CLI
  // checks KIND itself, so these are answered with no relay to ask (nothing listens on --http)
  it.each([
    [
      ['usr', 'bob'],
      'KIND: "usr" is not valid; did you mean user? KIND is one of ip, cidr, user, sender, e.g. relaydesk suspend user bob --reason "sending spam"',
    ],
    [
      ['sendr', '*@x.example'],
      'KIND: "sendr" is not valid; did you mean sender? KIND is one of ip, cidr, user, sender, e.g. relaydesk suspend sender "*@x.example" --reason "sending spam"',
    ],
    [
      ['192.0.2.7', 'spammer'],
      'KIND: "192.0.2.7" is not valid; KIND is one of ip, cidr, user, sender, e.g. relaydesk suspend ip 192.0.2.7 --reason "sending spam"',
    ],
  ])('suspend %j names the kinds and the nearest one', async (words, message) => {
    const run = await runCli(
      ['suspend', ...words, '--reason', 'spam', '--http', `127.0.0.1:${await freePort()}`],
      {},
    );
    expect(run.stderr).toBe(`relaydesk suspend: ${message}\n`);
    expect(run.code).toBe(64);
  });

  it('the API names an empty Value with what goes in it', async () => {
    const res = await fetch(`http://127.0.0.1:${relay.http.port}/api/v1/suspensions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Kind: 'user', Value: '', Reason: 'spam' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe(
      'Value: "" is empty; give the SMTP user name to suspend, e.g. "printer"',
    );
  });

  it('suspensions says so when there are none', async () => {
    const run = await runCli(['suspensions'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('no suspensions\n');
  });

  it('lockout release refuses an address that is not one, and says when nothing matched', async () => {
    const bad = await runCli(['lockout', 'release', '999.1.1.1'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'relaydesk lockout: ADDRESS: "999.1.1.1" is not an IP address; give the client address as `relaydesk lockout list` shows it, e.g. 192.0.2.7\n',
    );
    const none = await runCli(['lockout', 'release', '127.0.0.2', 'printer'], { env });
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(
      'relaydesk lockout: user "printer" is not locked out from 127.0.0.2 (its failures, if any, are forgotten); `relaydesk lockout list` shows the lockouts\n',
    );
    const all = await runCli(['lockout', 'release', '--all'], { env });
    expect(all.code).toBe(0);
    expect(all.stdout).toBe('released 0 lockouts\n');
  });
});

describe('sender commands against a relay with a UI password', () => {
  let guarded: TestRelaydesk;
  let http: string;
  let passwordFile: string;
  beforeAll(async () => {
    const dir = await makeTempDir();
    passwordFile = join(dir, 'ui-password');
    await writeFile(passwordFile, 'ui-password-1\n');
    guarded = await startTestRelaydesk({ uiPasswordFile: passwordFile });
    http = `127.0.0.1:${guarded.http.port}`;
  });
  afterAll(async () => guarded?.dispose());

  it('suspend and lockout take the password from --ui-password-file, and a 401 says what to give', async () => {
    for (const args of [['suspensions'], ['lockout', 'list']]) {
      const without = await runCli([...args, '--http', http], {});
      expect(without.code, without.stderr).not.toBe(0);
      expect(without.stderr).toContain(
        'the relay has a UI password: give it in RELAYDESK_UI_PASSWORD or --ui-password-file FILE',
      );
      const withFile = await runCli(
        [...args, '--http', http, '--ui-password-file', passwordFile],
        {},
      );
      expect(withFile.code, withFile.stderr).toBe(0);
      const wrong = await runCli([...args, '--http', http], {
        env: { RELAYDESK_UI_PASSWORD: 'not-it' },
      });
      expect(wrong.stderr).toContain("the UI password given is not the relay's");
    }
    const made = await runCli(
      [
        'suspend',
        'ip',
        '192.0.2.7',
        '--reason',
        'spam',
        `--http=${http}`,
        '--ui-password-file',
        passwordFile,
      ],
      {},
    );
    expect(made.code, made.stderr).toBe(0);
    const listed = await runCli(
      ['lockout', 'list', `--http=${http}`, `--ui-password-file=${passwordFile}`],
      {},
    );
    expect(listed.stdout).toBe('no lockouts\n');
  });
});
