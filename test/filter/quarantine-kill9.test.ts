// kill -9 right after a quarantine release is on disk (before its answer, its audit line and the
// queue's kick), then a restart on the same data folder: the release is neither lost nor done
// twice. The message is released once, its recipient relayed once, its delivery history starts
// with the quarantine, and a second release is refused.
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery, MessagesPage } from '../../preload/api-contract.js';
import { cleanupCliProcesses, makeTempDir, startServe } from '../helpers/cli-process.js';
import { recipientCountingUpstream } from '../helpers/upstream-server.js';
import { eventually } from '../helpers/eventually.js';

afterEach(cleanupCliProcesses);

describe('kill -9 during a quarantine release', () => {
  it('keeps the release once it is on disk, and relays the message once', async () => {
    const up = await recipientCountingUpstream();
    try {
      const dataDir = await makeTempDir();
      const args = [
        ...['--mode', 'relay', '--relay-host', `127.0.0.1:${up.port}`, '--relay-security', 'none'],
        ...['--attachments', '{"types": ["executable"], "action": "quarantine"}'],
      ];
      const first = await startServe({
        dataDir,
        args,
        env: { RELAYDESK_TEST_CRASH_AT: 'quarantine-release-saved' },
      });
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: first.smtp.port,
        secure: false,
        ignoreTLS: true,
      });
      await transport.sendMail({
        from: 'payroll@company.example',
        to: 'accountant@partner.example',
        subject: 'payroll tool',
        text: 'the tool',
        attachments: [{ filename: 'payroll-tool.exe', content: 'a legitimate program\n' }],
      });
      transport.close();
      const id = (await first.api<MessagesPage>('/api/v1/quarantine')).messages[0]?.ID as string;
      const held = await first.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
      expect(held.recipients.map((r) => r.state)).toEqual(['quarantined']);

      // dies once the release is on disk, before it answers
      await first
        .fetch(`/api/v1/quarantine/${id}/release`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
        .catch(() => undefined);
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

      const second = await startServe({ dataDir, args });
      await eventually(() => up.got).toEqual(['accountant@partner.example']);
      const delivery = await second.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
      expect(delivery.status).toBe('delivered');
      expect(delivery.recipients.map((r) => r.history.map((h) => h.state))).toEqual([
        ['quarantined', 'pending', 'sending', 'relayed'],
      ]);
      const again = await second.fetch(`/api/v1/quarantine/${id}/release`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(again.status).toBe(409);
      expect((await second.stop()).code).toBe(0);
      expect(up.got).toEqual(['accountant@partner.example']);
    } finally {
      await up.close();
    }
  }, 90_000);
});
