// The Logs view open across a restart of Relaydesk (an update, a crash and a start): when the
// page reconnects it reads the history again, and the new process numbers the lines it reads
// back from the files anew. The view took those for lines it lacked and showed every line from
// before the restart twice.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelaydesk, type RunningRelaydesk } from '../../main/headless.js';
import { unusedPort } from '../helpers/ports.js';
import { makeDataDir } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually, launchChromium, type ChromiumSession } from './browser.js';
import { ensureRendererBuilt } from './renderer-build.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the Logs view across a restart', () => {
  let session: ChromiumSession;
  let page: Page;
  let running: RunningRelaydesk | null = null;
  let dataDir: string;
  let http: string;

  const start = async (): Promise<RunningRelaydesk> =>
    (running = await startRelaydesk({ smtp: '127.0.0.1:0', http, dataDir }));

  beforeAll(async () => {
    await ensureRendererBuilt();
    dataDir = await makeDataDir();
    // the same address after the restart, as a user's fixed port is
    http = `127.0.0.1:${await unusedPort()}`;
    session = await launchChromium(chromiumPath as string);
    page = await session.newPage({ viewport: { width: 1280, height: 800 } });
  }, 60_000);
  afterAll(async () => {
    await session?.close();
    await running?.close();
  });

  it('shows each line once after the page reconnects to the new process', async () => {
    const first = await start();
    await page.goto(`${first.url}#logs`);
    await page.locator('[data-testid="stream-state"][data-state="open"]').waitFor();
    const exposure = page.locator('.log-line', { hasText: `exposure: UI and API on ${http}` });
    await eventually(() => exposure.count()).toBe(1);
    // audit lines after the service's: the new process reads the files back one kind after
    // another, so its numbers for them differ from the first process's
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: first.smtp.port });
    await transport.sendMail({ from: 'app@example.test', to: 'dev@example.test', text: 'x' });
    transport.close();
    const audit = page.locator('.log-line.audit');
    await eventually(async () => (await audit.count()) > 0).toBe(true);

    await first.close();
    running = null;
    await page.locator('[data-testid="stream-state"][data-state="reconnecting"]').waitFor();
    await start();
    await page.locator('[data-testid="stream-state"][data-state="open"]').waitFor({
      timeout: 20_000,
    });
    // the new process logs its SMTP line before its UI listens, so the view has it only from
    // the history read again: once it is there, that read is in
    const smtpLines = page.locator('.log-line', { hasText: 'exposure: SMTP on 127.0.0.1:' });
    await eventually(async () => (await smtpLines.count()) >= 2, 20_000).toBe(true);
    // each process's lines once; the first's were there twice
    expect(await smtpLines.count()).toBe(2);
    // the new process's UI line may come after the history, live (it is logged once its UI
    // listens): wait for the lines of two processes, then count them
    await eventually(
      async () =>
        new Set(
          await exposure
            .locator('time')
            .evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime'))),
        ).size,
      20_000,
    ).toBe(2);
    expect(await exposure.count()).toBe(2);
    // as many as the file holds (the new process has had no client)
    const auditFile = await readFile(join(dataDir, 'audit.log'), 'utf8');
    expect(await audit.count()).toBe(auditFile.trimEnd().split('\n').length);
  });
});
