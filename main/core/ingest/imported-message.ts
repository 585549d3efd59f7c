// A message imported from a file (an .eml, a Maildir, an mbox) rather than received over SMTP:
// its envelope is read from its headers, as Mailpit's `ingest` does (Return-Path or From for
// the sender; To, Cc and Bcc for the recipients, the sender when there are none), and its
// received time is kept from the archive (the mbox From_ line, else the Date header).
import addressparser from 'nodemailer/lib/addressparser';
import type { Envelope } from '../message-record.js';
import { readHeaderFields } from '../message/header-fields.js';

function addressesIn(values: string[]): string[] {
  const parsed = addressparser(values.join(', '), { flatten: true });
  return parsed.map((a) => a.address).filter((a): a is string => Boolean(a && a.includes('@')));
}

export function importedEnvelope(raw: Uint8Array, clientIp: string): Envelope {
  const fields = readHeaderFields(raw);
  const values = (name: string): string[] =>
    fields.filter((f) => f.name.toLowerCase() === name).map((f) => f.value);
  const from = addressesIn(values('from'))[0] ?? '';
  const returnPath = values('return-path')[0];
  const mailFrom =
    returnPath !== undefined ? (/<([^>]*)>/.exec(returnPath)?.[1] ?? returnPath.trim()) : from;
  const recipients = addressesIn([...values('to'), ...values('cc'), ...values('bcc')]);
  const unique = recipients.filter(
    (a, i) => recipients.findIndex((b) => b.toLowerCase() === a.toLowerCase()) === i,
  );
  return {
    mailFrom,
    rcptTo: unique.length > 0 ? unique : from ? [from] : [],
    clientIp,
    clientHostname: null,
    helo: 'relaydesk-ingest',
    user: null,
    tls: null,
    smtpUtf8: false,
    eightBitMime: false,
    origin: 'ingest',
  };
}

/** The Date header as a time, or null when absent or not a date. */
export function dateHeaderTime(raw: Uint8Array): Date | null {
  const field = readHeaderFields(raw).find((f) => f.name.toLowerCase() === 'date');
  if (!field) return null;
  const time = new Date(field.value.replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(time.getTime()) ? null : time;
}
