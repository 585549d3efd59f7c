// A settings save that cannot be written (a real full disk: a small tmpfs, which needs root to
// mount; elsewhere the test is skipped with a line saying why) is refused with why, what stays
// as it was and the fix, not as an "internal error"; nothing of it applies, and once there is
// room again the same save goes through.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SettingsView } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { fillDisk, makeRoom, removeSmallDisk, smallDisk } from '../helpers/small-disk.js';

let disk: string | null = null;
let relay: TestRelaydesk | null = null;

beforeAll(async () => {
  disk = await smallDisk('the unwritable settings test');
});

afterAll(async () => {
  // the relay first: a folder in use cannot be unmounted
  await relay?.dispose();
  await removeSmallDisk(disk);
});

it('a save onto a full disk says why and what to do, and changes nothing', async (context) => {
  if (!disk) return context.skip();
  const dataDir = join(disk, 'data');
  relay = await startTestRelaydesk({}, dataDir);
  const settingsFile = join(dataDir, 'settings.json');
  const put = (change: unknown) =>
    relay!.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(change),
    });

  await fillDisk(disk);
  const refused = await put({ maxMessages: 300, relayRetentionDays: 3 });
  expect(refused.status).toBe(500);
  const { error } = (await refused.json()) as { error: string };
  expect(error).toMatch(
    new RegExp(
      `^the disk holding ${settingsFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is full \\(ENOSPC\\), so nothing was saved or changed: maxMessages, relayRetentionDays keep their current values; free space on that disk, then save again \\(id [0-9a-f]+\\); the server's log has the details$`,
    ),
  );
  const view = await relay.api<SettingsView>('/api/v1/settings');
  expect(view.values.maxMessages).toBe(5000);
  expect(view.values.relayRetentionDays).toBe(7);

  // room again: the same save goes through
  makeRoom(disk);
  const saved = await put({ maxMessages: 300, relayRetentionDays: 3 });
  expect(saved.status).toBe(200);
  expect((await relay.api<SettingsView>('/api/v1/settings')).values.maxMessages).toBe(300);
  await relay.dispose();
  relay = null;
  await rm(dataDir, { recursive: true, force: true });
});
