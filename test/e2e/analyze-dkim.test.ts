// Analyze headers, as a support engineer uses it on a signed message: a whole .eml dropped on the
// window is sent whole (the field shows its header block) and its DKIM signature is verified,
// with a badge as the Route tab's own check shows one; a file picked whose body was changed after
// signing reads as a failure with the words why; a header block pasted alone lists the signer and
// what it signs, and says the body hash cannot be checked. Before, a paste with no Received field
// showed only "no route to show". Real Chromium, a real relay, DNS from a server on 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateDkimKey, publicKeyValue } from '../../main/core/signing/dkim-key.js';
import { dkimRecord } from '../../main/core/signing/dkim-record.js';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.js';
import { findTool, requireTool, tools } from '../helpers/system-tools.js';
import { madeTempFolder } from '../helpers/temp-folders.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);
const dkimsign = findTool({ command: 'dkimsign', install: 'apt-get install -y python3-dkim' });

const message = [
  'From: Py <app@py.example>',
  'To: support@example.net',
  'Subject: Your code',
  'Date: Thu, 03 Dec 2026 09:00:00 +0000',
  'Message-ID: <code@py.example>',
  '',
  'Your code is 123456.',
  '',
].join('\r\n');

/** Drops a file made in the page from `text` on the window, as a mail program's drag does. */
async function dropFile(page: Page, name: string, text: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    ([fileName, content]) => {
      const data = new DataTransfer();
      data.items.add(new File([content], fileName, { type: 'message/rfc822' }));
      return data;
    },
    [name, text] as const,
  );
  await page.dispatchEvent('[data-testid=app]', 'drop', { dataTransfer: transfer });
}

describe.skipIf(!chromiumPath || !dkimsign)('Analyze headers verifies DKIM', () => {
  let dns: TestDnsServer;
  let gui: Gui;
  let page: Page;
  let dialog: Locator;
  let signed = '';
  let keyFile = '';

  beforeAll(async () => {
    dns = await startDnsServer();
    const key = generateDkimKey('rsa');
    const record = dkimRecord('py.example', 'py1', 'rsa', publicKeyValue(key));
    dns.set(record.name, { TXT: [record.value] });
    keyFile = join(await madeTempFolder('relaydesk-analyze-dkim-'), 'py1.private');
    writeFileSync(keyFile, key, { mode: 0o600 });
    const run = spawnSync(dkimsign as string, ['py1', 'py.example', keyFile], { input: message });
    if (run.status !== 0) throw new Error(`dkimsign failed: ${run.stderr.toString()}`);
    signed = run.stdout.toString();
    gui = await startGui(chromiumPath as string, {
      settings: { dnsServers: [dns.address] },
      viewport: { width: 1100, height: 800 },
    });
    page = gui.page;
    dialog = page.getByRole('dialog', { name: 'Analyze headers' });
    await gui.openLive();
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await dns?.close();
  });

  afterEach(async () => {
    if (await dialog.isVisible()) await page.keyboard.press('Escape');
  });

  const dkimRow = (): Locator => dialog.getByTestId('analyze-dkim');
  const badges = (): Locator => dialog.getByTestId('analyze-dkim-badge');

  it('verifies a whole .eml dropped on the window', async () => {
    await dropFile(page, 'code.eml', signed);
    await dkimRow().waitFor();
    expect(await dkimRow().getAttribute('data-state')).toBe('verified');
    await eventually(() => badges().getAttribute('data-badge')).toBe('pass');
    expect(await badges().innerText()).toMatch(
      /^DKIM py\.example\/py1 pass — signature of py\.example/,
    );
    expect(await dialog.getByTestId('analyze-dkim-signed').innerText()).toMatch(
      /py\.example\/py1\s*rsa-sha256; signs from, to, subject, date, message-id$/,
    );
    // the field shows the header block; the body went to the relay all the same
    const field = await dialog.getByRole('textbox').inputValue();
    expect(field).toContain('DKIM-Signature:');
    expect(field).not.toContain('123456');
    expect(await dialog.getByTestId('analyze-note').innerText()).toBe(
      'The whole message (1 KB) was read: the field shows its header block, and DKIM is verified over the body too.',
    );
    // the route's own sentence is still there
    expect(await dialog.getByTestId('route-view').innerText()).toContain('no Received fields');
    await page.screenshot({ path: join(screenshots, 'analyze-dkim-pass.png') });
  });

  it('fails a file picked whose body was changed after signing, saying why', async () => {
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    await dialog.locator('input[type=file]').setInputFiles({
      name: 'changed.eml',
      mimeType: 'message/rfc822',
      buffer: Buffer.from(signed.replace('123456', '654321')),
    });
    await eventually(() => badges().getAttribute('data-badge')).toBe('fail');
    expect(await badges().innerText()).toContain(
      'DKIM py.example/py1 fail — body hash did not verify: the body was changed after it was signed',
    );
  });

  it('passes a file picked whose body is 8-bit Latin-1, not UTF-8', async () => {
    // an old mail program's French: read as UTF-8, each accented byte became U+FFFD, and a
    // message nobody changed failed its body hash
    const latin1 = Buffer.from(
      message
        .replace('Subject: Your code', 'Subject: Facture')
        .replace(
          'Message-ID: <code@py.example>',
          'Message-ID: <facture@py.example>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit',
        )
        .replace('Your code is 123456.', 'Votre facture est réglée. À bientôt.'),
      'latin1',
    );
    const run = spawnSync(dkimsign as string, ['py1', 'py.example', keyFile], { input: latin1 });
    if (run.status !== 0) throw new Error(`dkimsign failed: ${run.stderr.toString()}`);
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    await dialog.locator('input[type=file]').setInputFiles({
      name: 'facture.eml',
      mimeType: 'message/rfc822',
      buffer: run.stdout,
    });
    await eventually(() => badges().getAttribute('data-badge')).toBe('pass');
    expect(await badges().innerText()).toMatch(/^DKIM py\.example\/py1 pass/);
    expect(await dialog.getByRole('textbox').inputValue()).toContain('Subject: Facture');
  });

  it('lists the signer of a file larger than Analyze reads, without a verdict on a cut body', async () => {
    // 1.5 MB: an .eml with an attachment; the cut body would fail its body hash
    const big = signed.replace(
      'Your code is 123456.',
      `Your code is 123456.\r\n${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=\r\n'.repeat(40_000)}`,
    );
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    await dialog.locator('input[type=file]').setInputFiles({
      name: 'big.eml',
      mimeType: 'message/rfc822',
      buffer: Buffer.from(big),
    });
    await dkimRow().waitFor();
    expect(await dkimRow().getAttribute('data-state')).toBe('header-only');
    expect(await badges().getAttribute('data-badge')).toBe('not-verified');
    expect(await dialog.getByTestId('analyze-dkim-note').innerText()).toBe(
      '“big.eml” is larger than the 1 MB Analyze reads: its DKIM signatures are listed but not verified, since each one covers the whole body (its body hash, bh=).',
    );
  });

  it('lists the signer of a header block pasted alone, and says why it is not verified', async () => {
    await page.getByRole('button', { name: 'Analyze headers' }).click();
    await dialog.getByRole('textbox').fill(signed.slice(0, signed.indexOf('\r\n\r\n')));
    await dialog.getByRole('button', { name: 'Analyze', exact: true }).click();
    await dkimRow().waitFor();
    expect(await dkimRow().getAttribute('data-state')).toBe('header-only');
    expect(await badges().getAttribute('data-badge')).toBe('not-verified');
    expect(await badges().innerText()).toBe(
      'DKIM py.example/py1 not verified — rsa-sha256; signs from, to, subject, date, message-id',
    );
    expect(await dialog.getByTestId('analyze-dkim-note').innerText()).toMatch(
      /^Only the header block was given, so DKIM is not verified: each signature covers the body too/,
    );
    await page.screenshot({ path: join(screenshots, 'analyze-dkim-header-only.png') });
    expect(gui.pageErrors).toEqual([]);
  });
});
