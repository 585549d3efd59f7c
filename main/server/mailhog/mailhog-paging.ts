// MailHog's paging of /api/v2/messages and /api/v2/search (getStartLimit in its api/v2.go):
// a start or limit that is not a whole number above 0 is its default (0 and 50), and a limit
// above 250 is 250. Clients ask for `limit=1000` or `limit=9999` to get "everything" and
// MailHog answers; refusing them with a 400 would fail those test suites.

/** MailHog's largest page. */
export const mailhogMaxLimit = 250;

/** The query values as MailHog reads them (strings; Go's ParseInt takes an optional sign). */
export interface MailhogPagingQuery {
  start?: string;
  limit?: string;
}

function positiveWhole(value: string | undefined): number | null {
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

export function mailhogPageOf(query: MailhogPagingQuery): { start: number; limit: number } {
  return {
    start: positiveWhole(query.start) ?? 0,
    limit: Math.min(positiveWhole(query.limit) ?? 50, mailhogMaxLimit),
  };
}
