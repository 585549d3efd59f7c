// How mail fields read in the list and the message view.
import { shownMailText, type MailAddress } from '../api/contract';

// what the sender chose, shown or saved so that bidi controls cannot reorder it (mail-text.ts)
export { shownMailText, withoutBidiControls as savedFileName } from '../api/contract';

/** The subject as the list and the reading pane show it. */
export function shownSubject(subject: string): string {
  return subject ? shownMailText(subject) : '(no subject)';
}

/**
 * A display name as shown, quoted as the header writes it when it holds a character that
 * separates or delimits addresses: `Smith, Jane <jane@…>` read as two recipients, "Smith" and
 * "Jane". The name as sent decides, not its shown form (whose bidi marks are in brackets).
 */
function shownName(name: string, separators: RegExp): string {
  const shown = shownMailText(name);
  return separators.test(name) ? `"${shown.replace(/(["\\])/g, '\\$1')}"` : shown;
}

// RFC 5322's specials, less the dot that names like "J. Smith" carry unquoted (obs-phrase)
const specials = /[()<>[\]:;@\\,"]/;

/** `Name <address>`, or the bare address when there is no display name. */
export function formatAddress(address: MailAddress | null): string {
  if (!address) return '';
  const name = shownName(address.Name, specials);
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

/** Display names joined with commas: a name that has one is quoted, so each name reads whole. */
export function shortAddressList(addresses: MailAddress[]): string {
  return addresses
    .map((address) => (address.Name ? shownName(address.Name, /[,;"]/) : shortAddress(address)))
    .join(', ');
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

const timeWithSeconds = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
});

/**
 * A delivery attempt's time: to the second, as retries are timed, and the day only when it is
 * not today ("7:57:35 AM", "Dec 6, 7:57:35 AM"). The whole date in a narrow table cell took
 * four lines for each attempt.
 */
export function formatAttemptTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toDateString() === now.toDateString()
    ? timeWithSeconds.format(date)
    : dayAndTime.format(date);
}

export function formatFullDate(iso: string | null): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : fullDate.format(date);
}
