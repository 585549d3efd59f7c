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
}

const names = { query: 'q', tag: 'tag', mailbox: 'mailbox', message: 'message' } as const;

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
  };
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
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** Two addresses name the same list (whichever message is open). */
export function sameList(a: MailAddress, b: MailAddress): boolean {
  return a.query === b.query && a.tag === b.tag && a.mailbox === b.mailbox;
}
