// Mailpit's GET /api/v1/webui (server/apiv1/application.go, WebUIConfig): what its web UI, and
// the clients written against it, ask to know which features this instance has. Relaydesk's
// "release" is the relay's resend through the upstream, so MessageRelay describes that.
import type { Settings } from '../../core/settings/settings-types.js';

export interface WebUiConfiguration {
  Label: string;
  MessageRelay: {
    Enabled: boolean;
    SMTPServer: string;
    ReturnPath: string;
    AllowedRecipients: string;
    BlockedRecipients: string;
    OverrideFrom: string;
    PreserveMessageIDs: boolean;
    RecipientAllowlist: string;
  };
  SpamAssassin: boolean;
  ChaosEnabled: boolean;
  DuplicatesIgnored: boolean;
  HideDeleteAllButton: boolean;
}

export function toWebUiConfiguration(
  settings: Settings,
  chaosEnabled: boolean,
): WebUiConfiguration {
  const upstream = settings.relay;
  const host = upstream?.host.includes(':') ? `[${upstream.host}]` : upstream?.host;
  return {
    Label: settings.label,
    MessageRelay: {
      Enabled: upstream !== null,
      SMTPServer: upstream ? `${host}:${upstream.port}` : '',
      // a release sends the message as it was received, with its envelope sender, no filter of
      // recipients and its own Message-ID (Mailpit's --smtp-relay-preserve-message-ids)
      ReturnPath: '',
      AllowedRecipients: '',
      BlockedRecipients: '',
      OverrideFrom: '',
      PreserveMessageIDs: upstream !== null,
      RecipientAllowlist: '',
    },
    SpamAssassin: settings.spamassassin !== null,
    ChaosEnabled: chaosEnabled,
    DuplicatesIgnored: settings.ignoreDuplicateIds,
    HideDeleteAllButton: settings.hideDeleteAllButton,
  };
}
