// Mail from the SMTP clients people really use: swaks, Python's smtplib, curl, raw sockets.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageDetail } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const run = promisify(execFile);
const swaks = requireTool(tools.swaks);
const python = requireTool(tools.python3);
const curl = requireTool(tools.curl);

let relay: TestRelaydesk;

beforeAll(async () => {
  // a long early-talker pause for untrusted clients: loopback clients must not wait for it
  relay = await startTestRelaydesk({ greetingDelayMs: 25_000 });
});
afterAll(async () => relay?.dispose());

const latest = (): Promise<MessageDetail> => relay.api<MessageDetail>('/api/v1/message/latest');

describe('the greeting', () => {
  it(
    'greets a trusted loopback client at once, without the early-talker pause',
    { timeout: 5000 },
    async () => {
      const greeting = await new Promise<string>((resolve, reject) => {
        const socket = connect(relay.smtp.port, '127.0.0.1');
        socket.once('data', (data) => {
          resolve(String(data));
          socket.end('QUIT\r\n');
        });
        socket.once('error', reject);
      });
      expect(greeting).toMatch(/^220 \S+ ESMTP Relaydesk\r\n$/);
    },
  );
});

describe.skipIf(!swaks)('swaks', () => {
  it('delivers with AUTH and an attachment', async () => {
    await run(swaks as string, [
      '--server',
      `127.0.0.1:${relay.smtp.port}`,
      '--from',
      'swaks@sender.example',
      '--to',
      'one@rcpt.example,two@rcpt.example',
      '--auth',
      'LOGIN',
      '--auth-user',
      'ci-user',
      '--auth-password',
      'secret',
      '--header',
      'Subject: from swaks',
      '--body',
      'Body written by swaks',
      '--attach-type',
      'text/csv',
      '--attach-name',
      'data.csv',
      '--attach',
      '@/etc/hostname',
    ]);
    const detail = await latest();
    expect(detail.Subject).toBe('from swaks');
    expect(detail.Envelope).toMatchObject({
      mailFrom: 'swaks@sender.example',
      rcptTo: ['one@rcpt.example', 'two@rcpt.example'],
      user: 'ci-user',
    });
    expect(detail.Text).toContain('Body written by swaks');
    expect(detail.Attachments.map((a) => a.FileName)).toEqual(['data.csv']);
  });

  it('keeps the Received stamp 7-bit for an IDN recipient written in A-labels without SMTPUTF8', async () => {
    await run(swaks as string, [
      '--server',
      `127.0.0.1:${relay.smtp.port}`,
      '--from',
      'swaks@sender.example',
      '--to',
      'eleni@xn--mller-kva.example',
      '--header',
      'Subject: to an IDN domain',
    ]);
    const detail = await latest();
    expect(detail.Subject).toBe('to an IDN domain');
    const raw = await (await relay.fetch(`/api/v1/message/${detail.ID}/raw`)).text();
    const stamp = raw.slice(0, raw.indexOf('\r\n', raw.indexOf('\tfor <')));
    // an upstream without SMTPUTF8 gets this header as it is: RFC 6532 keeps UTF-8 out of it
    expect(stamp).toContain('\tfor <eleni@xn--mller-kva.example>;');
    expect(stamp).toMatch(/^[\x20-\x7e\r\n\t]+$/);
  });
});

describe.skipIf(!python)("Python's smtplib", () => {
  it('delivers an 8-bit body with BODY=8BITMIME and an SMTPUTF8 address', async () => {
    const script = `
import smtplib, sys
body = "From: pé@exämple.example\\r\\nTo: zoë@exämple.example\\r\\nSubject: =?utf-8?q?caf=C3=A9?=\\r\\nMIME-Version: 1.0\\r\\nContent-Type: text/plain; charset=utf-8\\r\\nContent-Transfer-Encoding: 8bit\\r\\n\\r\\nCafé crème\\r\\n".encode("utf-8")
with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
    s.ehlo("python.client.example")
    s.sendmail("pé@exämple.example", ["zoë@exämple.example"], body, mail_options=["BODY=8BITMIME", "SMTPUTF8"])
`;
    await run(python as string, ['-c', script, String(relay.smtp.port)]);
    const detail = await latest();
    expect(detail.Subject).toBe('café');
    expect(detail.Text.trim()).toBe('Café crème');
    expect(detail.Envelope).toMatchObject({
      helo: 'python.client.example',
      mailFrom: 'pé@exämple.example',
      smtpUtf8: true,
      eightBitMime: true,
    });
  });

  it('gets 452 4.5.3 for the 101st recipient', async () => {
    const script = `
import smtplib, sys
with smtplib.SMTP("127.0.0.1", int(sys.argv[1])) as s:
    s.ehlo()
    s.mail("a@x.example")
    for i in range(100):
        assert s.rcpt(f"r{i}@y.example")[0] == 250
    code, msg = s.rcpt("r100@y.example")
    print(code, msg.decode())
`;
    const { stdout } = await run(python as string, ['-c', script, String(relay.smtp.port)]);
    expect(stdout.trim()).toMatch(/^452 4\.5\.3 Too many recipients/);
  });
});

describe.skipIf(!curl)('curl smtp://', () => {
  it('delivers a message uploaded by curl', async () => {
    // async: the relay under test runs in this process, a blocking call would starve it
    const child = execFile(curl as string, [
      '--silent',
      '--show-error',
      `smtp://127.0.0.1:${relay.smtp.port}/curl.client.example`,
      '--mail-from',
      'curl@sender.example',
      '--mail-rcpt',
      'r@rcpt.example',
      '--upload-file',
      '-',
    ]);
    child.stdin?.end(
      'From: curl@sender.example\r\nTo: r@rcpt.example\r\nSubject: from curl\r\n\r\nhello from curl\r\n',
    );
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    const detail = await latest();
    expect(detail.Subject).toBe('from curl');
    expect(detail.Envelope.helo).toBe('curl.client.example');
  });
});

describe('raw SMTP', () => {
  function converse(lines: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(relay.smtp.port, '127.0.0.1');
      let transcript = '';
      let next = 0;
      socket.on('data', (data) => {
        transcript += String(data);
        if (next < lines.length) socket.write(`${lines[next++]}\r\n`);
        else socket.end();
      });
      socket.on('close', () => resolve(transcript));
      socket.on('error', reject);
    });
  }

  /** Sends a whole session at once, then shuts its sending side, as `nc -N` and scripts do. */
  function halfClose(session: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = connect(relay.smtp.port, '127.0.0.1');
      let transcript = '';
      socket.on('data', (data) => (transcript += String(data)));
      socket.once('data', () => socket.end(session));
      socket.on('close', () => resolve(transcript));
      socket.on('error', reject);
    });
  }

  it('answers every command of a session whose client shut its sending side after sending it', async () => {
    const session = (subject: string, quit: boolean): string =>
      [
        'EHLO script.example',
        'MAIL FROM:<cron@script.example>',
        'RCPT TO:<ops@rcpt.example>',
        'DATA',
        `Subject: ${subject}`,
        '',
        'sent whole, then shutdown(SHUT_WR)',
        '.',
        ...(quit ? ['QUIT'] : []),
        '',
      ].join('\r\n');
    // before: the replies stopped at 354; the message was stored, and the script, with no 250,
    // reported a failure and sent it again
    const transcript = await halfClose(session('half-closed with QUIT', true));
    expect(transcript).toMatch(/\r\n354 [^\r]*\r\n250 [^\r]*queued as \S+\r\n221 /);
    expect((await latest()).Subject).toBe('half-closed with QUIT');
    // without QUIT the session ends once the last reply is out
    const noQuit = await halfClose(session('half-closed without QUIT', false));
    expect(noQuit).toMatch(/\r\n354 [^\r]*\r\n250 [^\r]*queued as \S+\r\n$/);
    expect((await latest()).Subject).toBe('half-closed without QUIT');
  });

  it('answers 552 5.3.4 to MAIL FROM with a SIZE over the limit', async () => {
    const transcript = await converse([
      'EHLO raw.example',
      `MAIL FROM:<a@x.example> SIZE=${30 * 1024 * 1024}`,
      'QUIT',
    ]);
    expect(transcript).toMatch(/\r\n552 5\.3\.4 /);
    expect(transcript).toMatch(/250[ -]ENHANCEDSTATUSCODES/);
  });
});
