// kill -9 between the delay warning's mark (on disk) and its report, then a restart on the same
// data folder: that warning is lost, never sent twice. The queue marks the message warned before
// it writes the report; a start after the crash reads the mark and does not warn again, however
// long the message stays deferred.
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageDelivery, MessagesPage } from '../../preload/api-contract.js';
import { cleanupCliProcesses, makeTempDir, startServe } from '../helpers/cli-process.js';
import { waitFor } from '../helpers/eventually.js';
import { startUpstreamServer } from '../helpers/upstream-server.js';

afterEach(cleanupCliProcesses);

const busy = '4.2.1 <late@partner.example>: Mailbox busy, try again later';

describe('kill -9 once the delay warning is marked', () => {
  it('loses that warning rather than sending it twice', async () => {
    const upstream = await startUpstreamServer({
      tls: 'none',
      failures: { rcpt: { 'late@partner.example': { code: 451, text: busy } } },
    });
    try {
      const dataDir = await makeTempDir();
      const args = [
        ...['--mode', 'relay', '--relay-host', `127.0.0.1:${upstream.port}`],
        ...['--relay-security', 'none', '--dsn', 'true'],
        // 1.8 s: every attempt after that warns, until one has
        ...['--delay-warning', '0.0005'],
      ];
      const first = await startServe({
        dataDir,
        args,
        env: { RELAYDESK_TEST_CRASH_AT: 'delay-warning-marked' },
      });
      let dead = false;
      void first.exited.then(() => (dead = true));
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: first.smtp.port,
        secure: false,
        ignoreTLS: true,
      });
      await transport.sendMail({
        envelope: { from: 'app@company.example', to: ['late@partner.example'] },
        from: 'app@company.example',
        to: 'late@partner.example',
        subject: 'Order 4711',
        text: 'your order',
      });
      transport.close();
      const id = (await first.api<MessagesPage>('/api/v1/messages')).messages[0]?.ID as string;
      const delivery = (serve: typeof first) =>
        serve.api<MessageDelivery>(`/api/v1/message/${id}/delivery`);
      // on a loaded machine the first attempt may itself come after the warning time (1.8 s):
      // then it marks, and the relay dies, before this sees it deferred (a CI run's fetch was
      // reset by the dying process)
      await waitFor('the first attempt deferred, or the relay killed at its mark', async () => {
        if (dead) return true;
        const answer = await delivery(first).catch(() => null);
        const [r] = answer?.recipients ?? [];
        return (r?.state === 'deferred' && r.attempts.length === 1) || dead;
      });

      // retried by hand until an attempt comes after the warning time: it marks, then dies
      await waitFor(
        'the relay killed once the warning is marked',
        async () => {
          if (dead) return true;
          await first
            .fetch('/api/v1/queue/retry', {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ IDs: [id] }),
            })
            .catch(() => undefined);
          return dead;
        },
        { timeout: 30_000, interval: 500 },
      );
      expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });

      const second = await startServe({ dataDir, args });
      const before = (await delivery(second)).recipients[0];
      // the mark survived the crash: one warning in the history, though no report was written
      expect(before?.history.filter((h) => h.notice === 'delay-warning')).toHaveLength(1);

      // another attempt, long after the warning time, still deferred: no second warning
      const attempts = before?.attempts.length ?? 0;
      const retried = await second.fetch('/api/v1/queue/retry', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ IDs: [id] }),
      });
      // the start probes the waiting message at once: a retry that meets that attempt in flight
      // is refused, and the probe's attempt is the one after the restart (a CI run met it)
      if (retried.status !== 200)
        expect(await retried.text()).toContain(`message ${id} is being sent right now`);
      const after = await waitFor('the attempt after the restart', async () => {
        const r = (await delivery(second)).recipients[0];
        return r?.state === 'deferred' && r.attempts.length > attempts ? r : null;
      });
      expect(after.history.filter((h) => h.notice === 'delay-warning')).toHaveLength(1);
      // no report captured (the original is the only message) and none sent to the sender
      const listed = await second.api<MessagesPage>('/api/v1/messages');
      expect(listed.messages.map((m) => m.Subject)).toEqual(['Order 4711']);
      expect(upstream.messages.filter((m) => m.mailFrom === '')).toEqual([]);
      expect((await second.stop()).code).toBe(0);
    } finally {
      await upstream.close();
    }
  }, 90_000);
});
