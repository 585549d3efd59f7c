// The toolkit's entries in the method table, called as the GUI calls them: through the
// renderer's HTTP transport (test/contract checks that each also has its IPC handler).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelaydeskApi } from '../../preload/api-methods.js';
import { createHttpTransport } from '../../renderer/src/api/http-transport.js';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk;
let api: RelaydeskApi;

beforeAll(async () => {
  relay = await startTestRelaydesk({ enableChaos: true });
  api = createHttpTransport({ baseUrl: new URL(relay.url) });
});
afterAll(async () => relay?.dispose());

describe('the toolkit methods of the API contract', () => {
  it('send a message, tag it, rename and delete the tag', async () => {
    const { ID } = await api.sendMessage({
      From: { Email: 'app@sender.example' },
      To: [{ Email: 'bob@rcpt.example' }],
      Subject: 'From the GUI',
      Tags: ['gui'],
    });
    expect(await api.tags()).toEqual(['gui']);
    await api.setTags([ID], ['gui', 'Review']);
    expect((await api.getMessage(ID)).Tags).toEqual(['Review', 'gui']);
    await api.renameTag('Review', 'Reviewed');
    await api.deleteTag('gui');
    expect(await api.tags()).toEqual(['Reviewed']);
    await expect(api.deleteTag('gui')).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/tag not found/),
    });
  });

  it('read and set the chaos triggers, and the webhook log', async () => {
    const set = await api.setChaos({ Sender: { ErrorCode: 421, Probability: 10 } });
    expect(set.Sender).toEqual({ ErrorCode: 421, Probability: 10 });
    expect(await api.chaos()).toEqual(set);
    expect((await api.info()).Chaos).toMatchObject({ Enabled: true, Active: true });
    await api.setChaos({});
    expect(await api.webhookLog()).toEqual({ URLs: [], Deliveries: [] });
  });
});
