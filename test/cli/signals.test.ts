// SIGINT and SIGTERM stop the headless server cleanly: exit code 0, a line saying it stops, and a
// message whose DATA was being received when the signal came is finished, answered 250 and kept.
// What is true of smtp-server (asserted below): on close it stops listening at once, so new
// connections are refused, while open sessions get up to closeTimeout (3 s) to finish.
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDetail, MessagesPage } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  makeTempDir,
  RawSmtp,
  startServe,
  tryConnect,
} from '../helpers/cli-process.js';

afterEach(cleanupCliProcesses);

describe.each(['SIGINT', 'SIGTERM'] as const)('%s', (signal) => {
  it('finishes the message in flight, stores it and exits 0', async () => {
    const dataDir = await makeTempDir();
    const server = await startServe({ dataDir });
    const smtp = await RawSmtp.connect(server.smtp.port);
    expect(await smtp.reply()).toMatch(/^220 /);
    expect(await smtp.command('EHLO client.example.test')).toMatch(/^250[- ]/);
    expect(await smtp.command('MAIL FROM:<app@example.test>')).toMatch(/^250 /);
    expect(await smtp.command('RCPT TO:<user@example.test>')).toMatch(/^250 /);
    expect(await smtp.command('DATA')).toMatch(/^354 /);
    const subject = `in flight at ${signal}`;
    smtp.write(`From: app@example.test\r\nTo: user@example.test\r\nSubject: ${subject}\r\n\r\n`);
    smtp.write('first half of the body\r\n');

    server.kill(signal);
    await server.waitFor(
      new RegExp(`^${signal}: finishing the messages being received, then stopping$`, 'm'),
    );
    // it takes no new connection while it finishes the one in flight
    expect(await tryConnect(server.smtp.port), server.describe()).toBe('refused');
    expect(server.running).toBe(true);

    smtp.write('second half of the body\r\n.\r\n');
    expect(await smtp.reply()).toMatch(/^250 [0-9.]+ Ok: queued as [0-9a-z]+$/);
    // after close, smtp-server answers any further command with 421 and ends the session
    expect(await smtp.command('QUIT')).toMatch(/^(221 |421 4\.4\.2 Server shutting down)/);
    smtp.close();

    const exit = await server.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.stdout).toMatch(/^Relaydesk stopped$/m);
    expect(server.stderr).toBe('');

    const again = await startServe({ dataDir });
    const page = await again.api<MessagesPage>('/api/v1/messages');
    expect(page.messages.map((m) => m.Subject)).toEqual([subject]);
    const detail = await again.api<MessageDetail>(`/api/v1/message/${page.messages[0]?.ID}`);
    expect(detail.Text).toBe('first half of the body\nsecond half of the body\n');
    await again.stop();
  });

  it('exits 0 at once when no message is in flight, even when signalled just after the ready line', async () => {
    // a signal that comes right after the ready line was once fatal (the handlers were installed
    // after it), so try it a few times
    for (let round = 0; round < 4; round++) {
      const server = await startServe();
      const started = Date.now();
      const exit = await server.stop(signal);
      expect(exit, server.describe()).toEqual({ code: 0, signal: null });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(server.stdout).toMatch(
        new RegExp(
          `^${signal}: finishing the messages being received, then stopping\nRelaydesk stopped\n$`,
          'm',
        ),
      );
    }
    // four starts: on a loaded 2-core machine they came near the default 30 s
  }, 60_000);
});
