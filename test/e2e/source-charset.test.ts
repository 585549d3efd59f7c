// The Source tab of mail sent as 8-bit in a legacy charset (Drupal's and PHP's Latin-1, a Japanese
// newsletter in Shift_JIS): each such line decoded with the charset its MIME part declares, and a
// note that says so; read as UTF-8 every letter outside ASCII was a U+FFFD ("Caf� cr�me"). And
// the warning over a message whose header has raw 8-bit bytes (PHP's mail() given a Latin-1
// Subject), with the fix. Real SMTP into the headless server, the real renderer in Chromium;
// screenshots light and dark.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireTool, tools } from '../helpers/system-tools.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('the Source tab of a message in a legacy charset', () => {
  let gui: Gui;

  beforeAll(async () => {
    gui = await startGui(chromiumPath as string);
    await gui.send({
      envelope: { from: 'shop@legacy.example', to: ['dev@project.example'] },
      raw: Buffer.concat([
        Buffer.from(
          'From: shop@legacy.example\r\nTo: dev@project.example\r\nSubject: Commande\r\n' +
            'MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary="b1"\r\n\r\n' +
            '--b1\r\nContent-Type: text/plain; charset=iso-8859-1\r\n' +
            'Content-Transfer-Encoding: 8bit\r\n\r\n',
        ),
        Buffer.from('Votre caf\xe9 cr\xe8me est pr\xeat.\r\n', 'latin1'),
        Buffer.from('--b1\r\nContent-Type: text/plain;\r\n charset="Shift_JIS"\r\n\r\n'),
        // 日本語 in Shift_JIS
        Buffer.from([0x93, 0xfa, 0x96, 0x7b, 0x8c, 0xea, 0x0d, 0x0a]),
        Buffer.from('--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nZoë\r\n--b1--\r\n'),
      ]),
    });
    // PHP's mail() given a Latin-1 Subject: raw 8-bit bytes in a header, never encoded
    await gui.send({
      envelope: { from: 'form@legacy.example', to: ['dev@project.example'] },
      raw: Buffer.from(
        'From: form@legacy.example\r\nTo: dev@project.example\r\nSubject: Pr\xe9sentation\r\n' +
          'Content-Type: text/plain; charset=iso-8859-1\r\n\r\nBonjour \xe0 tous\r\n',
        'latin1',
      ),
    });
    await gui.send({
      envelope: { from: 'cron@old.example', to: ['dev@project.example'] },
      raw: Buffer.from(
        'From: cron@old.example\r\nTo: dev@project.example\r\nSubject: Undeclared\r\n\r\n' +
          '\x93Quoted\x94 caf\xe9\r\n',
        'latin1',
      ),
    });
    await gui.send({
      envelope: { from: 'app@modern.example', to: ['dev@project.example'] },
      raw: 'From: app@modern.example\r\nTo: dev@project.example\r\nSubject: Modern\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nZoë\r\n',
    });
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
  });

  it('decodes each 8-bit line with its part charset and says so; UTF-8 mail has no note', async () => {
    const { page } = gui;
    await gui.openLive();
    await gui.openTab('Commande', 'Source');
    const source = page.getByTestId('source');
    await eventually(() => source.innerText()).toContain('Votre café crème est prêt.');
    const text = await source.innerText();
    expect(text).toMatch(/\n日本語\r?\n/);
    expect(text).toMatch(/\nZoë\r?\n/);
    expect(text).not.toContain('\ufffd');
    expect(await page.getByTestId('source-charset').innerText()).toBe(
      'Some lines are not UTF-8: they are shown decoded as iso-8859-1, shift_jis (the charset their MIME part declares). Download .eml has the bytes as they are.',
    );
    await page.screenshot({ path: join(screenshots, 'source-charset-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'source-charset-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // a part that declares no charset is read as windows-1252, and the note says so
    await gui.openTab('Undeclared', 'Source');
    await eventually(() => page.getByTestId('source').innerText()).toContain('“Quoted” café');
    expect(await page.getByTestId('source-charset').innerText()).toBe(
      'Some lines are not UTF-8: they are shown decoded as windows-1252 (the charset their MIME part declares; windows-1252 where it declares none). Download .eml has the bytes as they are.',
    );

    await gui.openTab('Modern', 'Source');
    await eventually(() => page.getByTestId('source').innerText()).toContain('Subject: Modern');
    expect(await page.getByTestId('source-charset').count()).toBe(0);
    expect(await page.getByTestId('unencoded-headers').count()).toBe(0);
    expect(gui.pageErrors).toEqual([]);
  });

  it('warns of a header with raw 8-bit bytes, and says how to encode it', async () => {
    const { page } = gui;
    await page.getByTestId('message-row').filter({ hasText: 'form@legacy.example' }).click();
    await eventually(() => page.getByTestId('unencoded-headers').innerText()).toBe(
      'The Subject field has 8-bit bytes neither UTF-8 nor encoded (shown as \ufffd): mail programs guess what they say. Encode it as RFC 2047 words (=?UTF-8?Q?…?=), as mail libraries do.',
    );
    // the Source tab reads the line with the charset the message declares
    await page.getByRole('tab', { name: 'Source', exact: true }).click();
    await eventually(() => page.getByTestId('source').innerText()).toContain(
      'Subject: Présentation',
    );
    await page.screenshot({ path: join(screenshots, 'unencoded-subject-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'unencoded-subject-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(gui.pageErrors).toEqual([]);
  });
});
