// The MIME parser (mailparser, a few hundred ms of CPU to load) is loaded while the relay starts,
// in the parse worker, so the first message's 250 does not wait for it.
import { rm } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import { afterEach, expect, it } from 'vitest';
import { startRelaydesk, type RunningRelaydesk } from '../../main/headless.js';
import type { MessagesPage } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { makeDataDir } from '../helpers/relaydesk.js';

let running: RunningRelaydesk | null = null;
let dataDir = '';
afterEach(async () => {
  await running?.close();
  running = null;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('loads the MIME parser while it starts, before any message comes, and says so in its log', async () => {
  dataDir = await makeDataDir();
  const lines: string[] = [];
  running = await startRelaydesk({
    smtp: '127.0.0.1:0',
    http: '127.0.0.1:0',
    dataDir,
    log: (line) => lines.push(line),
  });
  await eventually(() => lines.join('\n'), 20_000).toMatch(/parser: mailparser loaded in \d+ ms/);
  expect(lines.join('\n')).not.toMatch(/ from=</);

  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: running.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  await transport.sendMail({
    from: 'a@x.example',
    to: 'b@y.example',
    subject: 'the first one',
    text: 'hello',
  });
  transport.close();
  const page = (await (
    await fetch(`http://127.0.0.1:${running.http.port}/api/v1/messages`)
  ).json()) as MessagesPage;
  expect(page.messages.map((m) => m.Subject)).toEqual(['the first one']);
});
