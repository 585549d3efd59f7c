// The connection check reads the users file at most once a second; AUTH always reads it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserStore } from '../../main/core/policy/user-store.js';
import { letTimePass } from '../helpers/eventually.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

describe('users written by another process', () => {
  it('count for a connection within the recheck time, and at once for a full refresh', async () => {
    dir = await mkdtemp(join(tmpdir(), 'relaydesk-users-'));
    const relay = new UserStore(dir);
    // `relaydesk user add` is another process: another store on the same file
    const cli = new UserStore(dir);
    await relay.refreshIfOlder(1000);
    expect(relay.count).toBe(0);
    await cli.set('ada', 'a-long-password', 'add');
    await relay.refreshIfOlder(60_000);
    expect(relay.count).toBe(0);
    await relay.refresh();
    expect(relay.count).toBe(1);
    await cli.remove('ada');
    // the recheck time passing is what is under test
    await letTimePass(30);
    await relay.refreshIfOlder(20);
    expect(relay.count).toBe(0);
  });
});
