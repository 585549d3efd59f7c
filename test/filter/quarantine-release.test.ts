// Releasing a quarantined message by hand (postsuper -H for what a milter quarantined,
// amavisd-release): a real clamd with the EICAR signature, Postfix's smtp-sink as the upstream,
// swaks as the client, the CLI as a process, and a real restart on the same data folder.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  MessageDecisions,
  MessageDelivery,
  MessagesPage,
  QuarantineRelease,
  QueueView,
} from '../../preload/api-contract.js';
import { clamdTool, eicar, startClamd, type TestClamd } from '../helpers/clamd.js';
import { runCli, tryConnect } from '../helpers/cli-process.js';
import { settled } from '../helpers/delivery.js';
import { eventually, waitFor } from '../helpers/eventually.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { closedPort } from '../helpers/upstream-server.js';

const execFileAsync = promisify(execFile);
const clamdPath = requireTool(clamdTool);
const smtpSink = requireTool(tools.smtpSink);
const swaks = requireTool(tools.swaks);

describe.skipIf(!clamdPath || !smtpSink || !swaks)('releasing a quarantined message', () => {
  let clamd: TestClamd;
  let relay: TestRelaydesk;
  let dataDir: string;
  let sinkPort: number;
  let dumps: string;
  let stopSink: () => void = () => undefined;
  let work: string;
  const log: string[] = [];

  const settings = () => ({
    clamd: clamd.address,
    mode: 'rules',
    relay: { host: '127.0.0.1', port: sinkPort, security: 'none' },
    attachments: { types: ['executable'], action: 'quarantine' },
    rules: [
      { match: { recipient: '*@office.example' }, action: { type: 'capture', mailbox: 'office' } },
      {
        match: { recipient: '*@partner.example' },
        action: { type: 'relay' },
        filter: { virusAction: 'quarantine' },
      },
    ],
  });

  async function start(): Promise<void> {
    relay = await startTestRelaydesk(settings(), dataDir);
    relay.service.on('log', (line) => log.push(line));
  }

  beforeAll(async () => {
    clamd = await startClamd(clamdPath as string, Buffer.from('not used here'));
    work = await mkdtemp(join(tmpdir(), 'relaydesk-release-'));
    dumps = join(work, 'sink');
    await import('node:fs/promises').then((fs) => fs.mkdir(dumps));
    // smtp-sink runs as nobody (it refuses root): its dump folder must be reachable and writable
    await chmod(work, 0o755);
    await chmod(dumps, 0o777);
    sinkPort = await closedPort();
    const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
    const sink = spawn(
      smtpSink as string,
      [...asUser, '-d', `${dumps}/%H%M%S.`, '-c', `127.0.0.1:${sinkPort}`, '10'],
      { stdio: 'ignore' },
    );
    stopSink = () => sink.kill('SIGKILL');
    await waitFor('smtp-sink to listen', async () => (await tryConnect(sinkPort)) === 'connected');
    dataDir = await makeDataDir();
    await start();
  }, 90_000);

  afterAll(async () => {
    await relay?.dispose();
    stopSink();
    await clamd?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function swaksSend(to: string, extra: string[]): Promise<string> {
    const { stdout } = await execFileAsync(swaks as string, [
      '--server',
      `127.0.0.1:${relay.smtp.port}`,
      '--from',
      'payroll@company.example',
      '--to',
      to,
      ...extra,
    ]);
    const id = /queued as (\S+)/.exec(stdout)?.[1];
    if (!id) throw new Error(`swaks got no queue ID:\n${stdout}`);
    return id;
  }

  const post = (path: string, body: unknown) =>
    relay.fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const sunk = async () => (await readdir(dumps)).length;
  const cliEnv = () => ({ RELAYDESK_HTTP: `127.0.0.1:${relay.http.port}` });

  let falsePositive: string;

  it('sends a legitimate .exe (an attachment rule hit) back to its mailbox and relays it once', async () => {
    const tool = join(work, 'payroll-tool.exe');
    await writeFile(tool, 'the payroll export tool the accountant asked for\n');
    falsePositive = await swaksSend('desk@office.example,accountant@partner.example', [
      '--header',
      'Subject: payroll tool',
      '--attach',
      `@${tool}`,
    ]);
    const quarantined = await relay.api<MessagesPage>('/api/v1/quarantine');
    expect(quarantined.messages.map((m) => [m.ID, m.Mailbox])).toEqual([
      [falsePositive, 'quarantine'],
    ]);

    // its delivery says each recipient is held in the quarantine, and why (as Postfix's hold
    // queue lists held mail), with nothing to do to it but the quarantine's release
    const held = await relay.api<MessageDelivery>(`/api/v1/message/${falsePositive}/delivery`);
    const why = 'held in the quarantine: attachment "payroll-tool.exe": .exe files are not allowed';
    expect(held.status).toBe('quarantined');
    expect(held.actions).toEqual([]);
    expect(held.recipients.map((r) => [r.address, r.state, r.rule, r.attempts.length])).toEqual([
      ['desk@office.example', 'quarantined', why, 0],
      ['accountant@partner.example', 'quarantined', why, 0],
    ]);

    // the queue's release (held mail) names the quarantine's instead of "captured"
    const queueRelease = await post('/api/v1/queue/release', { IDs: [falsePositive] });
    expect(queueRelease.status).toBe(409);
    expect((await queueRelease.json()).error).toMatch(
      new RegExp(
        `^message ${falsePositive} is quarantined \\(attachment "payroll-tool\\.exe": \\.exe files are not allowed\\), not queued; release it from the quarantine: relaydesk queue release ${falsePositive}, POST /api/v1/quarantine/${falsePositive}/release`,
      ),
    );

    const res = await post(`/api/v1/quarantine/${falsePositive}/release`, {});
    expect(res.status, await res.clone().text()).toBe(200);
    const released = (await res.json()) as QuarantineRelease;
    expect(released).toMatchObject({
      ID: falsePositive,
      Mailbox: 'office',
      Relayed: ['accountant@partner.example'],
      Refused: [],
    });

    const delivery = await settled(relay, falsePositive, (d) => d.status === 'delivered');
    expect(delivery.recipients.map((r) => [r.address, r.state, r.attempts.length])).toEqual([
      ['desk@office.example', 'captured', 0],
      ['accountant@partner.example', 'relayed', 1],
    ]);
    // the normal records follow the quarantine in each recipient's history
    expect(delivery.recipients.map((r) => r.history.map((h) => h.state))).toEqual([
      ['quarantined', 'captured'],
      ['quarantined', 'pending', 'sending', 'relayed'],
    ]);
    expect(delivery.recipients[1]?.history[0]).toEqual({
      state: 'quarantined',
      at: held.recipients[1]?.history[0]?.at,
      reason: why,
    });
    await eventually(sunk).toBe(1);

    // its verdict and history stay visible
    const decisions = await relay.api<MessageDecisions>(`/api/v1/message/${falsePositive}/filter`);
    expect(decisions.Mailbox).toBe('office');
    expect(decisions.Filter).toMatchObject({
      action: 'quarantined',
      released: released.Released,
      reasons: ['attachment "payroll-tool.exe": .exe files are not allowed'],
    });
    expect(decisions.Notes).toContain(
      `released from the quarantine by hand at ${released.Released}: queued for accountant@partner.example`,
    );
    const record = relay.service.record(falsePositive);
    expect(record.tags).toEqual(expect.arrayContaining(['quarantined', 'released']));
    // the quarantine lists what is still held; released=true adds what was released from it
    const ids = async (path: string) =>
      (await relay.api<MessagesPage>(path)).messages.map((m) => [
        m.ID,
        m.Tags.includes('released'),
      ]);
    expect(await ids('/api/v1/quarantine')).toEqual([]);
    expect(await ids('/api/v1/quarantine?released=true')).toEqual([[falsePositive, true]]);
    expect(await ids('/api/v1/quarantine?released=false')).toEqual([]);
    const wrong = await relay.fetch('/api/v1/quarantine?released=yes');
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error).toMatch(/^released: "yes" is not valid; give true or false/);
    expect(log.join('\n')).toMatch(
      new RegExp(
        `smtp-audit event=message result=released id=${falsePositive} .*mailbox=office nrcpt=1 .*reason="released from the quarantine by hand; it was quarantined for: attachment`,
      ),
    );
  });

  it('answers a second release, and a release of mail never quarantined, with a clear 409', async () => {
    const again = await post(`/api/v1/quarantine/${falsePositive}/release`, {});
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatch(
      new RegExp(
        `^message ${falsePositive} was already released from the quarantine at \\S+; it is not quarantined now`,
      ),
    );
    // the CLI says what the API says, not the queue's "already delivered; only held messages
    // can be released"
    const cli = await runCli(['queue', 'release', falsePositive], { env: cliEnv() });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      new RegExp(
        `^relaydesk: queue release ${falsePositive}: message ${falsePositive} was already released from the quarantine at \\S+; it is not quarantined now, and a release happens once; to send it again, use Resend in its Delivery tab or POST /api/v1/queue/resend with \\{"IDs": \\["${falsePositive}"\\]\\}\n$`,
      ),
    );
    const clean = await swaksSend('desk@office.example', ['--header', 'Subject: plain']);
    const notQuarantined = await post(`/api/v1/quarantine/${clean}/release`, {});
    expect(notQuarantined.status).toBe(409);
    expect((await notQuarantined.json()).error).toBe(
      `message ${clean} is not quarantined (it is in office); only a message the filter quarantined can be released from the quarantine (a held message is released with POST /api/v1/queue/release)`,
    );
    const unknown = await post('/api/v1/quarantine/nosuchid/release', {});
    expect(unknown.status).toBe(404);
    expect(await sunk()).toBe(1);
  });

  it('keeps the release across a restart and does not send it again', async () => {
    await relay.dispose();
    await start();
    const record = relay.service.record(falsePositive);
    expect(record.mailbox).toBe('office');
    expect(record.filter?.released).toMatch(/^\d{4}-/);
    expect(record.tags).toContain('released');
    const again = await post(`/api/v1/quarantine/${falsePositive}/release`, {});
    expect(again.status).toBe(409);
    await relay.service.queueIdle();
    expect(await sunk()).toBe(1);
  });

  it('releases a virus only when told so: the CLI refuses without --virus, naming it', async () => {
    const virus = await swaksSend('accountant@partner.example', [
      '--header',
      'Subject: invoice',
      '--body',
      `see below\n${eicar}\n`,
    ]);
    expect(relay.service.record(virus).mailbox).toBe('quarantine');

    // listed with held mail, as mailq lists what a milter put in the hold queue: flagged `!`,
    // each recipient quarantined with the filter's reason (where the state listed nothing)
    const why = 'held in the quarantine: virus found: Relaydesk.Test.EICAR.UNOFFICIAL';
    const held = await relay.api<QueueView>('/api/v1/queue?state=quarantined');
    expect(
      held.messages.map((m) => [
        m.ID,
        m.status,
        m.actions,
        m.recipients.map((r) => [r.address, r.state, r.why]),
      ]),
    ).toEqual([[virus, 'quarantined', [], [['accountant@partner.example', 'quarantined', why]]]]);
    const mailq = await runCli(['queue', '--state', 'quarantined'], { env: cliEnv() });
    expect(mailq.code, mailq.stderr).toBe(0);
    expect(mailq.stdout).toMatch(
      new RegExp(`^${virus}! +\\d+ .{19}  payroll@company\\.example$`, 'm'),
    );
    expect(mailq.stdout).toMatch(/^ +accountant@partner\.example {2}quarantined$/m);
    expect(mailq.stdout).toContain(`  (${why})\n`);
    const json = await runCli(['queue', '--state', 'quarantined', '--json'], { env: cliEnv() });
    expect(JSON.parse(json.stdout)).toMatchObject({
      queue_name: 'hold',
      queue_id: virus,
      status: 'quarantined',
      recipients: [
        { address: 'accountant@partner.example', state: 'quarantined', delay_reason: why },
      ],
    });
    // still not in the queue proper: nothing there to send
    expect((await relay.api<QueueView>('/api/v1/queue')).messages.map((m) => m.ID)).not.toContain(
      virus,
    );

    const plain = await runCli(['queue', 'release', virus], { env: cliEnv() });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe(
      `relaydesk: queue release ${virus}: message ${virus} is quarantined for a virus (Relaydesk.Test.EICAR.UNOFFICIAL): releasing it sends the virus to its recipients; to release it anyway, run relaydesk queue release --virus ${virus}\n`,
    );
    expect(relay.service.record(virus).mailbox).toBe('quarantine');

    const forced = await runCli(['queue', 'release', '--virus', virus], { env: cliEnv() });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toBe(
      `${virus}: released from the quarantine into outbox, queued for accountant@partner.example\n`,
    );
    await settled(relay, virus, (d) => d.status === 'delivered');
    await eventually(sunk).toBe(2);
    // released, the quarantine holds nothing
    expect((await relay.api<QueueView>('/api/v1/queue?state=quarantined')).messages).toEqual([]);
  });
});
