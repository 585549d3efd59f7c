// Every error of a settings list at once, in Chromium: a quota list with a bad CIDR and an hour
// limit of -1 in Quota 1 and a user no name can be in Quota 2, and a warm-up list with two bad
// schedules, are refused in one save with each error beside its own box (the warm-up's both
// beside its one box) and all of them in the list at the top. Before, a save showed only the
// first entry's first error, and fixing it revealed the next.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SettingsView } from '../../preload/api-contract.js';
import { startRelaydesk } from '../../main/headless.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { type ChromiumSession, eventually, launchChromium } from './browser.js';
import { ensureRendererBuilt, repoRoot } from './renderer-build.js';
import { fillLocalUpstream } from './upstream-form.js';

const chromiumPath = requireTool(tools.chromium);
const screenshots = join(repoRoot, 'test/e2e/screenshots');

describe.skipIf(!chromiumPath)('every error of a settings list in the Settings screen', () => {
  let relaydesk: Awaited<ReturnType<typeof startRelaydesk>>;
  let dataDir: string;
  let browser: ChromiumSession;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureRendererBuilt();
    dataDir = await mkdtemp(join(tmpdir(), 'relaydesk-e2e-list-errors-'));
    relaydesk = await startRelaydesk({ smtp: '127.0.0.1:0', http: '127.0.0.1:0', dataDir });
    browser = await launchChromium(chromiumPath as string);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await relaydesk?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("shows every entry's errors in one save, each beside its box", async () => {
    await page.goto(`${relaydesk.url}#settings`);
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
    await page.getByRole('button', { name: 'Add a quota' }).click();
    await page.getByLabel('Quota 1 counts').selectOption('ip');
    await page.getByLabel('Quota 1 addresses (CIDR)').fill('10.0.0.0/33');
    await page.getByLabel('Quota 1: Messages an hour').fill('-1');
    await page.getByRole('button', { name: 'Add a quota' }).click();
    await page.getByLabel('Quota 2 users (name or glob)').fill('@example.com');
    await page.getByLabel('Quota 2: Messages a day').fill('10');
    await page.getByLabel('IP warm-up schedules (JSON)').fill(
      JSON.stringify([
        { upstream: 'smtp.example.com', start: 'soon', preset: 'dedicated-ip' },
        { upstream: 'smtp.example.com', start: '2026-12-01', preset: 'fast' },
      ]),
    );
    await page.getByRole('button', { name: 'Save settings' }).click();

    const cidr = page.locator('#setting-quotas-0-ip-error');
    await cidr.waitFor();
    expect(await cidr.innerText()).toBe(
      '"10.0.0.0/33" is not a CIDR; use e.g. 192.168.1.0/24, or 0.0.0.0/0 and ::/0 for every client',
    );
    expect(await page.locator('#setting-quotas-0-perHour-error').innerText()).toBe(
      '-1 is not valid; use a whole number from 0 (no limit) to 10000000',
    );
    expect(await page.locator('#setting-quotas-1-user-error').innerText()).toBe(
      '"@example.com" has nothing before the "@", so it matches no user name; give "*@example.com" for every user of that domain',
    );
    // the warm-up is one box: both schedules' errors beside it, one a line
    expect((await page.locator('#setting-warmup-error').innerText()).split('\n')).toEqual([
      expect.stringMatching(/^warmup\[0\]\.start: "soon" is not a date/),
      expect.stringMatching(/^warmup\[1\]\.preset: "fast" is not a preset/),
    ]);
    const list = await page.locator('.error-list li').allInnerTexts();
    expect(list).toHaveLength(5);
    expect(list.slice(0, 3)).toEqual([
      expect.stringMatching(/^Quota 1 addresses \(CIDR\): "10\.0\.0\.0\/33" is not a CIDR/),
      expect.stringMatching(/^Quota 1: Messages an hour: -1 is not valid/),
      expect.stringMatching(/^Quota 2 users \(name or glob\): "@example\.com" has nothing/),
    ]);
    expect(await page.locator('.settings-summary').innerText()).toContain(
      'Nothing was saved: 5 problems in 2 settings need fixing.',
    );
    const saved = (await (
      await fetch(new URL('/api/v1/settings', relaydesk.url))
    ).json()) as SettingsView;
    expect(saved.values).toMatchObject({ quotas: [], warmup: [] });

    await page.locator('#section-filtering').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-list-errors-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-list-errors-dark.png') });
    await page.locator('#setting-warmup').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-list-errors-warmup-dark.png') });
    await page.locator('.settings-summary').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-list-errors-summary-dark.png') });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it("names a JSON box's errors by its label, and says every problem of one entry", async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${relaydesk.url}#settings`);
    await page.reload();
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
    const rewrite = page.getByLabel('Send as (sender rewriting, JSON)');
    // one entry with two problems: before, only the pattern's was said
    await rewrite.fill(JSON.stringify([{ match: 42, to: 'office' }]));
    await page
      .getByLabel('IP warm-up schedules (JSON)')
      .fill(
        JSON.stringify([{ upstream: 'smtp.example.com', start: 'soon', preset: 'dedicated-ip' }]),
      );
    await page.getByRole('button', { name: 'Save settings' }).click();
    const boxError = page.locator('#setting-senderRewrite-error');
    await boxError.waitFor();
    expect((await boxError.innerText()).split('\n')).toEqual([
      expect.stringMatching(/^senderRewrite\[0\]\.match: 42 is not a pattern; /),
      expect.stringMatching(/^senderRewrite\[0\]\.to: "office" is not an email address; /),
    ]);
    // the list at the top names the box, then the part: before, "warmup[0].start: …"
    expect(await page.locator('.error-list li').allInnerTexts()).toEqual([
      expect.stringMatching(
        /^Send as \(sender rewriting, JSON\), entry 1, match: 42 is not a pattern; /,
      ),
      expect.stringMatching(
        /^Send as \(sender rewriting, JSON\), entry 1, to: "office" is not an email address; /,
      ),
      expect.stringMatching(/^IP warm-up schedules \(JSON\), entry 1, start: "soon" is not a date/),
    ]);
    // and takes you to that box
    await page.locator('.error-list li a').first().click();
    await eventually(() => page.evaluate(() => document.activeElement?.id ?? '')).toBe(
      'setting-senderRewrite',
    );
    await page.locator('.settings-summary').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-list-errors-labels-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-list-errors-labels-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // a new SMTP user: a bad name and a short password, both said (before: the name's alone)
    const users = page.getByRole('form', { name: 'Add an SMTP user' });
    await users.getByLabel('User name').fill('bad name');
    await users.getByLabel('Password').fill('short');
    await users.getByRole('button', { name: 'Add user' }).click();
    // each beside its own box, marked invalid and tied to it, as the DKIM form's are: before, both
    // in one block under the form (and before that, after "POST /api/v1/users failed with 400: ")
    const usersAlert = page.locator('.users [role="alert"]');
    await eventually(() => usersAlert.count()).toBe(2);
    const userBoxes = [
      [
        'User name',
        'user-add-name-error',
        '"bad name" is not a user name; a user name is 1 to 128 letters, digits and . _ @ + -, e.g. app or qa@example.com',
      ],
      ['Password', 'user-add-password-error', 'a password is 8 to 1024 characters'],
    ] as const;
    for (const [label, errorId, words] of userBoxes) {
      const box = users.getByLabel(label);
      await expect(box.getAttribute('aria-invalid')).resolves.toBe('true');
      await expect(box.getAttribute('aria-describedby')).resolves.toBe(errorId);
      await expect(page.locator(`#${errorId}`).innerText()).resolves.toBe(words);
      // inside the box's own field, in the same look as the DKIM form's
      await expect(
        page.locator(`#${errorId}`).evaluate((el) => el.parentElement?.className),
      ).resolves.toBe('field');
    }
    await page.locator('.users').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-users-add-errors-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-users-add-errors-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    // a name that is taken: beside the name box too
    await users.getByLabel('User name').fill('taken');
    await users.getByLabel('Password').fill('long enough password');
    await users.getByRole('button', { name: 'Add user' }).click();
    await page.locator('.users [role="status"]').filter({ hasText: 'Added taken.' }).waitFor();
    await users.getByLabel('User name').fill('taken');
    await users.getByLabel('Password').fill('long enough password');
    await users.getByRole('button', { name: 'Add user' }).click();
    await eventually(() => page.locator('#user-add-name-error').count()).toBe(1);
    await expect(page.locator('#user-add-name-error').innerText()).resolves.toMatch(
      /^user taken exists already; change the password with "relaydesk user passwd taken"/,
    );
    await expect(page.locator('#user-add-password-error').count()).resolves.toBe(0);
    // a DKIM key's header list: a name that is none and the missing From, both said
    const dkim = page.getByRole('form', { name: 'Add a DKIM key' });
    await dkim.getByLabel('Domain').fill('list.example');
    await dkim.getByLabel('Selector').fill('news1');
    await dkim.getByLabel('Header fields to sign (optional)').fill('Subjéct Date');
    await dkim.getByRole('button', { name: 'Generate key' }).click();
    // beside the header box, both of them
    const dkimAlert = page.locator('#section-signing [role="alert"]');
    await eventually(() => dkimAlert.count()).toBe(1);
    expect(await page.locator('#dkim-add-headers-error').innerText()).toBe(
      '"Subjéct" is not a header field name; give names such as Subject or List-Unsubscribe\n' +
        'must include From (RFC 6376 §5.4); add "From" to the list',
    );
    await dkimAlert.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-list-errors-dkim-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-list-errors-dkim-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(pageErrors).toEqual([]);
  }, 60_000);
  // the Add form of Settings → Signing: a bad domain hid a bad selector, and the one shown began
  // with the request ("POST /api/v1/dkim/keys failed with 400: domain: …")
  it("says a new DKIM key's bad domain and bad selector together, each beside its box", async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${relaydesk.url}#settings`);
    await page.reload();
    const dkim = page.getByRole('form', { name: 'Add a DKIM key' });
    await dkim.getByLabel('Domain').fill('shop');
    await dkim.getByLabel('Selector').fill('mail 2026');
    await dkim.getByRole('button', { name: 'Generate key' }).click();
    const domainError = page.locator('#dkim-add-domain-error');
    await domainError.waitFor();
    expect(await domainError.innerText()).toBe(
      '"shop" is not a domain name; give the domain of the From address, e.g. example.com',
    );
    expect(await page.locator('#dkim-add-selector-error').innerText()).toBe(
      '"mail 2026" is not a valid selector: use only letters, digits, hyphens and underscores, in labels of 1 to 63 characters joined by dots, none starting or ending with a hyphen; e.g. mail2026',
    );
    await expect(dkim.getByLabel('Domain').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(dkim.getByLabel('Selector').getAttribute('aria-describedby')).resolves.toBe(
      'dkim-add-selector-error',
    );
    // said once, beside the boxes; nothing of the HTTP request anywhere in the section
    const section = await page.locator('#section-signing').innerText();
    expect(section).not.toMatch(/failed with|\/api\/v1/);
    expect(await page.locator('#section-signing [role="alert"]').count()).toBe(2);
    expect(await (await fetch(new URL('/api/v1/dkim/keys', relaydesk.url))).json()).toEqual([]);
    await domainError.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(screenshots, 'settings-dkim-form-errors-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'settings-dkim-form-errors-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });

    // fixed, the key is generated and the boxes' errors are gone
    await dkim.getByLabel('Domain').fill('shop.example');
    await dkim.getByLabel('Selector').fill('mail2026');
    await dkim.getByRole('button', { name: 'Generate key' }).click();
    await page.getByText('Generated a key for mail2026 of shop.example').waitFor();
    expect(await page.locator('#dkim-add-domain-error, #dkim-add-selector-error').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  // the other sections that showed the API's refusal with the request before it: Test connection
  it("Test connection says the relay's sentence, not the request that got it", async () => {
    await page.goto(`${relaydesk.url}#settings`);
    await page.reload();
    const section = await fillLocalUpstream(page, 99999, 'starttls');
    await section.getByRole('button', { name: 'Test connection' }).click();
    const refusal = section.locator('.connection-test .field-error');
    await refusal.waitFor();
    expect(await refusal.innerText()).toBe(
      'relay.port: 99999 is not a valid port; use a port from 1 to 65535, e.g. 587',
    );
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
