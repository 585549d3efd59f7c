// `relaydesk sendmail`: the sendmail(1) interface PHP's mail(), cron and many scripts use.
// Reads one message on stdin and submits it over SMTP to the running relay.
import { randomBytes } from 'node:crypto';
import { userInfo, hostname } from 'node:os';
import addressparser from 'nodemailer/lib/addressparser';
import nodemailer from 'nodemailer';
import { bodyOffset, readHeaderFields } from '../core/message/header-fields.js';
import { readStdin } from './read-stdin.js';
import {
  fieldByKey,
  parseSettingValue,
  type ListenAddress,
} from '../core/settings/settings-schema.js';

// Exit codes of sendmail(1) (sysexits.h), which callers such as cron check.
const exUsage = 64;
const exTempfail = 75;

export interface SendmailArgs {
  readRecipientsFromHeaders: boolean;
  from: string | null;
  recipients: string[];
  smtp: ListenAddress;
}

export function parseSendmailArgs(args: string[], env: NodeJS.ProcessEnv): SendmailArgs {
  const smtpField = fieldByKey('smtp');
  if (!smtpField) throw new Error('smtp setting missing');
  let smtp = env.RELAYDESK_SMTP
    ? (parseSettingValue(smtpField, env.RELAYDESK_SMTP, 'env') as ListenAddress)
    : { host: '127.0.0.1', port: 1025 };
  let from: string | null = null;
  let readRecipientsFromHeaders = false;
  const recipients: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-t') readRecipientsFromHeaders = true;
    else if (arg === '-f' || arg === '-r') from = args[++i] ?? '';
    else if (/^-[fr]./.test(arg)) from = arg.slice(2);
    else if (arg === '--smtp')
      smtp = parseSettingValue(smtpField, args[++i], 'flag') as ListenAddress;
    else if (arg === '-F' || arg === '-o' || arg === '-O' || arg === '-B' || arg === '-N') i++;
    else if (arg === '--') {
      recipients.push(...args.slice(i + 1).filter(Boolean));
      break;
    }
    // -i, -oi, -odi, -oem, -v… change nothing for a relay that reads to end of input
    else if (arg.startsWith('-')) continue;
    else
      recipients.push(
        ...arg
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      );
  }
  if (smtp.host === '0.0.0.0' || smtp.host === '::') smtp = { ...smtp, host: '127.0.0.1' };
  return { readRecipientsFromHeaders, from, recipients, smtp };
}

function addressesOf(values: string[]): string[] {
  return addressparser(values.join(', '), { flatten: true })
    .map((a) => ('address' in a && a.address ? a.address : ''))
    .filter(Boolean);
}

/** With -t, recipients come from To, Cc and Bcc, and the Bcc field is removed (sendmail -t). */
export function recipientsFromHeaders(raw: Buffer): { recipients: string[]; message: Buffer } {
  const fields = readHeaderFields(raw);
  const pick = (name: string): string[] =>
    fields.filter((f) => f.name.toLowerCase() === name).map((f) => f.value);
  const recipients = addressesOf([...pick('to'), ...pick('cc'), ...pick('bcc')]);
  const bodyStart = bodyOffset(raw);
  const head = raw.subarray(0, bodyStart).toString('utf8');
  const withoutBcc = head.replace(/^bcc:.*(?:\r?\n[ \t].*)*\r?\n/gim, '');
  return {
    recipients,
    message: Buffer.concat([Buffer.from(withoutBcc, 'utf8'), raw.subarray(bodyStart)]),
  };
}

/** RFC 5322's date-time, e.g. `Thu, 03 Dec 2026 07:40:00 +0000`. */
function rfc5322Date(at: Date): string {
  return at.toUTCString().replace(/ GMT$/, ' +0000');
}

/**
 * Adds the From, Date and Message-ID a message lacks, as Postfix's sendmail (its cleanup daemon)
 * and msmtp do: cron, scripts and `mail` pipe messages without them, and a smart host such as
 * Gmail or Microsoft 365 may refuse mail with none. Present ones are left as they are.
 */
export function completedHeaders(raw: Buffer, from: string, at = new Date()): Buffer {
  const present = new Set(readHeaderFields(raw).map((f) => f.name.toLowerCase()));
  const added: string[] = [];
  if (!present.has('from') && from !== '') added.push(`From: ${from}`);
  if (!present.has('date')) added.push(`Date: ${rfc5322Date(at)}`);
  if (!present.has('message-id')) {
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
    added.push(`Message-ID: <${at.getTime()}.${randomBytes(6).toString('hex')}@${host}>`);
  }
  if (added.length === 0) return raw;
  const eol = raw.includes('\r\n') ? '\r\n' : '\n';
  // a message of a body alone (no header at all) gets the blank line that ends the new headers
  const bodyAlone = present.size === 0 && !raw.subarray(0, 2).toString().startsWith(eol);
  const head = added.map((line) => line + eol).join('') + (bodyAlone ? eol : '');
  return Buffer.concat([Buffer.from(head, 'utf8'), raw]);
}

export async function runSendmail(args: string[]): Promise<number> {
  let parsed: SendmailArgs;
  try {
    parsed = parseSendmailArgs(args, process.env);
  } catch (err) {
    process.stderr.write(`relaydesk sendmail: ${(err as Error).message}\n`);
    return exUsage;
  }
  let message = await readStdin();
  const recipients = [...parsed.recipients];
  if (parsed.readRecipientsFromHeaders) {
    const fromHeaders = recipientsFromHeaders(message);
    recipients.push(...fromHeaders.recipients);
    message = fromHeaders.message;
  }
  if (recipients.length === 0) {
    process.stderr.write(
      'relaydesk sendmail: no recipients: give addresses as arguments, or -t to read To/Cc/Bcc\n',
    );
    return exUsage;
  }
  const headerFrom = addressesOf(
    readHeaderFields(message)
      .filter((f) => f.name.toLowerCase() === 'from')
      .map((f) => f.value),
  )[0];
  const from = parsed.from ?? headerFrom ?? `${userInfo().username}@${hostname()}`;
  message = completedHeaders(message, from);
  const transport = nodemailer.createTransport({
    host: parsed.smtp.host,
    port: parsed.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({ envelope: { from, to: recipients }, raw: message });
    process.stdout.write(`${info.response}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(
      `relaydesk sendmail: could not submit to ${parsed.smtp.host}:${parsed.smtp.port}: ${(err as Error).message} (is \`relaydesk serve\` running?)\n`,
    );
    return exTempfail;
  } finally {
    transport.close();
  }
}
