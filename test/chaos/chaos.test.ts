// Chaos: Mailpit's triggers make the SMTP listener fail on purpose. Driven with Mailpit's own
// npm client, seen by nodemailer as a real SMTP error, and survived by a retrying sender.
import { MailpitClient } from 'mailpit-api';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk | undefined;
afterEach(async () => {
  await relay?.dispose();
  relay = undefined;
});

const mail = { from: 'app@sender.example', to: 'bob@rcpt.example', subject: 'Hi', text: 'x' };

describe('chaos', () => {
  it('is off by default, and then the API refuses to set it, as Mailpit does', async () => {
    relay = await startTestRelaydesk();
    const client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
    await expect(client.getChaosTriggers()).rejects.toThrow(/400.*Chaos is not enabled/);
    await expect(
      client.setChaosTriggers({ Sender: { ErrorCode: 451, Probability: 100 } }),
    ).rejects.toThrow(/400.*--enable-chaos/);
    expect((await client.getInfo()) as unknown).toMatchObject({
      Chaos: { Enabled: false, Active: false },
    });
    await expect(relay.transport().sendMail(mail)).resolves.toMatchObject({
      response: expect.stringMatching(/^250/),
    });
  });

  it('fails MAIL FROM, RCPT TO and AUTH with the configured codes, seen by nodemailer', async () => {
    const lines: string[] = [];
    relay = await startTestRelaydesk({ enableChaos: true });
    relay.service.on('log', (line) => lines.push(line));
    const client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
    expect(await client.getChaosTriggers()).toEqual({
      Sender: { ErrorCode: 451, Probability: 0 },
      Recipient: { ErrorCode: 451, Probability: 0 },
      Authentication: { ErrorCode: 535, Probability: 0 },
    });

    const set = await client.setChaosTriggers({ Sender: { ErrorCode: 421, Probability: 100 } });
    // triggers left out are reset, an ErrorCode left out takes the default
    expect(set).toEqual({
      Sender: { ErrorCode: 421, Probability: 100 },
      Recipient: { ErrorCode: 451, Probability: 0 },
      Authentication: { ErrorCode: 535, Probability: 0 },
    });
    expect(lines.some((l) => /chaos: ON.*Sender 421 at 100%/.test(l))).toBe(true);
    expect((await client.getInfo()) as unknown).toMatchObject({
      Chaos: { Enabled: true, Active: true, Triggers: set },
    });
    await expect(relay.transport().sendMail(mail)).rejects.toMatchObject({
      responseCode: 421,
      command: 'MAIL FROM',
      response: expect.stringMatching(/Chaos sender error/),
    });

    await client.setChaosTriggers({ Recipient: { ErrorCode: 550, Probability: 100 } });
    await expect(relay.transport().sendMail(mail)).rejects.toMatchObject({
      responseCode: 550,
      response: expect.stringMatching(/Chaos recipient error/),
    });

    // an ErrorCode of 0 takes the default (535 for AUTH), as in Mailpit
    await client.setChaosTriggers({ Authentication: { ErrorCode: 0, Probability: 100 } });
    const withAuth = relay.transport({ user: 'app', pass: 'secret' });
    await expect(withAuth.sendMail(mail)).rejects.toMatchObject({
      responseCode: 535,
      response: expect.stringMatching(/Chaos authentication error/),
    });

    await client.setChaosTriggers({});
    expect((await client.getInfo()) as unknown).toMatchObject({ Chaos: { Active: false } });
    await expect(relay.transport().sendMail(mail)).resolves.toMatchObject({
      response: expect.stringMatching(/^250/),
    });
  });

  it('lets a retrying sender get through when the probability is below 100', async () => {
    relay = await startTestRelaydesk({ chaosTriggers: 'Sender:451:50' });
    const transport = relay.transport();
    let failures = 0;
    let delivered = 0;
    // an application's retry loop: retry on 4xx until it has seen both outcomes
    for (let attempt = 0; attempt < 400 && (failures === 0 || delivered === 0); attempt++) {
      try {
        await transport.sendMail(mail);
        delivered++;
      } catch (err) {
        expect((err as { responseCode?: number }).responseCode).toBe(451);
        failures++;
      }
    }
    expect(failures).toBeGreaterThan(0);
    expect(delivered).toBeGreaterThan(0);
    const list = await relay.api<{ total: number }>('/api/v1/messages');
    expect(list.total).toBe(delivered);
  });

  it('refuses a PUT with no body, as Mailpit, and keeps the triggers set', async () => {
    relay = await startTestRelaydesk({ chaosTriggers: 'Sender:451:50' });
    // `curl -X PUT …/api/v1/chaos`
    const res = await relay.fetch('/api/v1/chaos', { method: 'PUT' });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/^body: missing; .*nothing was changed$/);
    const client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
    expect((await client.getChaosTriggers()).Sender).toEqual({ ErrorCode: 451, Probability: 50 });
    // the client's reset sends {}, which still resets
    expect((await client.setChaosTriggers()).Sender).toEqual({ ErrorCode: 451, Probability: 0 });
  });

  it('refuses bad triggers, naming the field and the fix', async () => {
    relay = await startTestRelaydesk({ enableChaos: true });
    const res = await relay.fetch('/api/v1/chaos', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Recipient: { ErrorCode: 250, Probability: 10 } }),
    });
    expect(res.status).toBe(400);
    // Mailpit's chaos route answers its errors as text
    expect(await res.text()).toMatch(/Recipient\.ErrorCode: 250.*between 400 and 599/);
    await expect(startTestRelaydesk({ chaosTriggers: 'Sender:451:150' })).rejects.toThrow(
      /"chaosTriggers" in the settings file: "Sender:451:150" is not valid; use Mailpit's form/,
    );
  });
});
