// The spam check against a real SpamAssassin spamd started here, through Mailpit's own client
// (`spamAssassinCheck`) and plain HTTP: the score, each rule that fired, and a clear "not
// available" (never an error page) when spamd is not configured or not running.
import { MailpitClient } from 'mailpit-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { freePort, startSpamd, type RunningSpamd } from '../helpers/spamd.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const spamdCommand = requireTool(tools.spamd);

async function sendSpam(relay: TestRelaydesk): Promise<string> {
  const info = await relay.transport().sendMail({
    from: 'winner@lottery.example',
    to: 'bob@rcpt.example',
    subject: 'Cheap viagra and a million dollars for you',
    text: 'Buy viagra now! You have won ONE MILLION DOLLARS ($1,000,000.00). Click to claim.',
  });
  return /queued as (\S+)/.exec(info.response)?.[1] as string;
}

describe.skipIf(!spamdCommand)('the spam check with a real spamd', () => {
  let spamd: RunningSpamd;
  let relay: TestRelaydesk;
  let client: MailpitClient;

  beforeAll(async () => {
    spamd = await startSpamd(spamdCommand as string);
    relay = await startTestRelaydesk({
      spamassassin: `${spamd.address.host}:${spamd.address.port}`,
    });
    client = new MailpitClient(`http://127.0.0.1:${relay.http.port}`);
  }, 90_000);
  afterAll(async () => {
    await relay?.dispose();
    await spamd?.stop();
  });

  it("shows the score and every rule that fired, in Mailpit's shape", async () => {
    const id = await sendSpam(relay);
    const result = await client.spamAssassinCheck(id);
    expect(result.Error).toBe('');
    const names = (result.Rules ?? []).map((r) => r.Name);
    expect(names).toContain('DRUGS_ERECTILE');
    const drug = result.Rules?.find((r) => r.Name === 'DRUGS_ERECTILE');
    expect(drug?.Score).toBeGreaterThan(0);
    expect(drug?.Description).toMatch(/erectile/i);
    // the total is the sum of the rules (each shown to one decimal)
    const sum = (result.Rules ?? []).reduce((total, r) => total + r.Score, 0);
    expect(Math.abs(sum - result.Score)).toBeLessThan(0.1 * names.length + 0.05);
    expect(result.Score).toBeGreaterThan(0);
    const threshold = (result as typeof result & { Threshold: number }).Threshold;
    expect(threshold).toBeGreaterThan(0);
    expect(result.IsSpam).toBe(result.Score >= threshold);
  });

  it('scores a plain, complete message lower than the spam', async () => {
    const info = await relay.transport().sendMail({
      from: 'ada@sender.example',
      to: 'bob@rcpt.example',
      subject: 'Minutes of Tuesday',
      text: 'Hello Bob,\n\nthe minutes of Tuesday are in the shared folder.\n\nAda\n',
    });
    const id = /queued as (\S+)/.exec(info.response)?.[1] as string;
    const spam = await client.spamAssassinCheck(await sendSpam(relay));
    const plain = await client.spamAssassinCheck(id);
    expect(plain.Error).toBe('');
    expect(plain.IsSpam).toBe(false);
    expect(plain.Score).toBeLessThan(spam.Score);
    expect(plain.Rules?.map((r) => r.Name)).not.toContain('DRUGS_ERECTILE');
  });

  it('answers 404 for an unknown message', async () => {
    const res = await relay.fetch('/api/v1/message/no-such-id/sa-check');
    expect(res.status).toBe(404);
  });
});

describe('the spam check without spamd', () => {
  let relay: TestRelaydesk;
  afterAll(async () => relay?.dispose());

  it('says SpamAssassin is not configured, with how to configure it', async () => {
    relay = await startTestRelaydesk();
    const id = await sendSpam(relay);
    const res = await relay.fetch(`/api/v1/message/${id}/sa-check`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { Error: string; Rules: unknown; Score: number };
    expect(body.Error).toMatch(/not available/);
    expect(body.Error).toMatch(/--spamassassin HOST:PORT/);
    expect(body.Rules).toBeNull();
    expect(body.Score).toBe(0);
  });

  it('says spamd is not available when nothing listens at its address', async () => {
    const port = await freePort();
    const unreachable = await startTestRelaydesk({ spamassassin: `127.0.0.1:${port}` });
    try {
      const id = await sendSpam(unreachable);
      const client = new MailpitClient(`http://127.0.0.1:${unreachable.http.port}`);
      const result = await client.spamAssassinCheck(id);
      // a sentence as the unconfigured one is (it was "not available: SpamAssassin (spamd at …)")
      expect(result.Error).toBe(
        `SpamAssassin is not available: spamd at 127.0.0.1:${port}: connection refused; is spamd running?`,
      );
      expect(result.IsSpam).toBe(false);
    } finally {
      await unreachable.dispose();
    }
  });
});
