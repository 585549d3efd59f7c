// The message checks (spam, links) and the POP3 listeners: the Settings screen's "Checks & POP3".
import { onOff, optionalListenAddress, wholeNumber } from '../setting-kinds.js';
import { setting } from '../setting-declaration.js';

const section = 'checks';

export const checksFields = [
  setting({
    key: 'spamassassin',
    flag: '--spamassassin',
    env: 'RELAYDESK_SPAMASSASSIN',
    value: 'HOST:PORT',
    ...optionalListenAddress('HOST:PORT of a SpamAssassin spamd, e.g. 127.0.0.1:783, or "off"'),
    default: null,
    defaultText: 'none (spam check not available)',
    label: 'SpamAssassin spamd',
    section,
    applies: 'now',
  }),
  setting({
    key: 'allowInternalHttpRequests',
    flag: '--allow-internal-http-requests',
    env: 'RELAYDESK_ALLOW_INTERNAL_HTTP_REQUESTS',
    value: 'true|false',
    ...onOff(
      'the link check and the HTML screenshot’s proxy may reach loopback and private addresses',
    ),
    default: false,
    label:
      'The link check and the HTML screenshot’s proxy may reach this machine and private networks',
    section,
    applies: 'now',
  }),
  setting({
    key: 'linkCheckGet',
    flag: '--link-check-get',
    env: 'RELAYDESK_LINK_CHECK_GET',
    value: 'true|false',
    ...onOff('retry with GET when HEAD fails; GET can use up one-time links'),
    default: false,
    defaultText: '`false` (HEAD only)',
    label: 'The link check retries with GET (can use up one-time links)',
    section,
    applies: 'now',
  }),
  setting({
    key: 'linkCheckTimeoutMs',
    flag: '--link-check-timeout-ms',
    env: 'RELAYDESK_LINK_CHECK_TIMEOUT_MS',
    value: 'MS',
    ...wholeNumber(100, 120_000, { unit: 'milliseconds' }),
    default: 10_000,
    label: 'The link check waits for one link (ms)',
    section,
    applies: 'now',
  }),
  setting({
    key: 'pop3',
    flag: '--pop3',
    env: 'RELAYDESK_POP3',
    value: 'HOST:PORT',
    ...optionalListenAddress('HOST:PORT of a POP3 listener, e.g. 127.0.0.1:1110, or "off"'),
    default: null,
    defaultText: 'none (e.g. `127.0.0.1:1110`)',
    label: 'POP3 listener',
    section,
    applies: 'restart',
  }),
  setting({
    key: 'pop3s',
    flag: '--pop3s',
    env: 'RELAYDESK_POP3S',
    value: 'HOST:PORT',
    ...optionalListenAddress(
      'HOST:PORT of an implicit-TLS POP3 listener, e.g. 127.0.0.1:1995, or "off"',
    ),
    default: null,
    defaultText: 'none (e.g. `127.0.0.1:1995`)',
    label: 'POP3S listener (implicit TLS)',
    section,
    applies: 'restart',
  }),
];
