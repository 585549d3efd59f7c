// Settings are layered defaults < --config file < RELAYDESK_* environment < flags, proven on the
// running server: the SMTP port and data folder (GET /api/v1/info), the host name in the SMTP
// greeting, the SIZE limit in the EHLO reply, and --max-messages by what retention keeps.
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  freePort,
  makeTempDir,
  RawSmtp,
  startServe,
  type ServeProcess,
} from '../helpers/cli-process.js';
import { waitFor } from '../helpers/eventually.js';

afterEach(cleanupCliProcesses);

interface Info {
  Database: string;
  Listeners: { smtp: string; http: string };
}

interface Observed {
  smtpPort: number;
  dataDir: string;
  greetingHost: string;
  sizeLimit: number;
  kept: number;
}

/** What the running server shows of its settings; sends 3 messages to see how many are kept. */
async function observe(server: ServeProcess, expectKept: number): Promise<Observed> {
  const info = await server.api<Info>('/api/v1/info');
  const smtp = await RawSmtp.connect(server.smtp.port);
  const greeting = await smtp.reply();
  const ehlo = await smtp.command('EHLO client.example.test');
  smtp.close();
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: server.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  for (let i = 1; i <= 3; i++) {
    await transport.sendMail({
      from: 'a@example.test',
      to: 'b@example.test',
      subject: `m${i}`,
      text: 'x',
    });
  }
  transport.close();
  // retention runs just after each 250: wait (a little) for the count to come down to `expectKept`
  let kept = Infinity;
  await waitFor(
    `at most ${expectKept} messages kept`,
    async () => {
      kept = (await server.api<MessagesPage>('/api/v1/messages')).total;
      return kept <= expectKept;
    },
    { timeout: 2000 },
  ).catch(() => undefined); // the caller's comparison of `kept` names the difference
  return {
    smtpPort: Number(info.Listeners.smtp.split(':').pop()),
    dataDir: info.Database,
    greetingHost: /^220 (\S+) /.exec(greeting)?.[1] ?? greeting,
    sizeLimit: Number(/^250[- ]SIZE (\d+)$/m.exec(ehlo)?.[1]),
    kept,
  };
}

describe('settings layering: defaults < --config file < RELAYDESK_* < flags', () => {
  it('each layer wins over the ones below it, key by key', async () => {
    const root = await makeTempDir();
    const fileData = join(root, 'file-data');
    const envData = join(root, 'env-data');
    const flagData = join(root, 'flag-data');
    const filePort = await freePort();
    const envPort = await freePort();
    const config = join(root, 'relaydesk.json');
    await writeFile(
      config,
      JSON.stringify({
        smtp: `127.0.0.1:${filePort}`,
        dataDir: fileData,
        hostname: 'file.relaydesk.test',
        maxMessages: 2,
      }),
    );
    const http = ['--http', '127.0.0.1:0'];

    // defaults, and the file over them (SIZE is still the default 25 MB)
    const fileOnly = await startServe({
      freePorts: false,
      dataDir: null,
      args: [...http, '--config', config],
    });
    expect(await observe(fileOnly, 2)).toEqual({
      smtpPort: filePort,
      dataDir: fileData,
      greetingHost: 'file.relaydesk.test',
      sizeLimit: 25 * 1024 * 1024,
      kept: 2,
    });
    await fileOnly.stop();

    // the environment over the file; maxMessages still comes from the file
    const env = {
      RELAYDESK_SMTP: `127.0.0.1:${envPort}`,
      RELAYDESK_DATA: envData,
      RELAYDESK_HOSTNAME: 'env.relaydesk.test',
      RELAYDESK_MAX_SIZE: '1m',
    };
    const withEnv = await startServe({
      freePorts: false,
      dataDir: null,
      env,
      args: [...http, '--config', config],
    });
    expect(await observe(withEnv, 2)).toEqual({
      smtpPort: envPort,
      dataDir: envData,
      greetingHost: 'env.relaydesk.test',
      sizeLimit: 1024 * 1024,
      kept: 2,
    });
    await withEnv.stop();

    // flags over both; SIZE still comes from the environment
    const withFlags = await startServe({
      freePorts: false,
      dataDir: null,
      env,
      args: [
        ...http,
        '--config',
        config,
        '--smtp',
        '127.0.0.1:0',
        '--data',
        flagData,
        '--hostname',
        'flag.relaydesk.test',
        '--max-messages',
        '1',
      ],
    });
    const observed = await observe(withFlags, 1);
    expect(observed).toEqual({
      smtpPort: withFlags.smtp.port,
      dataDir: flagData,
      greetingHost: 'flag.relaydesk.test',
      sizeLimit: 1024 * 1024,
      kept: 1,
    });
    expect([filePort, envPort]).not.toContain(observed.smtpPort);
    await withFlags.stop();
  });

  it('with no file, variables or flags the defaults hold (host name, size, retention)', async () => {
    const server = await startServe();
    const observed = await observe(server, 3);
    expect(observed.greetingHost).toBe(
      /^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(hostname()) ? hostname() : 'localhost',
    );
    expect(observed.sizeLimit).toBe(25 * 1024 * 1024);
    expect(observed.kept).toBe(3);
  });
});
