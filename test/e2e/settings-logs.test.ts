// The Settings and Logs views in Chromium against the headless server: a bad port is refused
// beside its field with the allowed range and nothing is saved; a routing rule added, reordered
// and saved in the form decides the next message sent over real SMTP; the connection test panel
// walks a real upstream step by step (a wrong password gets the failed step and its fix); the
// log shows audit, relay and service lines live and filters them.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessagesPage, SettingsView } from '../../preload/api-contract.js';
import type { TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { eventually } from './browser.js';
import { screenshots, startGui, type Gui } from './gui.js';

const chromiumPath = requireTool(tools.chromium);

describe.skipIf(!chromiumPath)('Settings and Logs in Chromium', () => {
  let gui: Gui;
  let relaydesk: TestRelaydesk;
  let upstream: RunningUpstream;
  let page: Page;
  let pageErrors: string[];

  const api = async <T>(path: string): Promise<T> =>
    (await (await fetch(new URL(path, relaydesk.url))).json()) as T;

  const send = (to: string, subject: string) =>
    gui.send({ from: 'app@sender.example', to, subject, text: subject });

  async function openSettings(): Promise<void> {
    await page.goto(`${relaydesk.url}#settings`);
    await page.reload(); // a fresh form, as loaded from the server
    await page.getByRole('button', { name: 'Save settings' }).waitFor();
  }

  const save = () => page.getByRole('button', { name: 'Save settings' }).click();
  const status = () => page.locator('.settings-summary').innerText();

  beforeAll(async () => {
    upstream = await startUpstreamServer({ tls: 'none', users: { relayuser: 'right-pass' } });
    gui = await startGui(chromiumPath as string, { viewport: { width: 1280, height: 900 } });
    ({ relaydesk, page, pageErrors } = gui);
  }, 120_000);

  afterAll(async () => {
    await gui?.close();
    await upstream?.close();
  });

  it('takes a size as its hint offers it ("10m"), and names a size it cannot read', async () => {
    await openSettings();
    const size = page.getByLabel('Largest message', { exact: true });
    // as a person writes the default: 25m, not 26214400 in a number box
    expect(await size.inputValue()).toBe('25m');
    // a number box made "10m" into 10, and letters into an empty box refused as "null"
    await size.fill('10m');
    await save();
    await eventually(status).toMatch(/^Saved\./);
    const saved = await api<SettingsView>('/api/v1/settings');
    expect(saved.values.maxSize).toBe(10 * 1024 * 1024);
    await size.fill('ten megs');
    await save();
    await eventually(status).toMatch(/^Nothing was saved/);
    expect(await status()).toContain('"ten megs"');
    expect((await api<SettingsView>('/api/v1/settings')).values.maxSize).toBe(10 * 1024 * 1024);
    await size.fill('25m');
    await save();
    await eventually(status).toMatch(/^Saved\./);
    expect(pageErrors).toEqual([]);
  });

  it('refuses a port out of range beside the field, naming the range, and saves nothing', async () => {
    await openSettings();
    // the SMTP listener's address was given as a flag: shown, read-only, and said so
    const smtpPort = page.getByLabel('SMTP port', { exact: true });
    expect(await smtpPort.getAttribute('readonly')).not.toBeNull();
    expect(await page.locator('#setting-smtp-port-pinned').innerText()).toContain('--smtp');

    await page.getByLabel('Implicit-TLS listener (SMTPS, like port 465)').check();
    const smtpsPort = page.getByLabel('SMTPS port');
    expect(await smtpsPort.getAttribute('type')).toBe('number');
    await smtpsPort.fill('70000');
    await page.getByLabel('Captured messages to keep (0: all)').fill('42');
    await save();

    const error = page.locator('#setting-smtps-port-error');
    await error.waitFor();
    // beside its box without the settings file's path; in the list under the box's label
    expect(await error.innerText()).toMatch(/^70000 is not valid; use .*1 to 65535/);
    expect(await page.locator('.error-list li').first().innerText()).toMatch(
      /^SMTPS port: 70000 is not valid; use .*1 to 65535/,
    );
    expect(await smtpsPort.getAttribute('aria-invalid')).toBe('true');
    expect(await smtpsPort.getAttribute('aria-describedby')).toContain('setting-smtps-port-error');
    expect(await status()).toContain('Nothing was saved');
    await page.screenshot({ path: join(screenshots, 'settings-error-light.png') });

    const saved = await api<SettingsView>('/api/v1/settings');
    expect(saved.values.smtps).toBeNull();
    expect(saved.values.maxMessages).toBe(5000);
    await page.getByRole('button', { name: 'Discard changes' }).click();
  });

  it('saves a routing rule that decides the next message sent over SMTP', async () => {
    await openSettings();
    await page.getByLabel('Mode').selectOption('rules');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Recipient pattern of rule 1').fill('*@project.example');
    await page.getByLabel('Mailbox of rule 1').fill('project');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByLabel('Name of rule 2').fill('blocked');
    await page.getByLabel('Recipient pattern of rule 2').fill('blocked@*');
    await page.getByLabel('Action of rule 2').selectOption('reject');
    // the first match decides, so order matters: move "blocked" to the top
    await page.getByRole('button', { name: 'Move up blocked' }).click();
    expect(await page.getByLabel('Recipient pattern of rule 1').inputValue()).toBe('blocked@*');
    await save();
    await eventually(() => status()).toContain('Saved');

    const saved = await api<SettingsView>('/api/v1/settings');
    expect(saved.values.rules.map((r) => r.match.recipient)).toEqual([
      'blocked@*',
      '*@project.example',
    ]);
    await send('dev@project.example', 'routed by the saved rule');
    const boxed = await api<MessagesPage>('/api/v1/search?query=mailbox:project');
    expect(boxed.messages.map((m) => m.Subject)).toEqual(['routed by the saved rule']);

    await page.getByLabel('Recipient address to test').fill('dev@project.example');
    // the button sits the fields' row gap under them: it had lost it and touched the field
    const testButton = page.getByRole('button', { name: 'Test address' });
    const fieldBottom = await page
      .getByLabel('Recipient address to test')
      .evaluate((field) => field.getBoundingClientRect().bottom);
    const buttonTop = await testButton.evaluate((button) => button.getBoundingClientRect().top);
    expect(buttonTop - fieldBottom).toBeGreaterThanOrEqual(8);
    await testButton.click();
    const verdicts = page.getByRole('list', { name: 'Rules checked' });
    await eventually(() => verdicts.innerText()).toMatch(/Rule 2 \(decides\)/);
    expect(await verdicts.innerText()).toMatch(/blocked \(no match\)/);
    await verdicts.evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await page.screenshot({ path: join(screenshots, 'settings-rules-light.png') });

    // a named rule's hidden button words ("Move up blocked") sat far down the page outside the
    // Settings pane's scroll: the window itself scrolled, and a section link took the toolbar out
    // of sight with it
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Routing rules', exact: true })
      .click();
    const windowScroll = () =>
      page.evaluate(() => ({
        height: document.scrollingElement?.scrollHeight,
        top: document.scrollingElement?.scrollTop,
      }));
    expect(await windowScroll()).toEqual({
      height: await page.evaluate(() => innerHeight),
      top: 0,
    });
  });

  it('walks the connection test step by step, with the fix for a wrong password', async () => {
    await openSettings();
    await page.getByLabel('Relay through an upstream smart host').check();
    await page.getByLabel('Upstream host').fill('127.0.0.1');
    await page.getByLabel('Upstream port').fill(String(upstream.port));
    await page.getByLabel('Security').selectOption('none');
    await page.getByLabel('Upstream user name').fill('relayuser');
    await page.getByLabel('Upstream password').fill('wrong-pass');
    await page.getByRole('button', { name: 'Test connection' }).click();

    const connectionTest = page.getByRole('region', { name: 'Connection test' });
    const steps = connectionTest.getByRole('list', { name: 'Connection test steps' });
    const stepsText = async () => (await steps.innerText()).replace(/\s+/g, ' ');
    await eventually(stepsText).toMatch(/Authentication failed ?: authentication rejected \(535/);
    const failed = steps.locator('li.failed');
    expect(await failed.count()).toBe(1);
    expect(await failed.innerText()).toMatch(/Fix:/);
    expect((await steps.locator('li.ok').first().innerText()).replace(/\s+/g, ' ')).toMatch(
      /Connect passed/,
    );
    await connectionTest.evaluate((element) => element.scrollIntoView({ block: 'center' }));
    await page.screenshot({ path: join(screenshots, 'settings-connection-test-light.png') });

    await page.getByLabel('Upstream password').fill('right-pass');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await eventually(() => connectionTest.locator('.test-verdict').innerText()).toContain(
      'accepts a connection',
    );
    expect(await steps.locator('li.failed').count()).toBe(0);
    expect(await stepsText()).toMatch(/Authentication passed/);

    await save();
    await eventually(() => status()).toContain('Saved');
    const saved = await api<SettingsView>('/api/v1/settings');
    expect(saved.values.relay?.auth).toEqual({
      user: 'relayuser',
      mechanism: 'auto',
      passwordSet: true,
    });
    // after the save the password box is empty, and the saved one is what a test uses
    expect(await page.getByLabel('Upstream password').inputValue()).toBe('');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await eventually(() => connectionTest.locator('.test-verdict').innerText()).toContain(
      'accepts a connection',
    );
  });

  it('adds an SMTP user, changes the password and removes the user, each at once', async () => {
    await openSettings();
    await page.getByLabel('User name', { exact: true }).fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('first password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await eventually(() => page.locator('.user-list').innerText()).toContain('alice');
    expect((await api<Array<{ name: string }>>('/api/v1/users')).map((u) => u.name)).toEqual([
      'alice',
    ]);
    const changedBefore = (await api<Array<{ updatedAt: string }>>('/api/v1/users'))[0]?.updatedAt;

    await page.getByRole('button', { name: 'Change password of alice' }).click();
    await page.getByLabel('New password for alice').fill('second password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await eventually(() => page.locator('.users [role=status]').innerText()).toContain(
      "Changed alice's password",
    );
    const changedAfter = (await api<Array<{ updatedAt: string }>>('/api/v1/users'))[0]?.updatedAt;
    expect(changedAfter).not.toBe(changedBefore);

    // a name taken twice gets the server's sentence
    await page.getByLabel('User name', { exact: true }).fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('third password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await eventually(() => page.locator('.users [role=alert]').innerText()).toMatch(/alice/);

    await page.getByRole('button', { name: 'Remove alice' }).click();
    await eventually(() => api<unknown[]>('/api/v1/users')).toEqual([]);
    await eventually(() => page.locator('.users').innerText()).toContain('No SMTP users yet');
  });

  it("shows the service's own lines, live, apart from the others", async () => {
    await page.goto(`${relaydesk.url}#logs`);
    const lines = page.getByRole('list', { name: 'Log lines' });
    await lines.waitFor();
    await page.getByLabel('Show').selectOption('service');
    // from the start: where the UI listens, said once
    const exposure = lines.locator('li.service', { hasText: 'exposure: UI and API on' });
    await eventually(() => exposure.count()).toBe(1);
    expect(await lines.locator('li:not(.service)').count()).toBe(0);
    const control = (what: 'pause' | 'resume') =>
      fetch(new URL(`/api/v1/smtp/${what}`, relaydesk.url), { method: 'POST' }).then((r) =>
        r.text(),
      );
    await control('pause');
    await control('resume');
    // over the event stream, without a reload, in the order they happened
    const paused = lines.locator('li.service', { hasText: /smtp: receiving (paused|resumed)/ });
    await eventually(() => paused.allInnerTexts()).toEqual([
      expect.stringContaining('smtp: receiving paused'),
      expect.stringContaining('smtp: receiving resumed'),
    ]);
    await page.getByLabel('Show').selectOption('all');
  });

  it('shows audit and relay lines live, and filters them', async () => {
    await page.goto(`${relaydesk.url}#logs`);
    const lines = page.getByRole('list', { name: 'Log lines' });
    await lines.waitFor();
    const accepted = lines.locator('li', { hasText: 'event=message result=accepted' });
    const before = await accepted.count();
    await send('someone@project.example', 'logged live');
    // the new line arrives over the event stream, without a reload
    await eventually(() => accepted.count()).toBe(before + 1);
    const all = await lines.locator('li').count();
    await page.getByLabel('Filter log lines').fill('event=connect');
    await eventually(() => lines.locator('li').count()).toBeLessThan(all);
    for (const text of await lines.locator('li code').allInnerTexts()) {
      expect(text).toContain('event=connect');
    }
    await page.getByLabel('Filter log lines').fill('');
    await page.getByLabel('Show').selectOption('audit');
    await eventually(() => lines.locator('li.audit').count()).toBeGreaterThan(0);
    expect(await lines.locator('li:not(.audit)').count()).toBe(0);
    await page.getByLabel('Show').selectOption('relay');
    await eventually(async () => (await lines.locator('li.audit').count()) === 0).toBe(true);
    await page.getByLabel('Show').selectOption('all');
    await page.screenshot({ path: join(screenshots, 'logs-light.png') });
  });

  it('looks right in the dark theme too', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(screenshots, 'logs-dark.png') });
    await openSettings();
    await page.screenshot({ path: join(screenshots, 'settings-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(screenshots, 'settings-light.png') });
    expect(pageErrors).toEqual([]);
  });
});
