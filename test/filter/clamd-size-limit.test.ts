// A message larger than clamd's StreamMaxLength (25M in Debian's clamd.conf, below what an
// administrator may allow with --max-size) cannot be scanned by that clamd, ever: a real clamd
// with `StreamMaxLength 1M`, real SMTP sessions. A 451 would be answered again at each retry for
// days; the sender must hear at once, or (clamdUnavailable=accept) the message pass flagged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clamdTool, startClamd, type TestClamd } from '../helpers/clamd.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool } from '../helpers/system-tools.js';

const clamdPath = requireTool(clamdTool);
/** Over the 1M StreamMaxLength below, well under the relay's size limit. */
const twoMegabytes = 'x'.repeat(76).concat('\n').repeat(28_000);

interface SmtpError extends Error {
  responseCode?: number;
  response?: string;
}

async function send(relay: TestRelaydesk): Promise<{ id: string | null; error: SmtpError | null }> {
  try {
    const info = await relay.transport().sendMail({
      from: 'app@sender.example',
      to: 'bob@example.com',
      subject: 'the big report',
      text: 'attached',
      attachments: [{ filename: 'report.txt', content: twoMegabytes }],
    });
    return { id: /queued as (\S+)/.exec(info.response)?.[1] ?? null, error: null };
  } catch (err) {
    return { id: null, error: err as SmtpError };
  }
}

describe.skipIf(!clamdPath)('a message over clamd StreamMaxLength', () => {
  let clamd: TestClamd;
  const relays: TestRelaydesk[] = [];

  beforeAll(async () => {
    clamd = await startClamd(clamdPath as string, Buffer.from('unused'), ['StreamMaxLength 1M']);
  }, 90_000);

  afterAll(async () => {
    for (const relay of relays) await relay.dispose();
    await clamd?.stop();
  });

  it('is refused for good with 552 5.3.4, not deferred, and the log says what to change', async () => {
    const relay = await startTestRelaydesk({ clamd: clamd.address });
    relays.push(relay);
    const log: string[] = [];
    relay.service.on('log', (line) => log.push(line));
    const { error } = await send(relay);
    expect(error?.response).toBe('552 5.3.4 Message too large for the virus scanner');
    expect(relay.service.total).toBe(0);
    expect(log.join('\n')).toMatch(
      /result=rejected .*reply=552 reason=".*StreamMaxLength.*raise StreamMaxLength in clamd\.conf to at least maxSize, or set clamdUnavailable to accept"/,
    );
  });

  it('with clamdUnavailable=accept, is accepted and flagged not scanned', async () => {
    const relay = await startTestRelaydesk({ clamd: clamd.address, clamdUnavailable: 'accept' });
    relays.push(relay);
    const { id, error } = await send(relay);
    expect(error).toBeNull();
    const record = relay.service.record(id as string);
    expect(record.filter).toMatchObject({ action: 'tagged', scan: 'not-scanned' });
    expect(record.tags).toContain('not-scanned');
  });
});
