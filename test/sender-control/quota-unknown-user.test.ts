// Mid-incident, an admin puts a quota on the stolen login by its mail address
// (`alice@office.example`) while the login is `alice`: Settings saved it without a word, and the
// quota limited nobody. The save still goes through (a user may be added later), but the
// settings API's answer and the Settings screen say, beside the field, that no login has that
// name and which one was meant; a routing rule's user likewise. Real relay, real Chromium.
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsSaveResult, SettingsView } from '../../preload/api-contract.js';
import { eventually } from '../e2e/browser.js';
import { shootLightAndDark, startGui, type Gui } from '../e2e/gui.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const chromiumPath = requireTool(tools.chromium);
let gui: Gui | undefined;
afterEach(async () => {
  await gui?.close();
  gui = undefined;
});

const quotaWarning = {
  field: 'quotas[1].user',
  value: 'alice@office.example',
  message:
    'quotas[1].user: no login has the name "alice@office.example", so this quota limits nobody; did you mean "alice"?',
};

describe.skipIf(!chromiumPath)('a quota or rule naming a user no login has', () => {
  it('is saved with a warning in the API answer and beside the field, naming the login meant', async () => {
    gui = await startGui(chromiumPath as string, { viewport: { width: 1100, height: 800 } });
    const { page, relaydesk } = gui;
    await relaydesk.service.addUser('alice', 'alice-secret-1');
    await relaydesk.service.addUser('bob', 'bob-secret-22');
    const save = async (change: Record<string, unknown>) => {
      const answer = await relaydesk.fetch('/api/v1/settings', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(change),
      });
      return { status: answer.status, body: (await answer.json()) as SettingsSaveResult };
    };

    const saved = await save({
      quotas: [
        // every user, those to come too: no warning
        { user: '*', perDay: 1000 },
        { user: 'alice@office.example', perHour: 100 },
        { user: 'b*', perHour: 50 },
      ],
      rules: [{ match: { user: 'carol' }, action: { type: 'capture' } }],
    });
    expect(saved.status).toBe(200);
    const ruleWarning = {
      field: 'rules[0].match.user',
      value: 'carol',
      message:
        'rules[0].match.user: no login has the name "carol", so this rule matches no message; the SMTP users are alice, bob',
    };
    expect(saved.body.ok && saved.body.warnings).toEqual([quotaWarning, ruleWarning]);
    const view = (await relaydesk.fetch('/api/v1/settings').then((r) => r.json())) as SettingsView;
    expect(view.warnings).toEqual([quotaWarning, ruleWarning]);

    await page.goto(`${relaydesk.url}#settings`);
    const userBox = page.getByLabel('Quota 2 users (name or glob)');
    const beside = page.locator('#setting-quotas-1-user-warning');
    await eventually(() => beside.innerText()).toBe(
      'no login has the name "alice@office.example", so this quota limits nobody; did you mean "alice"?',
    );
    expect(await userBox.getAttribute('aria-describedby')).toContain(
      'setting-quotas-1-user-warning',
    );
    await eventually(() => page.locator('#setting-rules-0-match-user-warning').innerText()).toBe(
      'no login has the name "carol", so this rule matches no message; the SMTP users are alice, bob',
    );
    await userBox.scrollIntoViewIfNeeded();
    await shootLightAndDark(page, 'quota-unknown-user');

    // the login itself, typed in the box and saved: the warning goes
    await userBox.fill('alice');
    await page.getByRole('button', { name: 'Save' }).last().click();
    await eventually(() => beside.count()).toBe(0);
    const after = (await relaydesk.fetch('/api/v1/settings').then((r) => r.json())) as SettingsView;
    expect(after.warnings.map((w) => w.field)).toEqual(['rules[0].match.user']);
    expect(gui.pageErrors).toEqual([]);
  });
});
