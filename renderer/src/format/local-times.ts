import { formatFullDate } from './mail-format';

/**
 * A time the relay writes into its words (a reason, a fix, an audit line): RFC 3339 in UTC
 * ("2026-12-07T13:02:11.000Z"), or the pause's "2026-12-07 13:02:11 UTC". The API and the CLI
 * keep them so; on screen they read in the user's time, as every other date of the GUI.
 */
const utcInWords = /\b(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(?:Z| UTC\b)/g;

/** The relay's words with each UTC time in them shown in local time ("Dec 7, 2026, 2:02:11 PM"). Pure. */
export function localTimes(text: string): string {
  return text.replace(utcInWords, (whole, day: string, time: string) => {
    const date = new Date(`${day}T${time}Z`);
    return Number.isNaN(date.getTime()) ? whole : formatFullDate(date.toISOString());
  });
}
