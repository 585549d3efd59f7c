// Mailpit's GET /api/v1/webui: clients written against Mailpit ask it which features the
// instance has (relaying a message on, SpamAssassin, chaos) before offering them.
import { afterEach, expect, it } from 'vitest';
import { startTestRelaydesk, type TestRelaydesk } from '../helpers/relaydesk.js';

let relay: TestRelaydesk | undefined;
afterEach(async () => {
  await relay?.dispose();
  relay = undefined;
});

it('says a capture-only instance has no relay, no spam check and no chaos', async () => {
  relay = await startTestRelaydesk();
  expect(await relay.api('/api/v1/webui')).toEqual({
    Label: '',
    MessageRelay: {
      Enabled: false,
      SMTPServer: '',
      ReturnPath: '',
      AllowedRecipients: '',
      BlockedRecipients: '',
      OverrideFrom: '',
      PreserveMessageIDs: false,
      RecipientAllowlist: '',
    },
    SpamAssassin: false,
    ChaosEnabled: false,
    DuplicatesIgnored: false,
    HideDeleteAllButton: false,
  });
});

it('names the upstream a release goes through, and the spam check and chaos when on', async () => {
  relay = await startTestRelaydesk({
    relay: { host: '::1', port: 2525, security: 'none' },
    spamassassin: '127.0.0.1:7831',
    enableChaos: true,
  });
  expect(await relay.api('/api/v1/webui')).toMatchObject({
    MessageRelay: { Enabled: true, SMTPServer: '[::1]:2525', PreserveMessageIDs: true },
    SpamAssassin: true,
    ChaosEnabled: true,
  });
});
