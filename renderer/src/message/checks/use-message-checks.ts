import { useEffect, useState } from 'react';
import { useApi } from '../../api/api-context';
import { serverWords } from '../../api/http-transport';
import { useAsyncValue, type AsyncValue } from '../../use-async-value';
import type { HtmlCheck, LinkCheck, SpamCheck } from './check-results';

/** How long a message stays open before its checks are asked for. */
const SETTLE_MS = 250;

/** Left loading until the message has settled (the key changes then, and this is dropped). */
const pending = <T>(): Promise<T> => new Promise<T>(() => undefined);

export type LinkCheckState =
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'done'; result: LinkCheck }
  | { status: 'failed'; error: string };

export interface MessageChecks {
  /** Null for a message without an HTML part: nothing to check. */
  html: AsyncValue<HtmlCheck | null>;
  spam: AsyncValue<SpamCheck>;
  /** Asks spamd again: one that was busy or stopped when the message opened answers later. */
  checkSpamAgain(): void;
  links: LinkCheckState;
  checkLinks(follow: boolean): void;
}

/**
 * The checks of the message open, read when it opens (the tabs show their verdicts in badges, as
 * Mailpit's do) and kept while it stays open: a tab opened again shows them without asking
 * again. The links are checked only when asked (each is a request to the sender's servers), and
 * their answer too is kept across tabs; it was lost at the first look at another tab.
 */
export function useMessageChecks(messageId: string, hasHtml: boolean): MessageChecks {
  const api = useApi();
  // asked once the message stays open a moment: arrowing down the list opens each message on
  // the way, and each would cost spamd a scan and the relay's thread an HTML check
  const [settledOn, setSettledOn] = useState<string | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setSettledOn(messageId), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [messageId]);
  const settled = settledOn === messageId;
  const html = useAsyncValue<HtmlCheck | null>(
    () => (!settled ? pending() : hasHtml ? api.htmlCheck(messageId) : Promise.resolve(null)),
    `html-check:${messageId}:${hasHtml}:${settled}`,
  );
  const [spamAsked, setSpamAsked] = useState({ messageId, times: 0 });
  const spamTimes = spamAsked.messageId === messageId ? spamAsked.times : 0;
  const spam = useAsyncValue<SpamCheck>(
    () => (settled ? api.spamCheck(messageId) : pending()),
    `spam-check:${messageId}:${settled}:${spamTimes}`,
  );
  const [links, setLinks] = useState<{ messageId: string; state: LinkCheckState }>({
    messageId,
    state: { status: 'idle' },
  });
  const checkLinks = (follow: boolean) => {
    const set = (state: LinkCheckState) =>
      // an answer for a message left meanwhile is dropped, not shown on the next one
      setLinks((current) =>
        current.messageId === messageId || state.status === 'checking'
          ? { messageId, state }
          : current,
      );
    set({ status: 'checking' });
    api.linkCheck(messageId, follow).then(
      (result) => set({ status: 'done', result }),
      (error: unknown) => set({ status: 'failed', error: serverWords(error) }),
    );
  };
  return {
    html,
    spam,
    checkSpamAgain: () => setSpamAsked({ messageId, times: spamTimes + 1 }),
    links: links.messageId === messageId ? links.state : { status: 'idle' },
    checkLinks,
  };
}
