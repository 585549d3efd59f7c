// A quota set mid-incident counts the mail already taken in its window. Counted only from the
// save, "5 an hour" set after the login had sent 5 let it send 5 more at once. Real SMTP
// submissions (swaks, logged in) before and after the save through the settings API. (The
// listener stamps arrivals with the real clock, so the window is the real last hour here.)
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quotaJournalName } from '../../main/core/sender-control/quota-journal.js';
import type { QuotaUsageView } from '../../preload/api-contract.js';
import { eventually } from '../helpers/eventually.js';
import { makeDataDir, startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const run = promisify(execFile);
const swaks = requireTool(tools.swaks);

describe.skipIf(!swaks)('a quota saved while running', () => {
  let relay: TestRelaydesk;

  beforeAll(async () => {
    relay = await startTestRelaydesk({});
  }, 30_000);
  afterAll(async () => relay?.dispose());

  /** One message as `user` (loopback: any password); the server's last reply line. */
  async function send(user: string, to = ['a@far.example'], via = relay): Promise<string> {
    const args = [
      ...['--server', `127.0.0.1:${via.smtp.port}`, '--auth', 'PLAIN'],
      ...['--auth-user', user, '--auth-password', 'any'],
      ...['--from', `${user}@office.example`, '--to', to.join(',')],
      ...['--body', 'cheap pills'],
    ];
    let out: string;
    try {
      out = (await run(swaks as string, args)).stdout;
    } catch (err) {
      out = (err as { stdout: string }).stdout;
    }
    const replies = out.split('\n').filter((l) => /^ *<~?\*?\*? +\d{3}/.test(l));
    return replies.find((l) => / (?:250 .*queued|4\d\d|5\d\d) /.test(l))?.trim() ?? out;
  }

  async function saveQuotas(quotas: unknown[]): Promise<void> {
    const answer = await relay.fetch('/api/v1/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quotas }),
    });
    expect(answer.status, await answer.clone().text()).toBe(200);
  }

  const usage = async (via = relay) =>
    (
      await via
        .fetch('/api/v1/quotas')
        .then((r) => r.json() as Promise<{ usage: QuotaUsageView[] }>)
    ).usage.map(({ key, lastHour, lastDay, recipientsLastDay }) => ({
      key,
      lastHour,
      lastDay,
      recipientsLastDay,
    }));

  it('counts what the login sent in the window before the save, and refuses once it is full', async () => {
    // five messages from alice, one to two recipients, and one from bob
    for (const to of [['a@far.example'], ['b@far.example', 'c@far.example'], ['d@far.example']])
      expect(await send('alice', to)).toMatch(/250 .*queued/);
    expect(await send('alice')).toMatch(/250 .*queued/);
    expect(await send('alice')).toMatch(/250 .*queued/);
    expect(await send('bob')).toMatch(/250 .*queued/);

    // the admin sees the spam and sets 6 an hour on alice: her five are in its hour
    await saveQuotas([{ user: 'alice', perHour: 6 }]);
    // counted at the save, not by the next MAIL (the index read on the SMTP path): the counters
    // file has her five before anything else is asked of the relay
    await eventually(async () => {
      const lines = await readFile(join(relay.dataDir, quotaJournalName), 'utf8').catch(() => '');
      return lines.split('\n').filter((line) => line.includes('user alice')).length;
    }).toBe(5);
    expect(await usage()).toEqual([
      { key: 'user alice', lastHour: 5, lastDay: 5, recipientsLastDay: 6 },
    ]);
    expect(await send('alice')).toMatch(/250 .*queued/);
    expect(await send('alice')).toMatch(
      /451 4\.7\.1 Quota exceeded for user alice: at most 6 messages an hour/,
    );
    expect(await send('bob')).toMatch(/250 .*queued/);

    // a changed quota that now counts bob counts his two of today at once
    await saveQuotas([
      { user: 'alice', perHour: 6 },
      { user: 'b*', perDay: 2 },
    ]);
    expect(await send('bob')).toMatch(
      /451 4\.7\.1 Quota exceeded for user bob: at most 2 messages a day/,
    );
    // alice's counters were kept, not counted again from the index
    expect(await usage()).toContainEqual({
      key: 'user alice',
      lastHour: 6,
      lastDay: 6,
      recipientsLastDay: 7,
    });
  });

  // the quota added to the settings file while the relay was stopped, as an admin may do
  it('counts, at start, the mail of a sender the counters file has nothing of', async () => {
    const dir = await makeDataDir();
    const first = await startTestRelaydesk({}, dir);
    try {
      expect(await send('carol', ['a@far.example'], first)).toMatch(/250 .*queued/);
      expect(await send('carol', ['b@far.example'], first)).toMatch(/250 .*queued/);
    } finally {
      await first.dispose();
    }
    const second = await startTestRelaydesk({ quotas: [{ user: 'carol', perHour: 3 }] }, dir);
    try {
      expect(await usage(second)).toEqual([
        { key: 'user carol', lastHour: 2, lastDay: 2, recipientsLastDay: 2 },
      ]);
      expect(await send('carol', ['c@far.example'], second)).toMatch(/250 .*queued/);
      expect(await send('carol', ['d@far.example'], second)).toMatch(/451 4\.7\.1 Quota exceeded/);
    } finally {
      await second.dispose();
    }
  });
});
