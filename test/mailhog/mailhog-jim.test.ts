// MailHog's Jim at /api/v2/jim (what cypress-mailhog's mhSetJimMode calls): invited, changed
// and sent away over HTTP, seen at MAIL and RCPT by a real SMTP session, as MailHog's api/v2.go
// answers (201, 400 when already there, 404 when not), on top of Relaydesk's chaos triggers.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { SmtpWire } from '../helpers/smtp-wire.js';

let relay: TestRelaydesk | undefined;
afterEach(async () => {
  await relay?.dispose();
  relay = undefined;
});

function jimCall(r: TestRelaydesk, method: string, body?: unknown, prefix = ''): Promise<Response> {
  return r.fetch(`${prefix}/api/v2/jim`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
}

/** The replies to MAIL FROM and RCPT TO of one session. */
async function mailAndRcpt(r: TestRelaydesk): Promise<[string, string]> {
  const wire = await SmtpWire.connect(r.smtp.port);
  try {
    await wire.reply();
    await wire.command('EHLO client.test');
    const mail = await wire.command('MAIL FROM:<app@sender.example>');
    const rcpt = mail.startsWith('250') ? await wire.command('RCPT TO:<bob@rcpt.example>') : '';
    await wire.command('QUIT');
    return [mail, rcpt];
  } finally {
    wire.close();
  }
}

describe("MailHog's Jim", () => {
  it('is invited, changed and sent away as MailHog answers, and fails MAIL and RCPT as asked', async () => {
    relay = await startTestRelaydesk({ enableChaos: true });
    expect((await jimCall(relay, 'GET')).status).toBe(404);
    expect((await jimCall(relay, 'DELETE')).status).toBe(404);

    const invited = await jimCall(relay, 'POST', { RejectSenderChance: 1 });
    expect(invited.status).toBe(201);
    expect((await jimCall(relay, 'POST', {})).status).toBe(400); // already there
    expect(await (await jimCall(relay, 'GET')).json()).toEqual({
      DisconnectChance: 0,
      AcceptChance: 0,
      LinkSpeedAffect: 0,
      LinkSpeedMin: 0,
      LinkSpeedMax: 0,
      RejectSenderChance: 1,
      RejectRecipientChance: 0,
      RejectAuthChance: 0,
    });
    expect((await mailAndRcpt(relay))[0]).toMatch(/^550 /);

    // the same Jim under MailHog's prefix; a change moves the failure to RCPT
    expect(
      (await jimCall(relay, 'PUT', { RejectRecipientChance: 1, AcceptChance: 1 }, '/mailhog'))
        .status,
    ).toBe(200);
    const [mail, rcpt] = await mailAndRcpt(relay);
    expect(mail).toMatch(/^250/);
    expect(rcpt).toMatch(/^550 /);
    expect(await (await relay.fetch('/api/v1/chaos')).json()).toMatchObject({
      Recipient: { ErrorCode: 550, Probability: 100 },
      Sender: { Probability: 0 },
    });

    expect((await jimCall(relay, 'DELETE')).status).toBe(200);
    expect((await jimCall(relay, 'GET')).status).toBe(404);
    expect(await mailAndRcpt(relay)).toEqual([
      expect.stringMatching(/^250/),
      expect.stringMatching(/^250/),
    ]);
  });

  it("invited without a body brings MailHog's defaults, and says what is not simulated", async () => {
    relay = await startTestRelaydesk({ enableChaos: true });
    expect((await jimCall(relay, 'POST')).status).toBe(201);
    const got = await jimCall(relay, 'GET');
    expect(await got.json()).toMatchObject({ RejectSenderChance: 0.05, AcceptChance: 0.99 });
    expect(got.headers.get('x-relaydesk-note')).toMatch(
      /DisconnectChance 0\.005, AcceptChance 0\.99, LinkSpeedAffect 0\.1 not simulated/,
    );
    expect(await (await relay.fetch('/api/v1/chaos')).json()).toMatchObject({
      Sender: { ErrorCode: 550, Probability: 5 },
      Authentication: { ErrorCode: 535, Probability: 5 },
    });
    const bad = await jimCall(relay, 'PUT', { RejectSenderChance: 5 });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(
      'RejectSenderChance: 5 is not valid; a chance is a number from 0 to 1',
    );
  });

  it('without --enable-chaos, inviting Jim says how to allow it', async () => {
    relay = await startTestRelaydesk();
    const res = await jimCall(relay, 'POST', { RejectSenderChance: 1 });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/--enable-chaos/);
    expect((await mailAndRcpt(relay))[0]).toMatch(/^250/);
  });
});
