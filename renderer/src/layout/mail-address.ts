/**
 * What the mail page shows, kept in the address's query as Mailpit keeps its search (`?q=`), so
 * a reload, Back/Forward and a bookmarked or shared link give the same list and message. Only the
 * query changes, never the path: the desktop app's page is a file, whose path may not be
 * rewritten, and the API is found relative to the page's folder. The page (Settings, Queue…)
 * stays in the #fragment as before.
 */
export interface MailAddress {
  /** The search as typed (Mailpit's `q`). */
  query: string;
  tag: string | null;
  mailbox: string | null;
  /** The opened message's ID. */
  message: string | null;
  /**
   * The list's first row in sight, counted from the newest (0 = the top), as Mailpit's `start=`
   * is its page's offset: a reload or a shared link scrolls the list back there.
   */
  start: number;
}

const names = {
  query: 'q',
  tag: 'tag',
  mailbox: 'mailbox',
  message: 'message',
  start: 'start',
} as const;

/**
 * Rows to a page, as Mailpit's default limit: scrolled into another 50 rows, the list is a new
 * history entry, so Back steps back a page as Mailpit's Previous does; within one it is replaced.
 */
export const ADDRESS_PAGE = 50;

export function readMailAddress(search: string): MailAddress {
  const params = new URLSearchParams(search);
  const value = (name: string) => {
    const given = params.get(name)?.trim() ?? '';
    return given === '' ? null : given;
  };
  return {
    query: value(names.query) ?? '',
    tag: value(names.tag),
    mailbox: value(names.mailbox),
    message: value(names.message),
    start: rowNumber(value(names.start)),
  };
}

function rowNumber(given: string | null): number {
  return given !== null && /^\d{1,9}$/.test(given) ? Number(given) : 0;
}

/** `?q=…&tag=…` for `address` (empty for the plain list); other parameters are kept. */
export function mailAddressSearch(address: MailAddress, current = ''): string {
  const params = new URLSearchParams(current);
  const set = (name: string, value: string | null) => {
    if (value === null || value === '') params.delete(name);
    else params.set(name, value);
  };
  set(names.query, address.query);
  set(names.tag, address.tag);
  set(names.mailbox, address.mailbox);
  set(names.message, address.message);
  set(names.start, address.start > 0 ? String(address.start) : null);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** Two addresses name the same list (whichever message is open and wherever it is scrolled). */
export function sameList(a: MailAddress, b: MailAddress): boolean {
  return a.query === b.query && a.tag === b.tag && a.mailbox === b.mailbox;
}

/** A scroll of the list to `start` is a new history entry: it left the page the address names. */
export function isPageStep(shown: number, start: number): boolean {
  return Math.floor(shown / ADDRESS_PAGE) !== Math.floor(start / ADDRESS_PAGE);
}
