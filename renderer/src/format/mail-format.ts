// How mail fields read in the list and the message view.
import type { MailAddress } from '../api/contract';

// The explicit bidirectional formatting characters (embeddings, overrides, isolates). Shown as
// they are, `Invoice \u202Egpj.exe` reads "Invoice exe.jpg": a subject, sender name or attachment
// name can pass an executable off as a picture (CVE-2009-3376's trick, the "RLO" spoof). Mail
// text written right to left needs none of them, so they are shown as what they are instead.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a message (subject, display name, attachment name) with each bidi control shown as
 * `[U+202E]`, so it cannot reorder what the reader sees.
 */
export function shownMailText(text: string): string {
  return text.replace(
    BIDI_CONTROLS,
    (char) => `[U+${char.charCodeAt(0).toString(16).toUpperCase()}]`,
  );
}

/** A name to save a part under: the bidi controls taken out (they would reorder it there too). */
export function savedFileName(name: string): string {
  return name.replace(BIDI_CONTROLS, '');
}

/** The subject as the list and the reading pane show it. */
export function shownSubject(subject: string): string {
  return subject ? shownMailText(subject) : '(no subject)';
}

/** `Name <address>`, or the bare address when there is no display name. */
export function formatAddress(address: MailAddress | null): string {
  if (!address) return '';
  const name = shownMailText(address.Name);
  const mailbox = shownMailText(address.Address);
  return name ? `${name} <${mailbox}>` : mailbox;
}

/** The short form for a list column: the display name when there is one. */
export function shortAddress(address: MailAddress | null): string {
  if (!address) return '';
  return shownMailText(address.Name || address.Address);
}

export function formatAddressList(addresses: readonly MailAddress[]): string {
  return addresses.map(formatAddress).join(', ');
}

export function shortAddressList(addresses: MailAddress[]): string {
  return addresses.map(shortAddress).join(', ');
}

const units = ['B', 'kB', 'MB', 'GB'] as const;

/** Message sizes in 1024-byte units, the way SMTP size limits are usually quoted. */
export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayOfYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Today's mail shows the time, older mail the day: what a list needs at a glance. */
export function formatReceivedTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toDateString() === now.toDateString()
    ? timeOfDay.format(date)
    : dayOfYear.format(date);
}

export function formatFullDate(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : fullDate.format(date);
}
