// The desktop app's settings (main/desktop): the tray and each kind of notification. Headless
// mode keeps and ignores them. The Settings screen's "Desktop app".
import { oneOf, onOff, wholeNumber } from '../setting-kinds.js';
import { setting } from '../setting-declaration.js';

const section = 'desktop';
const desktopOnly = ' (desktop app)';

export const desktopFields = [
  setting({
    key: 'closeToTray',
    flag: '--close-to-tray',
    env: 'RELAYDESK_CLOSE_TO_TRAY',
    value: 'true|false',
    ...onOff('closing the window keeps Relaydesk in the tray'),
    default: false,
    defaultText: `\`false\`${desktopOnly}`,
    label: 'Closing the window keeps Relaydesk running in the tray',
    section,
    applies: 'now',
  }),
  setting({
    key: 'notifyNewMail',
    flag: '--notify-new-mail',
    env: 'RELAYDESK_NOTIFY_NEW_MAIL',
    value: 'true|false',
    ...onOff(),
    default: true,
    defaultText: `\`true\`${desktopOnly}`,
    label: 'Notify me of new mail',
    section,
    applies: 'now',
  }),
  setting({
    key: 'notifyBounced',
    flag: '--notify-bounced',
    env: 'RELAYDESK_NOTIFY_BOUNCED',
    value: 'true|false',
    ...onOff(),
    default: true,
    defaultText: `\`true\`${desktopOnly}`,
    label: 'Notify me when a recipient bounces',
    section,
    applies: 'now',
  }),
  setting({
    key: 'notifyDelayed',
    flag: '--notify-delayed',
    env: 'RELAYDESK_NOTIFY_DELAYED',
    value: 'true|false',
    ...onOff(),
    default: true,
    defaultText: `\`true\`${desktopOnly}`,
    label: 'Notify me when a recipient is delayed',
    section,
    applies: 'now',
  }),
  setting({
    key: 'notifyDelayedAfterMinutes',
    flag: '--notify-delayed-after-minutes',
    env: 'RELAYDESK_NOTIFY_DELAYED_AFTER_MINUTES',
    value: 'N',
    ...wholeNumber(1, 7 * 24 * 60, { unit: 'minutes' }),
    default: 60,
    defaultText: `\`60\`${desktopOnly}`,
    label: 'Delayed means still waiting after (minutes)',
    section,
    applies: 'now',
  }),
  setting({
    key: 'notifyUpstreamPaused',
    flag: '--notify-upstream-paused',
    env: 'RELAYDESK_NOTIFY_UPSTREAM_PAUSED',
    value: 'true|false',
    ...onOff(),
    default: true,
    defaultText: `\`true\`${desktopOnly}`,
    label: 'Notify me when the upstream is paused by a failure',
    section,
    applies: 'now',
  }),
  setting({
    key: 'secretsWithoutKeyring',
    flag: '--secrets-without-keyring',
    env: 'RELAYDESK_SECRETS_WITHOUT_KEYRING',
    value: 'ask|owner-only-file|do-not-save',
    ...oneOf(
      {
        ask: 'Ask me',
        'owner-only-file': 'A file only I can read',
        'do-not-save': 'Do not save them (ask after a restart)',
      },
      '"ask", "owner-only-file" (a file only you can read) or "do-not-save" (ask again after a restart)',
    ),
    default: 'ask',
    defaultText: `\`ask\`${desktopOnly}`,
    label: 'Without an OS keyring, keep secrets in',
    section,
    // the desktop app picks its secret store when it starts
    applies: 'restart',
  }),
];
