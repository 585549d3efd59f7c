// What the check tabs say in their badge before they are opened, as Mailpit's tabs do: the HTML
// check's support, the spam score, and once the links were checked, how many failed. The words
// for a screen reader are the tab's description; its name stays the tab's own.
import type { LinkCheck, SpamCheck } from './check-results';
import { blockedLinks, failedLinks, percent } from './check-results';
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

/**
 * How many links failed: answered with an error, or not at all. A blocked link (to this machine
 * or a private network, not asked unless Settings allows it) is not among them: Mailpit's badge
 * counts its 451 as a failure, so a message whose links all answered read as broken.
 */
export function linkCheckBadge(check: LinkCheck): TabBadge {
  const blocked = blockedLinks(check);
  const failed = failedLinks(check);
  const notAsked = blocked === 0 ? '' : `; ${blocked} blocked (not asked: internal address)`;
  const asked = check.Links.length - blocked;
  return failed === 0
    ? {
        text: '0',
        tone: 'ok',
        words:
          blocked === 0
            ? `all ${asked} links answered`
            : `${asked === 1 ? 'the 1 link' : `all ${asked} links`} asked answered${notAsked}`,
      }
    : {
        text: String(failed),
        tone: 'bad',
        words: `${failed} of ${asked} links ${blocked === 0 ? '' : 'asked '}failed${notAsked}`,
      };
}
