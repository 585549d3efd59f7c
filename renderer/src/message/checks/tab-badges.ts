// What the check tabs say in their badge before they are opened, as Mailpit's tabs do: the HTML
// check's support, the spam score, and once the links were checked, how many failed. The words
// for a screen reader are the tab's description; its name stays the tab's own.
import type { LinkCheck, SpamCheck } from './check-results';
import { percent } from './check-results';
import type { ScoredHtmlCheck } from './html-check-score';

export type BadgeTone = 'ok' | 'warn' | 'bad';

export interface TabBadge {
  text: string;
  tone: BadgeTone;
  /** Read as the tab's description. */
  words: string;
}

/** Mailpit's thresholds: under 5% unsupported and 10% partly is fine, under 10% and 15% a warning. */
export function htmlCheckBadge(check: ScoredHtmlCheck): TabBadge {
  const { Supported, Partial, Unsupported } = check.Total;
  const tone: BadgeTone =
    Unsupported < 5 && Partial < 10 ? 'ok' : Unsupported < 10 && Partial < 15 ? 'warn' : 'bad';
  return {
    // as the tab's own summary rounds it: "83%" on the tab over "84%" inside read as two figures
    text: percent(Supported),
    tone,
    words: `${percent(Supported)} supported by the clients tested`,
  };
}

/** The score, as Mailpit colours it: spam is bad, 4 points or more a warning; none without spamd. */
export function spamCheckBadge(check: SpamCheck): TabBadge | null {
  if (check.Error) return null;
  const tone: BadgeTone = check.IsSpam ? 'bad' : check.Score >= 4 ? 'warn' : 'ok';
  return {
    text: String(check.Score),
    tone,
    words: `score ${check.Score} of ${check.Threshold}: ${check.IsSpam ? 'spam' : 'not spam'}`,
  };
}

export function linkCheckBadge(check: LinkCheck): TabBadge {
  return check.Errors === 0
    ? { text: '0', tone: 'ok', words: `all ${check.Links.length} links answered` }
    : {
        text: String(check.Errors),
        tone: 'bad',
        words: `${check.Errors} of ${check.Links.length} links failed`,
      };
}
