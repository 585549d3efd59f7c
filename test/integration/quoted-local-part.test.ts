// A quoted local part with a space (`"john smith"@example.net`) is a valid SMTP path (RFC 5321
// §4.1.2 Quoted-string) that Postfix takes; smtp-server's own parser splits it at the space and
// answered 501. Sent by Python's smtplib and swaks, it must be accepted, stored, listed and relayed
// (to Postfix's smtp-sink) with its quotes, and its ESMTP parameters still read.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TunedSMTPServer } from '../../main/core/listener/smtp-server-tuned.js';
import { settled } from '../helpers/delivery.js';
import { tryConnect } from '../helpers/cli-process.js';
import { waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession, runPython } from '../helpers/smtp-wire.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const execFileAsync = promisify(execFile);
const smtpSink = requireTool(tools.smtpSink);
const python = requireTool(tools.python3);
const swaks = requireTool(tools.swaks);

let relay: TestRelaydesk;
let stopSink: () => void = () => undefined;

beforeAll(async () => {
  if (!smtpSink) return;
  const port = await freePort();
  // smtp-sink refuses to run as root unless told whom to become
  const asUser = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const sink = spawn(smtpSink, [...asUser, '-c', `127.0.0.1:${port}`, '10'], { stdio: 'ignore' });
  stopSink = () => sink.kill('SIGKILL');
  await waitFor('smtp-sink to listen', async () => (await tryConnect(port)) === 'connected');
  relay = await startTestRelaydesk({
    mode: 'relay',
    relay: { host: '127.0.0.1', port, security: 'none' },
  });
});
afterAll(async () => {
  await relay?.dispose();
  stopSink();
});

const smtplibScript = `
import smtplib, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]))
s.ehlo()
print(s.mail('"a b"@example.com', ['SIZE=200', 'BODY=8BITMIME']))
print(s.rcpt('"john smith"@example.net'))
print(s.rcpt('bob@example.net'))
code, reply = s.data(b'From: "a b"@example.com\\r\\nTo: "john smith"@example.net\\r\\nSubject: quoted\\r\\n\\r\\nhi\\r\\n')
print(reply.decode())
s.quit()
`;
import { unusedPort as freePort } from '../helpers/ports.js';

describe.skipIf(!smtpSink || !python)('a quoted local part with a space', () => {
  it('is accepted from smtplib, stored, listed and relayed with its quotes', async () => {
    const out = await runPython(python as string, smtplibScript, [String(relay.smtp.port)]);
    expect(out).toContain("(250, b'2.1.0 Accepted')");
    expect(out.match(/\(250, b'2\.1\.5 Accepted'\)/g)).toHaveLength(2);
    const id = /queued as (\S+)/.exec(out)?.[1] as string;
    expect(id).toBeTruthy();

    const delivery = await settled(relay, id, (d) => d.status === 'delivered');
    expect(delivery.recipients.map((r) => [r.address, r.state])).toEqual([
      ['"john smith"@example.net', 'relayed'],
      ['bob@example.net', 'relayed'],
    ]);
    const transcript = delivery.recipients[0]?.attempts[0]?.transcript ?? '';
    expect(transcript).toMatch(/^C: MAIL FROM:<"a b"@example\.com>/m);
    expect(transcript).toMatch(/^C: RCPT TO:<"john smith"@example\.net>$/m);

    type Listed = { messages: Array<{ ID: string; To: Array<{ Address: string }> }> };
    const listed = await relay.api<Listed>('/api/v1/messages');
    expect(listed.messages.find((m) => m.ID === id)?.To).toEqual([
      { Name: '', Address: '"john smith"@example.net' },
    ]);
    type Route = { envelope: { mailFrom: string; rcptTo: string[]; bcc: string[] } };
    const route = await relay.api<Route>(`/api/v1/message/${id}/route`);
    expect(route.envelope).toMatchObject({
      mailFrom: '"a b"@example.com',
      rcptTo: ['"john smith"@example.net', 'bob@example.net'],
      bcc: ['bob@example.net'],
    });
  });

  it('keeps the ESMTP parameters after the path (SIZE is still checked)', async () => {
    const wire = await greetedSession(relay.smtp.port);
    expect(await wire.command('MAIL FROM:<"a b"@example.com> SIZE=999999999999')).toMatch(/^552 /);
    expect(await wire.command('MAIL FROM:<"a b"@example.com> SIZE=10 BODY=8BITMIME')).toMatch(
      /^250 /,
    );
    // a tab is not qtextSMTP, and a control character is never accepted
    expect(await wire.command('RCPT TO:<"john\tsmith"@example.net>')).toMatch(/^501 /);
    // a parameter that needs a value and has none is still refused by smtp-server's own checks
    expect(await wire.command('RCPT TO:<"john smith"@example.net> ORCPT')).toMatch(/^501 /);
    expect(await wire.command('RCPT TO:<"john smith"@example.net>')).toMatch(/^250 /);
    wire.close();
  });

  it.skipIf(!swaks)('is accepted from swaks', async () => {
    const { stdout } = await execFileAsync(swaks as string, [
      '--server',
      `127.0.0.1:${relay.smtp.port}`,
      '--from',
      '"a b"@example.com',
      '--to',
      '"john smith"@example.net',
    ]);
    expect(stdout).toMatch(/RCPT TO:<"john smith"@example\.net>\n<- {2}250 /);
    const id = /<- {2}250 2\.6\.0 Ok: queued as (\S+)/.exec(stdout)?.[1] as string;
    expect(id).toBeTruthy();
    // the Received stamp names the one recipient as a Path, spaces and quotes kept
    const raw = await (await relay.fetch(`/api/v1/message/${id}/raw`)).text();
    expect(raw).toMatch(/^\s+for <"john smith"@example\.net>;/m);
    type Route = { hops: Array<{ for: string | null }> };
    const route = await relay.api<Route>(`/api/v1/message/${id}/route`);
    expect(route.hops.at(-1)?.for).toBe('"john smith"@example.net');
  });
});

describe('the parser Relaydesk wraps', () => {
  it('stops the start with a clear error when smtp-server no longer has it', () => {
    const proto = SMTPConnection.prototype as unknown as Record<string, unknown>;
    const saved = proto._parseAddressCommand;
    delete proto._parseAddressCommand;
    try {
      expect(() => new TunedSMTPServer(tunedOptions())).toThrow(
        /SMTPConnection has no _parseAddressCommand: .*install the version package\.json pins/,
      );
    } finally {
      proto._parseAddressCommand = saved;
    }
    expect(() => new TunedSMTPServer(tunedOptions()).close()).not.toThrow();
  });
});

function tunedOptions(): ConstructorParameters<typeof TunedSMTPServer>[0] {
  return {
    hooks: {
      greetingDelayFor: () => 0,
      admit: () => null,
      release: () => undefined,
      serverClosed: () => undefined,
    },
    plaintextAuth: false,
    commandTimeoutMs: 1000,
    sessionDeadlineMs: 1000,
    minDataRate: 0,
  };
}
