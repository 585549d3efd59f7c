// Where mail goes and how long it is kept: the mode, the delivery queue towards the upstream
// (connections, retries, rate limit, DSN), retention and the logs' rotation. The Settings
// screen's Routing, Upstream, Retention and Logs sections. The upstream itself ("relay") and the
// routing rules are structures of their own (relay-settings.ts, routing-rules/).
import { z } from 'zod';
import {
  byteSize,
  count,
  hours,
  oneOf,
  onOff,
  path,
  safeJson,
  structure,
  wholeNumber,
} from '../setting-kinds.js';
import { setting } from '../setting-declaration.js';
import { SettingsError } from '../settings-types.js';
import { show, unknownFieldProblem } from '../../routing-rules/settings-errors.js';
import {
  parseSenderRewrite,
  senderRewriteExample,
  senderRewriteSource,
} from '../../queue/sender-rewrite.js';

const rateWindows = ['perSecond', 'perMinute', 'perHour', 'perDay'] as const;

const rateWindowType = count(0, 10_000_000);
const rateWindowAllowed = 'a whole number from 0 (no limit) to 10000000';

/** `{"perMinute": 60}` from a flag's JSON text or a file's object; absent windows are 0. */
const rateLimitType = z.preprocess(
  (raw) => {
    const value = typeof raw === 'string' ? safeJson(raw) : raw;
    // a misspelt window (perMinut) is named with the one meant; the strict object alone would
    // refuse it with the general "use an object such as …"
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const unknown = Object.keys(value).filter(
        (key) => !(rateWindows as readonly string[]).includes(key),
      );
      if (unknown.length > 0) {
        throw new SettingsError(
          unknownFieldProblem(
            'rateLimit',
            unknown,
            rateWindows,
            'perSecond, perMinute, perHour and perDay',
          ),
        );
      }
      // each bad window named with its value, all at once (as a quota's limits are): the strict
      // object alone refused `{"perMinute": -1}` as a whole, naming no field
      const problems = rateWindows.flatMap((key) => {
        const input = (value as Record<string, unknown>)[key];
        return input === undefined || rateWindowType.safeParse(input).success
          ? []
          : [`rateLimit.${key}: ${show(input)} is not valid; use ${rateWindowAllowed}`];
      });
      if (problems.length > 0) throw new SettingsError(problems.join('\n'));
    }
    return value;
  },
  z.strictObject({
    perSecond: rateWindowType.default(0),
    perMinute: rateWindowType.default(0),
    perHour: rateWindowType.default(0),
    perDay: rateWindowType.default(0),
  }),
);

/** `1,5,10` or `[1, 5, 10]`: minutes from 1 to a week, at most 50 of them. */
const minuteListType = z.preprocess(
  (raw) => (typeof raw === 'string' ? raw.split(',') : raw),
  z
    .array(count(1, 7 * 24 * 60))
    .min(1)
    .max(50),
);

export const queueFields = [
  setting({
    key: 'mode',
    flag: '--mode',
    env: 'RELAYDESK_MODE',
    value: 'capture|relay|rules',
    ...oneOf(
      {
        capture: 'Capture everything (nothing is sent)',
        relay: 'Relay everything through the upstream',
        rules: 'Follow the routing rules below',
      },
      '"capture" (keep all mail), "relay" (send all mail on) or "rules" (the routing rules)',
    ),
    default: 'capture',
    label: 'Mode',
    section: 'routing',
    applies: 'now',
  }),
  setting({
    key: 'relayConnections',
    flag: '--relay-connections',
    env: 'RELAYDESK_RELAY_CONNECTIONS',
    value: 'N',
    ...wholeNumber(1, 5, { unit: 'connections' }),
    default: 2,
    defaultText: '`2` (1–5)',
    label: 'Connections to the upstream',
    section: 'upstream',
    applies: 'now',
  }),
  setting({
    key: 'retryMinutes',
    flag: '--retry-minutes',
    env: 'RELAYDESK_RETRY_MINUTES',
    value: 'LIST',
    type: minuteListType,
    allowed: 'a comma-separated list of minutes, e.g. 1,5,10,20,40',
    input: { kind: 'numbers' },
    default: [1, 5, 10, 20, 40],
    label: 'Wait after each failed attempt (minutes, comma-separated)',
    section: 'upstream',
    applies: 'now',
  }),
  setting({
    key: 'retryThenEveryMinutes',
    flag: '--retry-then-every-minutes',
    env: 'RELAYDESK_RETRY_THEN_EVERY_MINUTES',
    value: 'N',
    ...wholeNumber(1, 7 * 24 * 60, { unit: 'minutes' }),
    default: 60,
    label: 'Then retry every (minutes)',
    section: 'upstream',
    applies: 'now',
  }),
  setting({
    key: 'lifetimeHours',
    flag: '--lifetime-hours',
    env: 'RELAYDESK_LIFETIME_HOURS',
    value: 'N',
    ...wholeNumber(0, 8760, { unit: 'hours', minNote: 'one attempt' }),
    default: 72,
    label: 'Retry for (hours)',
    section: 'upstream',
    applies: 'now',
  }),
  setting({
    key: 'rateLimit',
    flag: '--rate-limit',
    env: 'RELAYDESK_RATE_LIMIT',
    value: 'JSON',
    type: rateLimitType,
    allowed:
      'an object such as {"perMinute": 60, "perDay": 2000} (perSecond, perMinute, perHour, perDay)',
    // one box per window: the flag's JSON wording would read as if each box wanted an object
    input: {
      kind: 'counts',
      keys: [...rateWindows],
      labels: {
        perSecond: 'Messages to the upstream a second, at most',
        perMinute: 'Messages to the upstream a minute, at most',
        perHour: 'Messages to the upstream an hour, at most',
        perDay: 'Messages to the upstream a day, at most',
      },
      hint: 'a whole number; 0: no limit',
      // without it, mail over the limit seemed stuck: the Queue view says what holds it back
      note: 'Mail over a limit waits in the queue, which says when the next message goes',
      min: 0,
      max: 10_000_000,
    },
    default: { perSecond: 0, perMinute: 0, perHour: 0, perDay: 0 },
    defaultText: 'none (`{"perMinute": 60, "perDay": 2000}`)',
    label: 'Messages to the upstream at most (0: no limit)',
    section: 'upstream',
    applies: 'now',
  }),
  setting({
    key: 'addMissingHeaders',
    flag: '--add-missing-headers',
    env: 'RELAYDESK_ADD_MISSING_HEADERS',
    value: 'true|false',
    ...onOff(),
    default: true,
    label: 'Add a missing Date and Message-ID to relayed mail',
    section: 'upstream',
    applies: 'now',
  }),
  setting({
    key: 'dsn',
    flag: '--dsn',
    env: 'RELAYDESK_DSN',
    value: 'true|false',
    ...onOff(),
    default: false,
    label: 'Send failure reports (DSN) to the sender',
    section: 'upstream',
    applies: 'now',
  }),
  setting({
    key: 'delayWarningHours',
    flag: '--delay-warning',
    env: 'RELAYDESK_DELAY_WARNING',
    value: 'HOURS',
    // up to the longest lifetime (lifetimeHours); off by default, as Postfix's delay_warning_time
    ...hours(8760, { minNote: 'off' }),
    default: 0,
    defaultText: '`0` (off; `4` or `4h` warns after four hours)',
    label: 'Delay warning to the sender after (hours, 0: none; sent with failure reports on)',
    section: 'upstream',
    applies: 'now',
  }),
  setting({
    key: 'senderRewrite',
    flag: '--sender-rewrite',
    env: 'RELAYDESK_SENDER_REWRITE',
    value: 'JSON',
    ...structure(
      (raw) => {
        try {
          return parseSenderRewrite(raw);
        } catch (err) {
          throw new SettingsError((err as Error).message);
        }
      },
      `a list such as ${senderRewriteExample}`,
      senderRewriteExample,
    ),
    default: [],
    defaultText: `none (\`${senderRewriteExample}\`)`,
    label: 'Send as (sender rewriting, JSON)',
    section: 'upstream',
    applies: 'now',
    view: (rules) => rules.map(senderRewriteSource),
  }),
  setting({
    key: 'maxMessages',
    flag: '--max-messages',
    env: 'RELAYDESK_MAX_MESSAGES',
    value: 'N',
    ...wholeNumber(0, 10_000_000, { minNote: 'keep all' }),
    default: 5000,
    defaultText: '`5000` (0 keeps all)',
    label: 'Captured messages to keep (0: all)',
    section: 'retention',
    applies: 'now',
  }),
  setting({
    key: 'maxAgeDays',
    flag: '--max-age-days',
    env: 'RELAYDESK_MAX_AGE_DAYS',
    value: 'D',
    ...wholeNumber(0, 36_500, { unit: 'days', minNote: 'keep forever' }),
    default: 0,
    defaultText: '`0` (keep forever)',
    label: 'Delete captured messages after (days, 0: never)',
    section: 'retention',
    applies: 'now',
  }),
  setting({
    key: 'relayRetentionDays',
    flag: '--relay-retention-days',
    env: 'RELAYDESK_RELAY_RETENTION_DAYS',
    value: 'N',
    ...wholeNumber(0, 3650, { unit: 'days' }),
    default: 7,
    label: 'Keep relayed messages for (days)',
    section: 'retention',
    applies: 'now',
  }),
  setting({
    key: 'dataDir',
    flag: '--data',
    env: 'RELAYDESK_DATA',
    value: 'DIR',
    ...path('a folder path'),
    default: (dataDir) => dataDir,
    defaultText: 'the OS app-data folder (`~/.config/Relaydesk` on Linux)',
    label: 'Data folder',
    section: 'retention',
    applies: 'restart',
    notEditable: 'the saved settings live in it',
  }),
  setting({
    key: 'logMaxSize',
    flag: '--log-max-size',
    env: 'RELAYDESK_LOG_MAX_SIZE',
    ...byteSize('10m'),
    defaultText: '`10m` (relay.log, audit.log and service.log rotate beyond it)',
    label: 'Rotate relay.log, audit.log and service.log beyond',
    section: 'logs',
    applies: 'restart',
  }),
  setting({
    key: 'logKeep',
    flag: '--log-keep',
    env: 'RELAYDESK_LOG_KEEP',
    value: 'N',
    ...wholeNumber(0, 100, { unit: 'rotated log files' }),
    default: 5,
    defaultText: '`5` rotated files of each log',
    label: 'Rotated files of each log to keep',
    section: 'logs',
    applies: 'restart',
  }),
];
