// The SMTP user of a quota or a suspension written as an admin coming from Postfix writes a
// domain (`@office.example`) or copies an address from a log line (`<anna@office.example>`):
// neither can match a user name, so the quota limited nobody and the suspension stopped nobody
// while the settings and the list said otherwise. Both are refused with the form to use, over
// the settings API (the GUI's save) and the suspensions API, and the form given works over real
// SMTP sessions of a user named like an address.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession, plainToken } from '../helpers/smtp-wire.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function relaydesk(): Promise<TestRelaydesk> {
  const relay = await startTestRelaydesk({});
  cleanups.push(() => relay.dispose());
  return relay;
}

/** MAIL FROM after AUTH PLAIN as `user` (loopback: any password), then DATA to the end. */
async function sendAs(relay: TestRelaydesk, user: string): Promise<string> {
  const wire = await greetedSession(relay.smtp.port);
  try {
    expect(await wire.command(`AUTH PLAIN ${plainToken(user, 'any')}`)).toMatch(/^235/);
    const mail = await wire.command(`MAIL FROM:<${user}>`);
    if (!mail.startsWith('250')) return mail;
    expect(await wire.command('RCPT TO:<bob@partner.example>')).toMatch(/^250/);
    expect(await wire.command('DATA')).toMatch(/^354/);
    return await wire.command('Subject: hello\r\n\r\nhello\r\n.');
  } finally {
    wire.close();
  }
}

const mistakes: Array<[string, string]> = [
  [
    '@office.example',
    'has nothing before the "@", so it matches no user name; give "*@office.example" for every user of that domain',
  ],
  [
    '<anna@office.example>',
    'is in angle brackets, which no user name has; give "anna@office.example"',
  ],
];

describe('a user that no SMTP user name can be', () => {
  it('is refused as a quota user with the field, the value and the fix; the fix limits the user', async () => {
    const relay = await relaydesk();
    const save = (quotas: unknown) =>
      relay.fetch('/api/v1/settings', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ quotas }),
      });
    for (const [user, fix] of mistakes) {
      const res = await save([{ user, perHour: 1 }]);
      expect(res.status, user).toBe(400);
      const body = (await res.json()) as { errors: Array<{ field: string; message: string }> };
      expect(body.errors).toEqual([
        expect.objectContaining({
          field: 'quotas[0].user',
          message: `quotas[0].user: ${JSON.stringify(user)} ${fix}`,
        }),
      ]);
    }
    expect(
      (await relay.api<{ values: { quotas: unknown[] } }>('/api/v1/settings')).values.quotas,
    ).toEqual([]);

    expect((await save([{ user: '*@office.example', perHour: 1 }])).status).toBe(200);
    expect(await sendAs(relay, 'anna@office.example')).toMatch(/^250/);
    expect(await sendAs(relay, 'anna@office.example')).toMatch(
      /^451 4\.7\.1 Quota exceeded for user anna@office\.example: at most 1 message an hour/,
    );
  });

  it('is refused as a suspended user with the fix; the fix stops the user', async () => {
    const relay = await relaydesk();
    const suspend = (Value: string) =>
      relay.fetch('/api/v1/suspensions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Kind: 'user', Value, Reason: 'password phished' }),
      });
    for (const [value, fix] of mistakes) {
      const res = await suspend(value);
      expect(res.status, value).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBe(
        `Value: ${JSON.stringify(value)} ${fix}`,
      );
    }
    // nothing listed as suspended, and the user is (visibly) still let in
    expect(await relay.api('/api/v1/suspensions')).toEqual([]);
    expect(await sendAs(relay, 'anna@office.example')).toMatch(/^250/);

    expect((await suspend('*@office.example')).status).toBe(201);
    expect(await sendAs(relay, 'anna@office.example')).toBe(
      '554 5.7.1 User suspended: password phished',
    );
  });
});
