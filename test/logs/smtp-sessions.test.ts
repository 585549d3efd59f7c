// Each SMTP session's conversation (GET /api/v1/smtp/sessions), as smtp4dev's session log: real
// clients over real sockets against a real relay, and what a developer would look for in it.
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  MessageDetail,
  RelaydeskInfo,
  SmtpSessionsView,
  SmtpSessionTranscript,
} from '../../preload/api-contract.js';
import { waitFor } from '../helpers/eventually.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { greetedSession, plainToken, runPython, SmtpWire } from '../helpers/smtp-wire.js';
import { requireTool, tools } from '../helpers/system-tools.js';

const python = requireTool(tools.python3);

let relay: TestRelaydesk;

beforeAll(async () => {
  relay = await startTestRelaydesk({ starttls: true, smtps: '127.0.0.1:0' });
});
afterAll(async () => relay?.dispose());

const sessions = () => relay.api<SmtpSessionsView>('/api/v1/smtp/sessions');
const transcript = (id: string) =>
  relay.api<SmtpSessionTranscript>(`/api/v1/smtp/sessions/${encodeURIComponent(id)}`);

/** The ended session whose EHLO name is this (each test greets with its own). */
async function endedSession(helo: string): Promise<SmtpSessionTranscript> {
  const found = await waitFor(`the ended session of ${helo}`, async () => {
    const { sessions: list } = await sessions();
    return list.find((s) => s.helo === helo && s.endedAt !== null);
  });
  return transcript(found.id);
}

/** A session that greets as `helo` and quits, once it has ended. */
async function endedSessionOf(helo: string): Promise<SmtpSessionTranscript> {
  const wire = await greetedSession(relay.smtp.port, helo);
  await wire.command('QUIT');
  return endedSession(helo);
}

const texts = (t: SmtpSessionTranscript, from: 'client' | 'server' | 'note') =>
  t.lines.filter((line) => line.from === from).map((line) => line.text);

describe('SMTP session transcripts', () => {
  it('shows each command and reply of a session that stored a message, and links the two', async () => {
    const wire = await greetedSession(relay.smtp.port, 'app.example');
    expect(await wire.command(`AUTH PLAIN ${plainToken('dev', 'Very-Secret-1')}`)).toMatch(/^235/);
    expect(await wire.command('MAIL FROM:<app@example.com>')).toMatch(/^250/);
    expect(await wire.command('RCPT TO:<user@example.net>')).toMatch(/^250/);
    expect(await wire.command('DATA')).toMatch(/^354/);
    const data = 'Subject: hello\r\n\r\nHi there\r\n';
    const stored = await wire.command(`${data}.`);
    expect(await wire.command('QUIT')).toMatch(/^221/);
    const messageId = /queued as (\S+)/.exec(stored)?.[1] ?? '';
    expect(messageId).not.toBe('');

    const session = await endedSession('app.example');
    expect(texts(session, 'client')).toEqual([
      'EHLO app.example',
      'AUTH PLAIN (credentials hidden)',
      'MAIL FROM:<app@example.com>',
      'RCPT TO:<user@example.net>',
      'DATA',
      'QUIT',
    ]);
    const replies = texts(session, 'server');
    expect(replies[0]).toMatch(/^220 /);
    expect(replies).toContain('250 2.1.5 Accepted');
    expect(replies).toContain(stored);
    expect(texts(session, 'note')).toEqual([
      // the message as the client sent it, without the Received header Relaydesk adds
      `${Buffer.byteLength(data)} bytes of message data received`,
      'Connection closed after QUIT',
    ]);
    expect(session).toMatchObject({
      user: 'dev',
      client: '127.0.0.1',
      listener: 'smtp',
      tls: null,
      messages: [messageId],
      refusals: 0,
      ending: 'Connection closed after QUIT',
    });
    // the times are milliseconds from the connection, in order
    const times = session.lines.map((line) => line.ms);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const message = await relay.api<MessageDetail>(`/api/v1/message/${messageId}`);
    expect(message.Envelope.session).toBe(session.id);
  });

  it('says in the session, as smtp4dev warns, that a message came with bare line feeds', async () => {
    const wire = await greetedSession(relay.smtp.port, 'bare-lf.example');
    await wire.command('MAIL FROM:<app@example.com>');
    await wire.command('RCPT TO:<user@example.net>');
    await wire.command('DATA');
    // a PHP script's "\n" line ends
    const stored = await wire.command('Subject: lf\n\nline one\nline two\r\n.');
    await wire.command('QUIT');
    const messageId = /queued as (\S+)/.exec(stored)?.[1] ?? '';

    const session = await endedSession('bare-lf.example');
    const notes = texts(session, 'note');
    expect(notes).toContain(`Message ${messageId}: 3 bare LF normalised to CRLF`);
    // before the reply that stored it
    const at = (text: string) => session.lines.findIndex((line) => line.text.includes(text));
    expect(at(`Message ${messageId}:`)).toBeLessThan(at(`queued as ${messageId}`));
  });

  it('never keeps AUTH credentials, in any mechanism', async () => {
    const wire = await greetedSession(relay.smtp.port, 'secrets.example');
    const user64 = Buffer.from('login-user').toString('base64');
    const pass64 = Buffer.from('Login-Password-2').toString('base64');
    expect(await wire.command(`AUTH LOGIN ${user64}`)).toMatch(/^334/);
    expect(await wire.command(pass64)).toMatch(/^235/);
    // a second AUTH in one session is refused; its initial response is still a secret
    await wire.command(`AUTH PLAIN ${plainToken('other', 'Plain-Password-3')}`);
    await wire.command('AUTH PLAIN');
    await wire.command(plainToken('third', 'Continued-Password-4'));
    await wire.command('QUIT');

    const session = await endedSession('secrets.example');
    const whole = JSON.stringify(session) + JSON.stringify(await sessions());
    for (const secret of [
      user64,
      pass64,
      'Login-Password-2',
      plainToken('other', 'Plain-Password-3'),
      plainToken('third', 'Continued-Password-4'),
      'Continued-Password-4',
    ]) {
      expect(whole).not.toContain(secret);
    }
    expect(texts(session, 'client')).toContain('AUTH LOGIN (credentials hidden)');
    expect(session.user).toBe('login-user');
  });

  it('shows why a session stored nothing: refusals, and a client gone in the message data', async () => {
    const wire = await greetedSession(relay.smtp.port, 'broken.example');
    expect(await wire.command('MAIL FROM:<no-closing-bracket')).toMatch(/^501/);
    expect(await wire.command('MAIL FROM:<app@example.com>')).toMatch(/^250/);
    expect(await wire.command('RCPT TO:<not an address>')).toMatch(/^501/);
    expect(await wire.command('RCPT TO:<user@example.net>')).toMatch(/^250/);
    expect(await wire.command('DATA')).toMatch(/^354/);
    wire.write('Subject: cut short\r\n\r\nthe app crashed here');
    wire.close();

    const session = await endedSession('broken.example');
    expect(session.messages).toEqual([]);
    expect(session.refusals).toBe(2);
    expect(session.lastRefusal).toBe('501 5.1.3 Error: Bad recipient address syntax');
    expect(session.ending).toBe(
      'The connection closed in the middle of the message data: that message was not stored',
    );
    expect(session.lines.at(-1)).toMatchObject({ from: 'note', text: session.ending });
  });

  it('says what went wrong in a failed TLS handshake, once', async () => {
    const wire = await greetedSession(relay.smtp.port, 'plaintext-after-starttls.example');
    expect(await wire.command('STARTTLS')).toMatch(/^220/);
    wire.write('EHLO still-plain.example\r\n');
    await wire.waitClosed();

    const session = await endedSession('plaintext-after-starttls.example');
    const notes = texts(session, 'note');
    expect(notes[0]).toMatch(
      /^TLS handshake with 127\.0\.0\.1 failed \(wrong version number\): the client did not speak TLS/,
    );
    expect(notes).toHaveLength(2);
    // the list's outcome: the error, as smtp4dev's "terminated abnormally"
    expect(session.error).toBe(notes[0]);
  });

  it('lists a client whose handshake on the implicit-TLS port failed, as smtp4dev does', async () => {
    const info = await relay.api<RelaydeskInfo>('/api/v1/info');
    const smtpsPort = Number(/:(\d+)$/.exec(info.SMTPSecurity?.smtps ?? '')?.[1]);
    const failedOn = async (client: string) =>
      waitFor(`the failed handshake of ${client}`, async () => {
        const { sessions: list } = await sessions();
        return list.find((s) => s.listener === 'smtps' && s.error?.includes(client));
      });

    // an app set for plain SMTP or STARTTLS that talks first: plain text where TLS was due
    const plain = await SmtpWire.connect(smtpsPort);
    plain.write('EHLO plain-on-465.example\r\n');
    await plain.waitClosed();
    const wrongVersion = await failedOn('(wrong version number)');
    expect(wrongVersion).toMatchObject({
      client: '127.0.0.1',
      listener: 'smtps',
      messages: [],
      ending: 'The TLS handshake failed: no SMTP session began',
    });
    expect(wrongVersion.endedAt).not.toBeNull();
    const read = await transcript(wrongVersion.id);
    expect(texts(read, 'note')).toEqual([wrongVersion.error, wrongVersion.ending]);

    // one that waits for the greeting (which comes only under TLS here) and gives up, as a
    // port check does at once
    const waiting = await SmtpWire.connect(smtpsPort);
    waiting.close();
    const gaveUp = await failedOn('Socket closed while initiating TLS');
    expect(gaveUp.error).toMatch(/a client set for plain SMTP or STARTTLS waits for a greeting/);

    // and a session over implicit TLS is listed with its TLS
    const secure = await SmtpWire.connect(smtpsPort, { tls: true });
    expect(await secure.reply()).toMatch(/^220 /);
    expect(await secure.command('EHLO implicit-tls.example')).toMatch(/^250/);
    await secure.command('QUIT');
    const good = await endedSession('implicit-tls.example');
    expect(good).toMatchObject({ listener: 'smtps', error: null });
    expect(good.tls).toMatch(/^TLSv1\.[23], /);
  });

  it('lists a session the client reset before QUIT with the reset as its error', async () => {
    const socket = netConnect({ port: relay.smtp.port, host: '127.0.0.1' });
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write('EHLO resetting.example\r\n');
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    // a crashed client, or one killed in the middle of its work: a TCP RST, not a FIN
    socket.resetAndDestroy();

    const session = await endedSession('resetting.example');
    // the address is the session's own column, not the error's words again
    expect(session.error).toBe('read ECONNRESET');
    expect(session.ending).toBe('Connection lost (a network error) before QUIT');
  });

  it.skipIf(!python)(
    'names a client that does not trust the certificate (Python ssl), and TLS when it is up',
    async () => {
      // Python's ssl verifies the self-signed certificate and ends the handshake with an alert
      const script = `
import smtplib, ssl, sys
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='untrusting.example')
try:
    s.starttls(context=ssl.create_default_context())
except ssl.SSLError as e:
    print('refused', e.reason)
s = smtplib.SMTP('127.0.0.1', int(sys.argv[1]), local_hostname='trusting.example')
s.starttls(context=ssl._create_unverified_context())
s.ehlo('trusting.example')
s.quit()
`;
      const out = await runPython(python as string, script, [String(relay.smtp.port)]);
      expect(out).toContain('refused CERTIFICATE_VERIFY_FAILED');

      const untrusting = await endedSession('untrusting.example');
      expect(texts(untrusting, 'note')[0]).toMatch(
        /failed \(tlsv1 alert unknown ca\): the client does not trust this relay's certificate/,
      );
      const trusting = await endedSession('trusting.example');
      expect(trusting.tls).toMatch(/^TLSv1\.[23], /);
      expect(texts(trusting, 'note')[0]).toMatch(/^TLS started \(/);
      // smtplib's own spelling
      expect(texts(trusting, 'client')).toEqual([
        'ehlo trusting.example',
        'STARTTLS',
        'ehlo trusting.example',
        'quit',
      ]);
    },
  );

  it('cuts a long session in the middle and keeps its start and end', async () => {
    const wire = await greetedSession(relay.smtp.port, 'chatty.example');
    // 500 commands and 500 replies, each answered before the next is sent
    for (let i = 0; i < 500; i += 1) await wire.command('NOOP');
    await wire.command('QUIT');

    const session = await endedSession('chatty.example');
    expect(session.lines.length).toBeLessThan(420);
    expect(session.omitted).toBeGreaterThan(500);
    const cut = session.lines.find((line) => /lines not kept here/.test(line.text));
    expect(cut?.text).toBe(
      `${session.omitted} lines not kept here (the first 300 and the last 100 are)`,
    );
    expect(session.lines[0]?.text).toMatch(/^220 /);
    expect(session.lines.at(-1)?.text).toBe('Connection closed after QUIT');
    expect(texts(session, 'client').at(-1)).toBe('QUIT');
  });

  it('keeps the last 200 ended sessions, newest first, and says why an older one is gone', async () => {
    const { sessions: before } = await sessions();
    const oldest = before.at(-1);
    // sessions that only connect and leave, as a port check does
    for (let i = 0; i < 205; i += 1) {
      const socket = netConnect({ port: relay.smtp.port, host: '127.0.0.1' });
      await new Promise<void>((resolve) => socket.once('data', () => resolve()));
      socket.end('QUIT\r\n');
      await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    }
    const { sessions: after, kept } = await sessions();
    expect(kept).toBe(200);
    expect(after).toHaveLength(200);
    const starts = after.map((s) => Date.parse(s.startedAt));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
    const gone = await relay.fetch(`/api/v1/smtp/sessions/${oldest?.id ?? ''}`);
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain('keeps the conversation of the last 200 sessions');
  });

  it('lists an open session with what it said so far', async () => {
    const wire: SmtpWire = await greetedSession(relay.smtp.port, 'still-open.example');
    await wire.command('MAIL FROM:<app@example.com>');
    const open = await waitFor('the open session', async () =>
      (await sessions()).sessions.find((s) => s.helo === 'still-open.example'),
    );
    expect(open.endedAt).toBeNull();
    expect(open.ending).toBeNull();
    expect(texts(await transcript(open.id), 'client')).toEqual([
      'EHLO still-open.example',
      'MAIL FROM:<app@example.com>',
    ]);
    wire.close();
  });

  it('deletes one ended session or all of them, as smtp4dev does, and never an open one', async () => {
    const open = await greetedSession(relay.smtp.port, 'open-while-deleting.example');
    const first = await endedSessionOf('delete-one.example');
    await endedSessionOf('delete-all.example');
    const openView = await waitFor('the open session', async () =>
      (await sessions()).sessions.find((s) => s.helo === 'open-while-deleting.example'),
    );

    const one = await relay.fetch(`/api/v1/smtp/sessions/${first.id}`, { method: 'DELETE' });
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual({ deleted: 1, open: 1 });
    expect((await relay.fetch(`/api/v1/smtp/sessions/${first.id}`)).status).toBe(404);
    expect((await sessions()).sessions.map((s) => s.helo)).toContain('delete-all.example');

    const stillOpen = await relay.fetch(`/api/v1/smtp/sessions/${openView.id}`, {
      method: 'DELETE',
    });
    expect(stillOpen.status).toBe(400);
    expect(await stillOpen.text()).toContain('is still open: its client is connected');

    const all = await relay.fetch('/api/v1/smtp/sessions', { method: 'DELETE' });
    const result = (await all.json()) as { deleted: number; open: number };
    expect(result.deleted).toBeGreaterThan(1);
    expect(result.open).toBe(1);
    expect((await sessions()).sessions.map((s) => s.helo)).toEqual(['open-while-deleting.example']);
    // the open session goes on being recorded, and is kept once it ends
    await open.command('QUIT');
    const ended = await endedSession('open-while-deleting.example');
    expect(texts(ended, 'client')).toEqual(['EHLO open-while-deleting.example', 'QUIT']);
  });

  // last: once a user exists, loopback AUTH no longer accepts any credentials
  it('names the user a refused AUTH tried, and no one as the session user', async () => {
    const added = await relay.fetch('/api/v1/users', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'app', password: 'Right-Pass-9' }),
    });
    expect(added.status).toBe(201);
    const wire = await greetedSession(relay.smtp.port, 'wrong-password.example');
    expect(await wire.command(`AUTH PLAIN ${plainToken('app', 'Wrong-Pass-7')}`)).toMatch(/^535/);
    await wire.command('QUIT');

    const session = await endedSession('wrong-password.example');
    expect(session.user).toBeNull();
    expect(texts(session, 'note')[0]).toBe('AUTH PLAIN as "app" refused');
    expect(session.lastRefusal).toMatch(/^535 5\.7\.8 /);
    expect(JSON.stringify(session)).not.toContain('Wrong-Pass-7');
  });
});
