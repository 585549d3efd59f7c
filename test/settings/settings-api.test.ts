// The settings API over real HTTP: a change is checked whole (an invalid one changes nothing and
// names every wrong field), applied at once where it can be (routing rules, limits, upstream),
// saved in settings.json (0600, the password never sent back) and kept across a restart;
// settings pinned by a flag or an environment variable are shown and refused.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type {
  MessagesPage,
  SettingsCheck,
  SettingsSaveResult,
  SettingsView,
} from '../../preload/api-contract.js';
import { startRelaydesk } from '../../main/headless.js';
import { resolveWithSaved } from '../../main/core/settings/saved-settings.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { freePort } from '../helpers/cli-process.js';
import { savedSettingsFileName } from '../../main/core/settings/settings-store.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';
import { rm } from 'node:fs/promises';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relaydesk(settings: Record<string, unknown> = {}, dataDir?: string) {
  const relay = await startTestRelaydesk(settings, dataDir);
  cleanups.push(() => relay.dispose());
  return relay;
}

async function upstream(options: Parameters<typeof startUpstreamServer>[0] = {}) {
  const server = await startUpstreamServer(options);
  cleanups.push(() => server.close());
  return server;
}

async function put(relay: Pick<TestRelaydesk, 'fetch'>, change: unknown) {
  const res = await relay.fetch('/api/v1/settings', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(change),
  });
  return { status: res.status, body: (await res.json()) as SettingsSaveResult };
}

const view = (relay: TestRelaydesk) => relay.api<SettingsView>('/api/v1/settings');

function upstreamSettings(server: RunningUpstream, more: Record<string, unknown> = {}) {
  return { host: '127.0.0.1', port: server.port, security: 'none', ...more };
}

describe('PUT /api/v1/settings', () => {
  it('refuses a bad port with the field, the value and the range, and changes nothing', async () => {
    const relay = await relaydesk();
    const before = await view(relay);
    const { status, body } = await put(relay, {
      maxMessages: 10,
      smtps: { host: '127.0.0.1', port: 70000 },
      maxAgeDays: -3,
      rules: [{ match: { recipient: '*@x.example' }, action: { type: 'redirect', to: 'nobody' } }],
    });
    expect(status).toBe(400);
    expect(body.ok).toBe(false);
    expect(body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'smtps.port',
          value: 70000,
          allowed: expect.stringContaining('1 to 65535'),
        }),
        expect.objectContaining({
          field: 'maxAgeDays',
          value: -3,
          allowed: expect.stringContaining('36500'),
        }),
        expect.objectContaining({ field: 'rules[0].action.to', value: 'nobody' }),
      ]),
    );
    expect(body.errors.find((e) => e.field === 'smtps.port')?.message).toMatch(
      /^smtps\.port: 70000 is not valid; use a whole number from 1 to 65535/,
    );
    // the valid maxMessages of the same change was not taken either
    expect(await view(relay)).toEqual(before);
    expect(relay.service.settings.maxMessages).toBe(before.values.maxMessages);
    await expect(stat(join(relay.dataDir, 'settings.json'))).rejects.toThrow(/ENOENT/);

    // checking alone says the same and saves nothing
    const check = await relay.api<SettingsCheck>('/api/v1/settings/validate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maxRecipients: 0 }),
    });
    expect(check).toMatchObject({ ok: false, errors: [{ field: 'maxRecipients', value: 0 }] });
    // a listener that would refuse to start next time is refused now
    const { body: wide } = await put(relay, { smtps: { host: '0.0.0.0', port: 0 } });
    expect(wide.errors).toEqual([
      expect.objectContaining({ field: 'allowIp', message: expect.stringMatching(/--smtps/) }),
    ]);
  });

  it('says how to set a key a save may not change, and which key a slip meant, in a line', async () => {
    const relay = await relaydesk();
    const { status, body } = await put(relay, {
      uiPasswordFile: '/etc/relaydesk/ui.htpasswd',
      maxMesages: 50,
    });
    expect(status).toBe(400);
    expect(body.errors.map((e) => e.message)).toEqual([
      'uiPasswordFile: not changed by a settings save (the API must not be able to turn off its own password); set it with --ui-password-file, RELAYDESK_UI_PASSWORD_FILE or "uiPasswordFile" in the --config file, then restart',
      'maxMesages: not a setting; did you mean "maxMessages"?',
    ]);
    // no list of every setting: each answer is one line a person reads
    for (const error of body.errors) expect(error.message.length).toBeLessThan(260);
    expect((await view(relay)).values).not.toHaveProperty('uiPasswordFile');
  });

  it('warns at the save of what a restart could not take: a held port, an unreadable TLS file', async () => {
    const relay = await relaydesk();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => holder.close(() => resolve())));
    const taken = (holder.address() as AddressInfo).port;
    const folder = await makeDataDir();
    cleanups.push(() => rm(folder, { recursive: true, force: true }));
    const { status, body } = await put(relay, {
      pop3: { host: '127.0.0.1', port: taken },
      tlsCert: join(folder, 'missing.pem'),
      tlsKey: folder,
    });
    expect(status, JSON.stringify(body)).toBe(200);
    if (!body.ok) throw new Error('the save was refused');
    const said = body.warnings.map((w) => [w.field, w.message]);
    expect(said).toEqual([
      [
        'tlsCert',
        `tlsCert: cannot read ${JSON.stringify(join(folder, 'missing.pem'))} (no such file), so the TLS listeners cannot start with it; check the path`,
      ],
      [
        'tlsKey',
        `tlsKey: cannot read ${JSON.stringify(folder)} (a folder), so the TLS listeners cannot start with it; check the path`,
      ],
      [
        'pop3.port',
        `pop3: 127.0.0.1:${taken} is in use by another program now; stop that program or choose another port before restarting`,
      ],
    ]);
    // saved all the same, and said again to whoever opens the settings
    expect((await view(relay)).warnings.map((w) => w.field)).toEqual([
      'tlsCert',
      'tlsKey',
      'pop3.port',
    ]);
    // a port that is free by then is no longer warned of at the next save
    await new Promise((resolve) => holder.close(resolve));
    const again = await put(relay, { pop3: { host: '127.0.0.1', port: taken } });
    if (!again.body.ok) throw new Error('the save was refused');
    expect(again.body.warnings.map((w) => w.field)).toEqual(['tlsCert', 'tlsKey']);
  });

  it('takes a listener moved to its loopback twin for its own port, and refuses two listeners on one port', async () => {
    // on its saved ports (a --smtp flag would pin the address): the SMTP listener on 127.0.0.1
    // takes ::1 at the same port too
    const dataDir = await makeDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const port = await freePort();
    await writeFile(
      join(dataDir, savedSettingsFileName),
      JSON.stringify({ smtp: `127.0.0.1:${port}` }),
    );
    const running = await startRelaydesk({ dataDir, http: '127.0.0.1:0' });
    cleanups.push(() => running.close());
    expect(running.alsoOn.smtp, 'this machine has no ::1 for the twin').toMatchObject({
      host: '::1',
      port,
    });
    const relay = {
      fetch: (path: string, init?: RequestInit) =>
        fetch(running.url.replace(/\/$/, '') + path, init),
    };
    const moved = await put(relay, { smtp: { host: '::1', port } });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    if (!moved.body.ok) throw new Error('the save was refused');
    // the restart closes the twin before it listens there: no other program holds it
    expect(moved.body.warnings).toEqual([]);
    const clash = await put(relay, { pop3: { host: '127.0.0.1', port } });
    expect(clash.status).toBe(400);
    expect(clash.body.errors).toEqual([
      {
        field: 'pop3.port',
        value: port,
        allowed: `a port no other listener of this relay uses (SMTP has ${port})`,
        message: `pop3: 127.0.0.1:${port} is the SMTP listener's address as well (one port, one listener); give POP3 a port of its own`,
      },
    ]);
  });

  it('applies a saved routing rule to the next message sent over SMTP', async () => {
    const relay = await relaydesk();
    const { status, body } = await put(relay, {
      mode: 'rules',
      rules: [
        {
          match: { recipient: '*@project.example' },
          action: { type: 'capture', mailbox: 'project' },
        },
        { name: 'no', match: { recipient: 'blocked@*' }, action: { type: 'reject', code: 550 } },
      ],
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, restartNeeded: [] });
    // who may send and where mail goes changed: that is an audit line
    const audit = await relay.api<{ lines: string[] }>('/api/v1/audit/log');
    expect(audit.lines).toContain('settings-audit event=save changed=mode,rules');
    await relay.transport().sendMail({
      from: 'app@sender.example',
      to: 'dev@project.example',
      subject: 'after the rule',
      text: 'hi',
    });
    const page = await relay.api<MessagesPage>('/api/v1/search?query=mailbox:project');
    expect(page.messages.map((m) => m.Subject)).toEqual(['after the rule']);
    await expect(
      relay
        .transport()
        .sendMail({ from: 'a@sender.example', to: 'blocked@any.example', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
  });

  it('applies limits at once, and says which listener changes wait for a restart', async () => {
    const relay = await relaydesk();
    const { body } = await put(relay, { maxRecipients: 2, smtps: { host: '127.0.0.1', port: 0 } });
    expect(body).toMatchObject({ ok: true, restartNeeded: ['smtps'] });
    expect((await view(relay)).restartPending).toEqual(['smtps']);
    const sent = relay.transport().sendMail({
      from: 'a@sender.example',
      to: ['one@x.example', 'two@x.example', 'three@x.example'],
      text: 'three recipients',
    });
    await expect(sent).resolves.toMatchObject({ rejected: ['three@x.example'] });
  });

  it('names each bad window of the rate limit with its value and range, and changes nothing', async () => {
    const relay = await relaydesk();
    const before = (await view(relay)).values.rateLimit;
    const { status, body } = await put(relay, {
      rateLimit: { perSecond: 2, perMinute: -1, perDay: 'lots' },
    });
    expect(status).toBe(400);
    const use = 'a whole number from 0 (no limit) to 10000000';
    expect(body.errors).toEqual([
      {
        field: 'rateLimit.perMinute',
        value: -1,
        allowed: use,
        message: `rateLimit.perMinute: -1 is not valid; use ${use}`,
      },
      {
        field: 'rateLimit.perDay',
        value: 'lots',
        allowed: use,
        message: `rateLimit.perDay: "lots" is not valid; use ${use}`,
      },
    ]);
    expect((await view(relay)).values.rateLimit).toEqual(before);
    // a whole window that is no object is still named as the setting
    const { body: text } = await put(relay, { rateLimit: 'fast' });
    expect(text.errors).toEqual([expect.objectContaining({ field: 'rateLimit', value: 'fast' })]);
    const { body: good } = await put(relay, { rateLimit: { perMinute: '30' } });
    expect(good.ok).toBe(true);
    expect(relay.service.settings.rateLimit).toEqual({
      perSecond: 0,
      perMinute: 30,
      perHour: 0,
      perDay: 0,
    });
  });

  it('changes only the rate-limit windows a PUT names, as a relay change does; null lifts one', async () => {
    const relay = await relaydesk();
    expect((await put(relay, { rateLimit: { perMinute: 30, perDay: 500 } })).body.ok).toBe(true);
    // an API client raising the minute's limit must not lift the daily one the office set
    expect((await put(relay, { rateLimit: { perMinute: 60 } })).body.ok).toBe(true);
    const both = { perSecond: 0, perMinute: 60, perHour: 0, perDay: 500 };
    expect(relay.service.settings.rateLimit).toEqual(both);
    expect((await view(relay)).values.rateLimit).toEqual(both);
    expect((await put(relay, { rateLimit: { perDay: null } })).body.ok).toBe(true);
    expect(relay.service.settings.rateLimit).toEqual({ ...both, perDay: 0 });
  });

  it('never sends the upstream password back, keeps it when a save leaves it out, and tests with it', async () => {
    const server = await upstream({ tls: 'none', users: { relayuser: 's3cret-pass' } });
    const relay = await relaydesk();
    const saved = await put(relay, {
      relay: upstreamSettings(server, { auth: { user: 'relayuser', password: 's3cret-pass' } }),
    });
    expect(saved.body.ok).toBe(true);
    const text = await (await relay.fetch('/api/v1/settings')).text();
    expect(text).not.toContain('s3cret-pass');
    const shown = (JSON.parse(text) as SettingsView).values.relay;
    expect(shown?.auth).toEqual({ user: 'relayuser', mechanism: 'auto', passwordSet: true });

    // the form sends back what it was shown, with another port: the password stays
    const again = await put(relay, { relay: { ...shown, heloName: 'relay.test' } });
    expect(again.body.ok).toBe(true);
    const test = await relay.api<{ ok: boolean }>('/api/v1/relay/test', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(shown),
    });
    expect(test.ok).toBe(true);
    const file = await readFile(join(relay.dataDir, 'settings.json'), 'utf8');
    expect(JSON.parse(file).relay.auth.password).toBe('s3cret-pass');
    expect((await stat(join(relay.dataDir, 'settings.json'))).mode & 0o777).toBe(0o600);
  });
});

describe('PUT /api/v1/settings of part of the upstream', () => {
  it('keeps the login and the pin it does not name, and asks again for the pin with a new host', async () => {
    const first = await upstream({ users: { relayuser: 's3cret-pass' } });
    // the same server (its certificate) on another port, as 587 and 465 of one host are
    const second = await upstream({
      users: { relayuser: 's3cret-pass' },
      certificate: first.certificate ?? undefined,
    });
    const pin = first.certificate?.fingerprint256 as string;
    const relay = await relaydesk();
    const saved = await put(relay, {
      relay: {
        host: '127.0.0.1',
        port: first.port,
        pinSha256: pin,
        auth: { user: 'relayuser', password: 's3cret-pass' },
      },
    });
    expect(saved.body.ok).toBe(true);
    const testSaved = () =>
      relay.api<{ ok: boolean }>('/api/v1/relay/test', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });

    const moved = await put(relay, { relay: { port: second.port } });
    expect(moved).toMatchObject({ status: 200, body: { ok: true } });
    expect((await view(relay)).values.relay).toMatchObject({
      host: '127.0.0.1',
      port: second.port,
      pinSha256: pin,
      auth: { user: 'relayuser', passwordSet: true },
    });
    // the kept password and pin work: the test logs in over TLS at the new port
    expect(await testSaved()).toMatchObject({ ok: true });
    expect(second.connections).toBeGreaterThan(0);

    // a pin made for one host is not carried to another unnamed: refused, nothing changed
    const before = await view(relay);
    const renamed = await put(relay, { relay: { host: 'localhost' } });
    expect(renamed.status).toBe(400);
    expect(renamed.body.errors).toEqual([
      expect.objectContaining({
        field: 'relay.pinSha256',
        value: pin,
        message: expect.stringMatching(
          /^relay\.pinSha256: the saved pin was made for 127\.0\.0\.1's certificate, not "localhost"'s; .*"pinSha256": null/,
        ),
      }),
    ]);
    expect(await view(relay)).toEqual(before);
    // named again (the same server under another name), the login is kept too
    const same = await put(relay, { relay: { host: 'localhost', pinSha256: pin } });
    expect(same.body.ok).toBe(true);
    expect(await testSaved()).toMatchObject({ ok: true });

    // null takes a part away, the rest stays
    const unpinned = await put(relay, { relay: { pinSha256: null } });
    expect(unpinned.body.ok).toBe(true);
    const left = (await view(relay)).values.relay;
    expect(left?.pinSha256).toBeUndefined();
    expect(left?.auth).toMatchObject({ user: 'relayuser', passwordSet: true });
    await put(relay, { relay: { auth: null } });
    expect((await view(relay)).values.relay?.auth).toBeUndefined();
    const file = JSON.parse(await readFile(join(relay.dataDir, 'settings.json'), 'utf8'));
    expect(file.relay).toMatchObject({ host: 'localhost', port: second.port });
    expect(file.relay.auth).toBeUndefined();
  });
});

describe('saved settings across a restart', () => {
  it('keeps what was saved', async () => {
    const dataDir = await makeDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const first = await startTestRelaydesk({}, dataDir);
    const saved = await put(first, {
      maxMessages: 123,
      mode: 'rules',
      rules: [
        { match: { recipient: '*@kept.example' }, action: { type: 'capture', mailbox: 'kept' } },
      ],
    });
    expect(saved.body.ok).toBe(true);
    await first.dispose();

    const second = await startTestRelaydesk({}, dataDir);
    cleanups.push(() => second.dispose());
    const after = await view(second);
    expect(after.values.maxMessages).toBe(123);
    expect(after.values.rules).toEqual([
      { match: { recipient: '*@kept.example' }, action: { type: 'capture', mailbox: 'kept' } },
    ]);
    await second.transport().sendMail({ from: 'a@s.example', to: 'x@kept.example', text: 'x' });
    expect((await second.api<MessagesPage>('/api/v1/search?query=mailbox:kept')).total).toBe(1);
  });

  it('shows settings pinned by an environment variable or a flag, and refuses to change them', async () => {
    const dataDir = await makeDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const resolved = await resolveWithSaved({
      env: { RELAYDESK_MAX_MESSAGES: '77' },
      flags: { '--smtp': '127.0.0.1:0', '--http': '127.0.0.1:0', '--data': dataDir },
    });
    const running = await startRelaydesk({ resolved: resolved.settings, saved: resolved });
    cleanups.push(() => running.close());
    const base = `http://127.0.0.1:${running.http.port}`;
    const shown = (await (await fetch(`${base}/api/v1/settings`)).json()) as SettingsView;
    expect(shown.pinned).toMatchObject({ maxMessages: 'RELAYDESK_MAX_MESSAGES', smtp: '--smtp' });
    // sending the pinned value back unchanged is fine; changing it is refused by name
    const res = await fetch(`${base}/api/v1/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...shown.values, maxMessages: 5, maxAgeDays: 2 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as SettingsSaveResult;
    expect(body.errors).toEqual([
      expect.objectContaining({
        field: 'maxMessages',
        message: expect.stringContaining('set by RELAYDESK_MAX_MESSAGES'),
      }),
    ]);
    expect(running.service.settings.maxAgeDays).toBe(0);
  });

  it('refuses a UI address beyond this machine without a UI password, which would not start', async () => {
    const dataDir = await makeDataDir();
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const resolved = await resolveWithSaved({
      env: {},
      flags: { '--smtp': '127.0.0.1:0', '--data': dataDir },
      configValues: { http: '127.0.0.1:0' },
    });
    const running = await startRelaydesk({ resolved: resolved.settings, saved: resolved });
    cleanups.push(() => running.close());
    const res = await fetch(`http://127.0.0.1:${running.http.port}/api/v1/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ http: { host: '0.0.0.0', port: 8025 } }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as SettingsSaveResult).errors).toEqual([
      expect.objectContaining({
        field: 'http.host',
        value: '0.0.0.0',
        message: expect.stringContaining('--ui-password-file'),
      }),
    ]);
  });
});
