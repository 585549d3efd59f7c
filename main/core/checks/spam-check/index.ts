// Spam check: the message as SpamAssassin's spamd scores it, in Mailpit's `sa-check` shape. When
// spamd is not configured or cannot be reached the answer says so in `Error`; it never fails.
import { settingName } from '../../../../preload/setting-names.js';
import type { ListenAddress } from '../../settings/settings-schema.js';
import { notAvailable, readSpamReport, type SpamCheckResult } from './spam-report.js';
import { askSpamd, SpamdUnavailableError } from './spamd-client.js';

export type { SpamCheckResult, SpamRule } from './spam-report.js';
export { askSpamd, spamdAddressText, spamdAnswers, SpamdUnavailableError } from './spamd-client.js';

/** spamd scores a message in about 0.1 s; DNS-based rules can take seconds (Mailpit waits 8). */
export const spamdTimeoutMs = 10_000;

export async function checkSpam(
  spamd: ListenAddress | null,
  raw: Buffer,
  timeoutMs = spamdTimeoutMs,
): Promise<SpamCheckResult> {
  if (!spamd) {
    return notAvailable(
      `SpamAssassin is not available: no spamd is configured (start spamd and ${settingName('spamassassin')}, e.g. 127.0.0.1:783)`,
    );
  }
  try {
    return readSpamReport(await askSpamd(spamd, 'REPORT', raw, timeoutMs));
  } catch (err) {
    // a sentence as the unconfigured one is: "not available: SpamAssassin (…)" read as a fragment
    if (err instanceof SpamdUnavailableError)
      return notAvailable(`SpamAssassin is not available: ${err.spamd}: ${err.reason}`);
    throw err;
  }
}
