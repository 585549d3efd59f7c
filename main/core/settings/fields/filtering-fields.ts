// The filter stage and sender control: clamd and what a virus or a scanner outage does, the
// attachment policy, sending quotas, warm-up schedules and the anomaly alert (the Settings
// screen's "Filtering & senders"), and the address checks (beside Signing).
import {
  clamdAddressProblem,
  describeClamdAddress,
  parseClamdAddress,
} from '../../filter/clamd-client.js';
import { contentRuleSource, parseContentRules } from '../../filter/content-rules.js';
import { attachmentPolicyProblem, parseAttachmentPolicy } from '../../filter/filter-settings.js';
import { parseQuotas, quotaSource } from '../../sender-control/quotas.js';
import { parseWarmup } from '../../sender-control/warmup.js';
import { fromParser, oneOf, onOff, structure, wholeNumber } from '../setting-kinds.js';
import { setting } from '../setting-declaration.js';
import { SettingsError } from '../settings-types.js';

const section = 'filtering';

/** A structured setting's parser throws with the entry and field at fault; keep that message. */
function structured<T>(parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    throw new SettingsError((err as Error).message);
  }
}

export const filteringFields = [
  setting({
    key: 'addressCheck',
    flag: '--address-check',
    env: 'RELAYDESK_ADDRESS_CHECK',
    value: 'off|warn|reject',
    ...oneOf(
      {
        off: 'Off',
        warn: 'Note the verdict on the message',
        reject: 'Refuse invalid recipients at RCPT',
      },
      '"off", "warn" (note the verdict on the message) or "reject" (refuse invalid recipients at RCPT: 550, 556 for a null MX, 450 for a domain DNS says does not exist unless --address-check-unknown-domain reject)',
    ),
    default: 'off',
    label: 'Check recipients before relaying',
    section: 'signing',
    applies: 'now',
  }),
  setting({
    key: 'addressCheckSender',
    flag: '--address-check-sender',
    env: 'RELAYDESK_ADDRESS_CHECK_SENDER',
    value: 'true|false',
    ...onOff('check the envelope sender as well'),
    default: false,
    label: 'Check the envelope sender too',
    section: 'signing',
    applies: 'now',
  }),
  setting({
    key: 'addressCheckDnsOutage',
    flag: '--address-check-dns-outage',
    env: 'RELAYDESK_ADDRESS_CHECK_DNS_OUTAGE',
    value: 'pass|defer',
    ...oneOf(
      { pass: 'Pass the recipient', defer: 'Defer it (450, the client tries again)' },
      '"pass" (accept when DNS cannot be asked) or "defer" (450, the client tries again)',
    ),
    default: 'pass',
    label: 'When DNS cannot be asked',
    section: 'signing',
    applies: 'now',
  }),
  setting({
    key: 'addressCheckUnknownDomain',
    flag: '--address-check-unknown-domain',
    env: 'RELAYDESK_ADDRESS_CHECK_UNKNOWN_DOMAIN',
    value: 'defer|reject',
    ...oneOf(
      {
        defer: 'Defer it (450, the client tries again)',
        reject: 'Refuse it (550)',
      },
      '"defer" (450, the client tries again, as Postfix\'s unknown_address_reject_code) or "reject" (550)',
    ),
    default: 'defer',
    label: 'When DNS says a domain does not exist',
    section: 'signing',
    applies: 'now',
  }),
  setting({
    key: 'clamd',
    flag: '--clamd',
    env: 'RELAYDESK_CLAMD',
    value: 'ADDRESS',
    type: fromParser((raw) => {
      if (raw === null || raw === '' || raw === 'off') return null;
      const address = parseClamdAddress(raw);
      if (address) return address;
      const problem = clamdAddressProblem(raw);
      if (problem) throw new SettingsError(problem);
      return undefined;
    }),
    allowed: 'HOST:PORT of clamd (e.g. 127.0.0.1:3310), the path of its Unix socket, or "off"',
    input: { kind: 'text', nullable: true, placeholder: 'empty: no virus scanning' },
    default: null,
    defaultText: 'none (`127.0.0.1:3310` or `/run/clamav/clamd.ctl`)',
    label: 'clamd address (HOST:PORT or Unix socket)',
    section,
    // the next message is scanned at the new address (MessageFilter, FilterControl.follow)
    applies: 'now',
    view: (address) => (address ? describeClamdAddress(address) : null),
  }),
  setting({
    key: 'clamdTimeoutSeconds',
    flag: '--clamd-timeout',
    env: 'RELAYDESK_CLAMD_TIMEOUT',
    value: 'SECONDS',
    ...wholeNumber(1, 600, { unit: 'seconds' }),
    default: 60,
    defaultText:
      '`60` (a hung clamd: each message waits this long once, then none while it is down)',
    label: "Longest wait for clamd's verdict (seconds)",
    section,
    applies: 'now',
  }),
  setting({
    key: 'virusAction',
    flag: '--virus-action',
    env: 'RELAYDESK_VIRUS_ACTION',
    value: 'reject|quarantine|tag',
    ...oneOf(
      {
        reject: 'Reject (554 at end of DATA)',
        quarantine: 'Quarantine (kept, never relayed)',
        tag: 'Tag only',
      },
      '"reject" (554 at end of DATA), "quarantine" (kept, never relayed) or "tag"',
    ),
    default: 'reject',
    label: 'A message with a virus',
    section,
    applies: 'now',
  }),
  setting({
    key: 'clamdUnavailable',
    flag: '--clamd-unavailable',
    env: 'RELAYDESK_CLAMD_UNAVAILABLE',
    value: 'defer|accept',
    ...oneOf(
      {
        defer: 'Defer (451 4.7.0, the client retries)',
        accept: 'Accept, tagged not-scanned',
      },
      '"defer" (451 4.7.0, the client retries) or "accept" (flagged "not scanned")',
    ),
    default: 'defer',
    label: 'When clamd cannot be reached',
    section,
    applies: 'now',
  }),
  setting({
    key: 'spamAction',
    flag: '--spam-action',
    env: 'RELAYDESK_SPAM_ACTION',
    value: 'off|reject|quarantine|tag',
    ...oneOf(
      {
        off: 'Nothing (spamd only scores it in the Spam tab)',
        reject: 'Reject (554 at end of DATA)',
        quarantine: 'Quarantine (kept, never relayed)',
        tag: 'Tag (X-Spam-Flag: YES on the copy sent on)',
      },
      '"off" (spamd only scores a message in its Spam tab), "reject" (554 at end of DATA), "quarantine" (kept, never relayed) or "tag" (X-Spam-Flag: YES on the copy sent on); spamd\'s required_score decides what is spam; needs the SpamAssassin spamd address (--spamassassin)',
    ),
    default: 'off',
    defaultText: '`off` (the spamd address only scores a message in its Spam tab)',
    label: 'A message spamd scores as spam (needs the SpamAssassin spamd address)',
    section,
    applies: 'now',
  }),
  setting({
    key: 'attachments',
    flag: '--attachments',
    env: 'RELAYDESK_ATTACHMENTS',
    value: 'JSON',
    ...structure(
      (raw) => {
        const policy = parseAttachmentPolicy(raw);
        if (policy !== undefined) return policy;
        const problem = attachmentPolicyProblem(raw);
        if (problem) throw new SettingsError(problem);
        return undefined;
      },
      'an object such as {"types": ["executable"], "maxSize": "10m", "encrypted": true, "action": "reject"}, or "off"',
      '{"types": ["executable"], "maxSize": "10m", "encrypted": true, "action": "reject"}',
    ),
    default: null,
    defaultText:
      'none (`{"types": ["executable"], "maxSize": "10m", "encrypted": true, "action": "reject"}`)',
    label: 'Attachment policy (JSON; empty: none)',
    section,
    applies: 'now',
  }),
  setting({
    key: 'contentRules',
    flag: '--content-rules',
    env: 'RELAYDESK_CONTENT_RULES',
    value: 'JSON',
    ...structure(
      (raw) => structured(() => parseContentRules(raw)),
      'a list such as [{"where": "header", "match": "^Subject: .*lottery", "flags": "i", "action": "reject", "text": "no lotteries here"}] (Postfix\'s header_checks and body_checks: "where" is "header" or "body"; "action" is "reject", "discard", "hold", "warn", "ignore", "replace" or "prepend"), or "off"',
      '[{"where": "header", "match": "^Received: from .*\\\\[192\\\\.168\\\\.", "action": "ignore"}]',
    ),
    default: [],
    defaultText:
      'none (`[{"where": "header", "match": "^Received: from .*\\\\[192\\\\.168\\\\.", "action": "ignore"}]`)',
    label: 'Content rules (JSON; header_checks and body_checks)',
    section,
    applies: 'now',
    view: (rules) => rules.map(contentRuleSource),
  }),
  setting({
    key: 'quotas',
    flag: '--quotas',
    env: 'RELAYDESK_QUOTAS',
    value: 'JSON',
    ...structure(
      (raw) => structured(() => parseQuotas(raw)),
      'a list such as [{"user": "*", "perHour": 100, "recipientsPerDay": 1000}]',
      '[{"user": "*", "perHour": 100, "recipientsPerDay": 1000}]',
    ),
    input: { kind: 'custom' },
    default: [],
    defaultText: 'none (`[{"user": "*", "perHour": 100, "recipientsPerDay": 1000}]`)',
    label: 'Sending quotas',
    section,
    applies: 'now',
    view: (quotas) => quotas.map(quotaSource),
  }),
  setting({
    key: 'warmup',
    flag: '--warmup',
    env: 'RELAYDESK_WARMUP',
    value: 'JSON',
    ...structure(
      (raw) => structured(() => parseWarmup(raw)),
      'a list such as [{"upstream": "smtp.sendgrid.net", "start": "2026-12-01", "preset": "dedicated-ip"}]',
      '[{"upstream": "smtp.sendgrid.net", "start": "2026-12-01", "preset": "dedicated-ip"}]',
    ),
    default: [],
    defaultText:
      'none (`[{"upstream": "smtp.sendgrid.net", "start": "2026-12-01", "preset": "dedicated-ip"}]`)',
    label: 'IP warm-up schedules (JSON)',
    section,
    applies: 'now',
    view: (schedules) =>
      schedules.map((w) => ({
        upstream: w.upstream,
        start: new Date(w.start).toISOString(),
        ...(w.preset ? { preset: w.preset } : { caps: w.caps }),
      })),
  }),
  setting({
    key: 'anomalyPause',
    flag: '--anomaly-pause',
    env: 'RELAYDESK_ANOMALY_PAUSE',
    value: 'true|false',
    ...onOff('suspend a sender whose volume jumps'),
    default: false,
    defaultText: '`false` (alert only)',
    label: 'Suspend a sender whose volume jumps',
    section,
    applies: 'now',
  }),
  setting({
    key: 'anomalyFactor',
    flag: '--anomaly-factor',
    env: 'RELAYDESK_ANOMALY_FACTOR',
    value: 'N',
    ...wholeNumber(2, 1000, { note: "(times the sender's hourly median)" }),
    default: 10,
    defaultText: "`10` (× the sender's hourly median)",
    label: "A jump is this many times the sender's hourly median",
    section,
    applies: 'restart',
  }),
  setting({
    key: 'anomalyMinMessages',
    flag: '--anomaly-min-messages',
    env: 'RELAYDESK_ANOMALY_MIN_MESSAGES',
    value: 'N',
    ...wholeNumber(1, 1_000_000, { unit: 'messages in an hour' }),
    default: 100,
    defaultText: '`100` (in the hour)',
    label: 'and at least this many messages in the hour',
    section,
    applies: 'restart',
  }),
];
