// The status the API's summaries give a message held in the quarantine. It keeps no delivery
// list, so the list, the search, the quarantine's own list and the webhooks said `captured` for
// mail meant to be relayed that waits for a release by hand, while its Delivery view said
// `quarantined`. Real SMTP, the attachment policy's quarantine (no clamd needed).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

interface Listing {
  messages: Array<{ ID: string; Subject: string; Status: string }>;
}

describe('a quarantined message in the API', () => {
  let relay: TestRelaydesk;
  beforeAll(async () => {
    relay = await startTestRelaydesk({
      attachments: { types: ['executable'], action: 'quarantine' },
    });
  });
  afterAll(async () => relay?.dispose());

  it('is quarantined in every list until released, then says where it went', async () => {
    const transport = relay.transport();
    try {
      await transport.sendMail({
        from: 'accounts@office.example',
        to: 'supplier@partner.example',
        subject: 'Payroll export tool',
        text: 'The tool, as asked.',
        attachments: [{ filename: 'payroll.exe', content: Buffer.from('MZ\x90\x00 tool') }],
      });
    } finally {
      transport.close();
    }
    const held = await relay.api<Listing>('/api/v1/quarantine');
    expect(held.messages.map((m) => [m.Subject, m.Status])).toEqual([
      ['Payroll export tool', 'quarantined'],
    ]);
    const id = held.messages[0]?.ID as string;
    const all = await relay.api<Listing>('/api/v1/messages');
    expect(all.messages.map((m) => m.Status)).toEqual(['quarantined']);
    const search = await relay.api<Listing>('/api/v1/search?query=subject:payroll');
    expect(search.messages.map((m) => m.Status)).toEqual(['quarantined']);
    const delivery = await relay.api<{ status: string }>(`/api/v1/message/${id}/delivery`);
    expect(delivery.status).toBe('quarantined');

    const released = await relay.fetch(`/api/v1/quarantine/${id}/release`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(released.status).toBe(200);
    const after = await relay.api<Listing>('/api/v1/messages');
    expect(after.messages.map((m) => m.Status)).toEqual(['captured']);
  });
});
