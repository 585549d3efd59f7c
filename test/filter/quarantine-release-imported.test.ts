// An imported message (`relaydesk ingest`, POST /api/v1/ingest) is captured, never relayed: its
// recipients are read from its To and Cc, the real people of an old archive. One the attachment
// policy quarantined and the admin released (a false positive) went through the routing rules as
// if just received over SMTP, and in relay mode it was sent to those people through the
// upstream. A real upstream SMTP server, real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QuarantineRelease } from '../../preload/api-contract.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';
import { startUpstreamServer, type RunningUpstream } from '../helpers/upstream-server.js';

const program = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(400)]).toString('base64');
const archived = [
  'From: Ann <ann@archive.example>',
  'To: Bob <bob@customer.example>',
  'Subject: the installer, from the 2019 archive',
  'Date: Tue, 14 May 2019 09:30:00 +0000',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="b"',
  '',
  '--b',
  'Content-Type: text/plain',
  '',
  'here it is',
  '--b',
  'Content-Type: application/octet-stream; name="setup.exe"',
  'Content-Disposition: attachment; filename="setup.exe"',
  'Content-Transfer-Encoding: base64',
  '',
  program,
  '--b--',
  '',
].join('\r\n');

describe('releasing an imported message from the quarantine', () => {
  let upstream: RunningUpstream;
  let relay: TestRelaydesk;

  beforeAll(async () => {
    upstream = await startUpstreamServer({ tls: 'none' });
    relay = await startTestRelaydesk({
      mode: 'relay',
      relay: { host: '127.0.0.1', port: upstream.port, security: 'none' },
      attachments: { types: ['executable'], action: 'quarantine' },
    });
  });

  afterAll(async () => {
    await relay?.dispose();
    await upstream?.close();
  });

  it('puts it back in the mailbox it was imported into, and sends it to nobody', async () => {
    const imported = await relay.fetch('/api/v1/ingest?mailbox=archive', {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822' },
      body: archived,
    });
    expect(imported.status).toBe(200);
    const { ID } = (await imported.json()) as { ID: string };
    expect(relay.service.record(ID).mailbox).toBe('quarantine');

    const released = await relay.api<QuarantineRelease>(`/api/v1/quarantine/${ID}/release`, {
      method: 'POST',
    });
    expect(released).toMatchObject({ Mailbox: 'archive', Relayed: [] });
    const record = relay.service.record(ID);
    expect(record.mailbox).toBe('archive');
    expect(record.delivery).toBeUndefined();
    await relay.service.queueIdle();
    expect(upstream.messages).toHaveLength(0);
  });
});
