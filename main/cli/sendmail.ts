// `relaydesk sendmail`: the sendmail(1) interface PHP's mail(), cron and many scripts use.
// Reads one message on stdin and submits it over SMTP to the running relay. When the relay
// cannot take it (not running, or "try again later"), the message goes into the drop folder of
// the relay's data folder, which `relaydesk serve` takes in when it runs (Postfix's maildrop):
// cron ignores exit 75 and PHP's mail() returns a false nobody checks, so a message a caller
// was told to retry is in practice a message lost.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { userInfo, hostname } from 'node:os';
import nodemailer from 'nodemailer';
import { encodeWord } from 'nodemailer/lib/mime-funcs';
import { bodyOffset, readHeaderFields } from '../core/message/header-fields.js';
import { readSendmailInput, withoutFromLines } from './sendmail-input.js';
import { parsedAddressList, qualifyHeaderAddresses } from './sendmail-header-addresses.js';
import { relaySmtpSession } from './sendmail-smtp-mode.js';
import { maildropFolder, writeDropFile } from '../core/maildrop/drop-file.js';
import { makeFolder } from '../core/spool/durable-file.js';
import { storageFullCode, storageFullWords } from '../core/spool/storage-full.js';
import { keepSmtpSessionInMaildrop } from './sendmail-local-smtp.js';
import { runningRelaySmtp } from '../core/maildrop/listening-file.js';
import { defaultDataDir } from '../core/settings/settings-sources.js';
import { reachableAddress } from '../core/net/ip-address.js';
import {
  fieldByKey,
  parseSettingValue,
  type ListenAddress,
} from '../core/settings/settings-schema.js';

// Exit codes of sendmail(1) (sysexits.h), which callers such as cron check.
const exUsage = 64;
const exNoUser = 67;
const exUnavailable = 69;
const exTempfail = 75;

export interface SendmailArgs {
  readRecipientsFromHeaders: boolean;
  from: string | null;
  recipients: string[];
  smtp: ListenAddress;
  /** -bs: SMTP on standard input and output (Symfony Mailer's and Laravel's default). */
  smtpSession: boolean;
  /** A line of a single "." ends the message, unless -i or -oi (sendmail(1)). */
  dotEndsInput: boolean;
  /** -v: print the relay's reply. */
  verbose: boolean;
  /** The relay's data folder, whose drop folder keeps the message when the relay cannot. */
  dataDir: string;
  /** -F, else $NAME: the sender's name in the From field added to a message without one. */
  fullName: string | null;
}

// Options of Postfix's sendmail(1) that take a value, attached (-fme@x) or as the next argument
// (-f me@x): its getopt list, "A:B:C:F:GIL:N:O:R:UV:X:b:ce:f:h:imno:p:r:q:tvx". A value taken for
// a recipient went out as mail to it: Sendmail's hop count `-h 30` mailed `30@` this host.
const optionsWithValue = new Set('ABCFLNORVXbefhopqr');

export function parseSendmailArgs(args: string[], env: NodeJS.ProcessEnv): SendmailArgs {
  const smtpField = fieldByKey('smtp');
  if (!smtpField) throw new Error('smtp setting missing');
  let smtp: ListenAddress | null = env.RELAYDESK_SMTP
    ? (parseSettingValue(smtpField, env.RELAYDESK_SMTP, 'env') as ListenAddress)
    : null;
  let from: string | null = null;
  // Postfix's sendmail reads the NAME variable, and -F overrides it
  let fullName: string | null = env.NAME?.trim() || null;
  let readRecipientsFromHeaders = false;
  let smtpSession = false;
  let dotEndsInput = true;
  let verbose = false;
  let dataDir = env.RELAYDESK_DATA || defaultDataDir(undefined, env);
  const recipients: string[] = [];
  const option = (letter: string, value: string | undefined): void => {
    if (letter === 'f' || letter === 'r') from = envelopeSender(value ?? '');
    else if (letter === 'F') fullName = value?.trim() || null;
    else if (letter === 'o' && value === 'i') dotEndsInput = false;
    else if (letter === 'b' && value === 's') smtpSession = true;
    else if (letter === 'b' && value !== 'm')
      throw new Error(
        `-b${value ?? ''}: not supported; relaydesk sendmail sends a message (-bm, the default) or speaks SMTP on stdin (-bs); for the queue use relaydesk queue`,
      );
    // -odi, -oem, -B8BITMIME, -h 30… change nothing for a relay
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--smtp') smtp = parseSettingValue(smtpField, args[++i], 'flag') as ListenAddress;
    else if (arg === '--data' || arg.startsWith('--data=')) {
      const value = arg === '--data' ? args[++i] : arg.slice('--data='.length);
      if (!value)
        throw new Error('--data: needs a value: the folder `relaydesk serve --data` uses');
      dataDir = value;
    } else if (arg === '--') {
      recipients.push(...args.slice(i + 1).filter(Boolean));
      break;
    } else if (arg === '-') continue;
    else if (arg.startsWith('--'))
      // Postfix's getopt refuses it (EX_USAGE) and sends nothing: skipped, its value became a
      // recipient (`--http 127.0.0.1:8025` mailed `8025@host`)
      throw new Error(
        `${arg.split('=')[0]}: unknown option; relaydesk sendmail takes sendmail(1)'s options, --smtp HOST:PORT and --data FOLDER; nothing was sent`,
      );
    else if (arg.startsWith('-')) {
      // letters grouped as getopt reads them: -ti is -t -i, -tf me@x is -t -f me@x
      for (let at = 1; at < arg.length; at++) {
        const letter = arg[at] as string;
        if (optionsWithValue.has(letter)) {
          const attached = arg.slice(at + 1);
          // a bare -q (run the queue) takes no value (Postfix reads it so too)
          option(letter, attached !== '' || letter === 'q' ? attached : args[++i]);
          break;
        }
        if (letter === 't') readRecipientsFromHeaders = true;
        else if (letter === 'i') dotEndsInput = false;
        else if (letter === 'v') verbose = true;
        // -G, -I, -U, -c, -m, -n, -x change nothing for a relay
      }
    } else
      recipients.push(
        ...arg
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      );
  }
  // neither --smtp nor RELAYDESK_SMTP: the relay running on the data folder says where it
  // listens (a serve on another port than 1025 got nothing, and its mail sat in the drop folder)
  smtp ??= runningRelaySmtp(resolve(dataDir)) ?? { host: '127.0.0.1', port: 1025 };
  smtp = reachableAddress(smtp);
  return {
    readRecipientsFromHeaders,
    from,
    recipients,
    smtp,
    smtpSession,
    dotEndsInput,
    verbose,
    dataDir: resolve(dataDir),
    fullName,
  };
}

/** -f's address as MAIL FROM takes it: `<>` is the null sender, `<a@b>` is `a@b`. */
function envelopeSender(value: string): string {
  const trimmed = value.trim();
  return /^<[^<>]*>$/.test(trimmed) ? trimmed.slice(1, -1).trim() : trimmed;
}

function addressesOf(values: string[]): string[] {
  return values
    .flatMap((value) => parsedAddressList(value))
    .map((a) => ('address' in a && a.address ? a.address : ''))
    .filter(Boolean);
}

/**
 * This machine's mail domain, as Postfix's $myorigin on Debian: the name in /etc/mailname (which
 * Debian's Postfix and Exim write, and which a box moving from them to Relaydesk keeps), else the
 * machine's name. A bare machine name (`vm`, `relaybox`) is no domain a smart host takes mail
 * for: cron's mail to `root` went out as `root@vm` and was refused upstream.
 */
function localDomain(): string {
  return mailname() ?? (hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'localhost');
}

function mailname(): string | null {
  const path = process.env.RELAYDESK_TEST_MAILNAME_FILE ?? '/etc/mailname';
  try {
    const name = readFileSync(path, 'utf8').split('\n')[0]?.trim() ?? '';
    return /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/.test(name) ? name : null;
  } catch {
    return null;
  }
}

/** A sender without a domain (`root`, from cron's `From: root (Cron Daemon)`) gets ours. */
function qualifiedSender(address: string): string {
  return /^[A-Za-z0-9._+-]+$/.test(address) ? `${address}@${localDomain()}` : address;
}

/**
 * The recipients' addresses, a bare local name such as cron's `root` or mailx's `bob` qualified
 * with this machine's name (`root@host`), as Postfix does (append_at_myorigin): the relay, like
 * any SMTP server, refuses an address without a domain. Anything else that is no address is
 * refused here, named, rather than left for the relay to refuse.
 */
export function recipientAddresses(values: string[]): { addresses: string[]; invalid: string[] } {
  const addresses: string[] = [];
  const invalid: string[] = [];
  // each field (or argument) parsed on its own, its list cut at its commas as RFC 5322 reads it:
  // a bare `root` before `Boss <boss@…>` is a recipient, not part of Boss's display name
  for (const entry of values.flatMap((value) => parsedAddressList(value))) {
    const address = 'address' in entry ? entry.address : '';
    if (address && /^[^@\s]+@[^@\s]+$/.test(address)) addresses.push(address);
    else if (!address && /^[A-Za-z0-9._+-]+$/.test(entry.name))
      addresses.push(`${entry.name}@${localDomain()}`);
    else invalid.push(address || entry.name);
  }
  return { addresses, invalid };
}

/** With -t, recipients come from To, Cc and Bcc, and the Bcc field is removed (sendmail -t). */
export function recipientsFromHeaders(raw: Buffer): { recipients: string[]; message: Buffer } {
  const fields = readHeaderFields(raw);
  const pick = (name: string): string[] =>
    fields.filter((f) => f.name.toLowerCase() === name).map((f) => f.value);
  const recipients = [...pick('to'), ...pick('cc'), ...pick('bcc')];
  const bodyStart = bodyOffset(raw);
  // latin1 gives back every byte as it came: a header in an 8-bit charset (an old PHP app's
  // `Subject: Grüße` in ISO-8859-1) is no UTF-8, and a round trip through UTF-8 turned it
  // into U+FFFD; Postfix passes it on unchanged
  const head = raw.subarray(0, bodyStart).toString('latin1');
  const withoutBcc = head.replace(/^bcc:.*(?:\r?\n[ \t].*)*\r?\n/gim, '');
  return {
    recipients,
    message: Buffer.concat([Buffer.from(withoutBcc, 'latin1'), raw.subarray(bodyStart)]),
  };
}

/**
 * A name as an RFC 5322 display name: as it is when it is plain words, quoted when it has a
 * special character (`Ops, Nightly` would be read as two addresses), and RFC 2047-encoded when it
 * is not ASCII (`Grüße` in a header must be, without SMTPUTF8).
 */
function displayName(name: string): string {
  // eslint-disable-next-line no-control-regex -- a control character is no display name's
  const plain = name.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (/[^\x20-\x7e]/.test(plain)) return encodeWord(plain, 'Q', 52);
  if (/^[\w!#$%&'*+\-/=?^`{|}~ ]+$/.test(plain)) return plain;
  return `"${plain.replace(/["\\]/g, '\\$&')}"`;
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
export function completedHeaders(
  raw: Buffer,
  from: string,
  at = new Date(),
  fullName: string | null = null,
): Buffer {
  const present = new Set(readHeaderFields(raw).map((f) => f.name.toLowerCase()));
  const added: string[] = [];
  if (!present.has('from') && from !== '') {
    added.push(fullName ? `From: ${displayName(fullName)} <${from}>` : `From: ${from}`);
  }
  if (!present.has('date')) added.push(`Date: ${rfc5322Date(at)}`);
  if (!present.has('message-id')) {
    added.push(`Message-ID: <${at.getTime()}.${randomBytes(6).toString('hex')}@${localDomain()}>`);
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
  const relay = `${parsed.smtp.host}:${parsed.smtp.port}`;
  if (parsed.smtpSession) {
    const session = await relaySmtpSession(parsed.smtp, process.stdin, process.stdout);
    if (session.unreachable === null) {
      process.stdin.destroy();
      return 0;
    }
    return keepSmtpSession(parsed, session.unreachable, session.running);
  }
  let message = withoutFromLines(
    await readSendmailInput(process.stdin, { dotEndsInput: parsed.dotEndsInput }),
  );
  const given = [...parsed.recipients];
  if (parsed.readRecipientsFromHeaders) {
    const fromHeaders = recipientsFromHeaders(message);
    given.push(...fromHeaders.recipients);
    message = fromHeaders.message;
  }
  const { addresses: recipients, invalid } = recipientAddresses(given);
  if (invalid.length > 0) {
    process.stderr.write(
      `relaydesk sendmail: ${invalid.map((a) => JSON.stringify(a)).join(', ')}: not an email address; give addresses like user@example.com (or a local name such as root)\n`,
    );
    return exUsage;
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
  const from = qualifiedSender(parsed.from ?? headerFrom ?? localUser());
  // a local submission: `To: root` in the header becomes root@<mailname>, as the envelope did
  message = completedHeaders(
    qualifyHeaderAddresses(message, localDomain()),
    from,
    new Date(),
    parsed.fullName,
  );
  const transport = nodemailer.createTransport({
    host: parsed.smtp.host,
    port: parsed.smtp.port,
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await transport.sendMail({ envelope: { from, to: recipients }, raw: message });
    // silent on success, as sendmail(1) is: cron mails whatever a job prints, and PHP's CLI
    // would print it among the script's own output
    if (parsed.verbose) process.stdout.write(`${info.response}\n`);
    const refused = (info as { rejectedErrors?: SubmitError[] }).rejectedErrors ?? [];
    return await settleRefusedRecipients(refused, { parsed, from, message, relay });
  } catch (err) {
    const failure = err as SubmitError;
    // every recipient refused at RCPT, some only for now (a quota, too many recipients): those
    // are kept for later, the ones refused for good reported
    if (failure.rejectedErrors?.some(isTemporary)) {
      return await settleRefusedRecipients(failure.rejectedErrors, {
        parsed,
        from,
        message,
        relay,
      });
    }
    if (!isTemporary(failure)) return reportSubmitError(failure, relay);
    try {
      const path = await dropMessage(parsed.dataDir, from, recipients, message);
      // silent as on success: the message is safe, and will be sent once the relay runs
      if (parsed.verbose) {
        process.stderr.write(
          `relaydesk sendmail: ${whyNotSubmitted(failure, relay)}; kept in ${path}; \`relaydesk serve\` takes it in as soon as it runs and receives\n`,
        );
      }
      return 0;
    } catch (dropErr) {
      // no room there is not a wrong folder: said with the disk, and the caller tries again
      const code = storageFullCode(dropErr);
      const why = code
        ? `${storageFullWords(code, parsed.dataDir)}; free space on that disk`
        : `${(dropErr as Error).message}; give the relay's data folder with --data or RELAYDESK_DATA`;
      process.stderr.write(
        `relaydesk sendmail: ${whyNotSubmitted(failure, relay)}; could not keep it in the drop folder either (${why})\n`,
      );
      return exTempfail;
    }
  } finally {
    transport.close();
  }
}

/**
 * Recipients the relay refused at RCPT while it took (or would have taken) the message for the
 * others. Those refused for now (4xx) get the message through the drop folder, as when the
 * whole message is refused for now: the caller (cron, PHP's mail()) was told nothing it would
 * act on, so a copy only handed back is a copy lost. Those refused for good are named, exit 67.
 */
async function settleRefusedRecipients(
  refused: SubmitError[],
  submission: { parsed: SendmailArgs; from: string; message: Buffer; relay: string },
): Promise<number> {
  const { parsed, relay } = submission;
  const later = refused.filter((err) => isTemporary(err) && err.recipient);
  const never = refused.filter((err) => !later.includes(err));
  let keptNone = false;
  if (later.length > 0) {
    const addresses = later.map((err) => err.recipient as string);
    const replies = later.map((err) => `${err.recipient}: ${err.response ?? err.message}`);
    try {
      const path = await dropMessage(
        parsed.dataDir,
        submission.from,
        addresses,
        submission.message,
      );
      if (parsed.verbose) {
        process.stderr.write(
          `relaydesk sendmail: the relay at ${relay} answered "try again later" for ${replies.join('; ')}; kept for them in ${path}; \`relaydesk serve\` takes it in as soon as it receives\n`,
        );
      }
    } catch (dropErr) {
      keptNone = true;
      process.stderr.write(
        `relaydesk sendmail: the relay at ${relay} answered "try again later" for ${replies.join('; ')}; could not keep the message for them in the drop folder (${(dropErr as Error).message}; give the relay's data folder with --data or RELAYDESK_DATA)\n`,
      );
    }
  }
  for (const err of never) {
    process.stderr.write(
      `relaydesk sendmail: the relay at ${relay} refused ${err.recipient ?? 'a recipient'}: ${err.response ?? err.message}; the other recipients get the message\n`,
    );
  }
  if (never.length > 0) return exNoUser;
  return keptNone ? exTempfail : 0;
}

/** The name of the user running us; a process with no passwd entry (a container) has a uid only. */
function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid${process.getuid?.() ?? ''}`;
  }
}

/** The relay could not be reached, or said "try again later" for the whole message. */
function isTemporary(err: SubmitError): boolean {
  return err.responseCode === undefined || (err.responseCode >= 400 && err.responseCode < 500);
}

function whyNotSubmitted(err: SubmitError, relay: string): string {
  return err.responseCode === undefined
    ? `could not submit to ${relay}: ${err.message}`
    : `the relay at ${relay} answered ${err.response ?? err.message}`;
}

function dropMessage(
  dataDir: string,
  from: string,
  recipients: string[],
  message: Buffer,
): Promise<string> {
  return writeDropFile(
    dataDir,
    {
      mailFrom: from,
      rcptTo: recipients,
      queuedAt: new Date().toISOString(),
      user: localUser(),
      uid: process.getuid?.() ?? null,
    },
    message,
  );
}

/**
 * -bs with the relay down or greeting 4xx: the session is answered here and its messages kept in
 * the drop folder; only when that folder cannot be made, a 421 greeting (the client reports it)
 * and 75.
 */
async function keepSmtpSession(
  parsed: SendmailArgs,
  unreachable: string,
  relayRunning: boolean,
): Promise<number> {
  try {
    await makeFolder(maildropFolder(parsed.dataDir));
  } catch (err) {
    const reason = `${unreachable}; could not keep mail in the drop folder either (${(err as Error).message})`;
    process.stdout.write(`421 4.3.0 ${reason}\r\n`);
    process.stdin.destroy();
    process.stderr.write(`relaydesk sendmail: ${reason} (is \`relaydesk serve\` running?)\n`);
    return exTempfail;
  }
  const { kept } = await keepSmtpSessionInMaildrop(process.stdin, process.stdout, {
    dataDir: parsed.dataDir,
    user: localUser(),
    uid: process.getuid?.() ?? null,
    relayState: relayRunning ? 'is not taking mail now' : 'is not running',
  });
  process.stdin.destroy();
  if (parsed.verbose && kept > 0) {
    process.stderr.write(
      `relaydesk sendmail: ${unreachable}; kept ${kept} message(s) in ${maildropFolder(parsed.dataDir)}; \`relaydesk serve\` takes them in as soon as it runs\n`,
    );
  }
  return 0;
}

/** The parts of nodemailer's errors read here (its NodemailerError). */
interface SubmitError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  recipient?: string;
  /** Every recipient was refused at RCPT: each one's reply. */
  rejectedErrors?: SubmitError[];
}

/** One line on stderr and the sysexits code: 75 (cron and PHP may try again) unless refused for good. */
function reportSubmitError(err: SubmitError, relay: string): number {
  if (err.responseCode === undefined) {
    process.stderr.write(
      `relaydesk sendmail: could not submit to ${relay}: ${err.message} (is \`relaydesk serve\` running?)\n`,
    );
    return exTempfail;
  }
  const reply = err.response ?? err.message;
  const permanent = err.responseCode >= 500;
  process.stderr.write(
    `relaydesk sendmail: the relay at ${relay} refused the message: ${reply}${permanent ? '' : ' (try again later)'}\n`,
  );
  return permanent ? exUnavailable : exTempfail;
}
