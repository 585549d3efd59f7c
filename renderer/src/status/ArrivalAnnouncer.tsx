import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import { arrivalSender, type MessageSummary } from '../api/contract';

/** New mail is gathered this long before it is said, so a burst's first messages are one sentence. */
const gatherMs = 1500;
/** At most one sentence this often: a test suite's 100 messages are a few, not 100 interruptions. */
const quietMs = 5000;

/** What a screen reader hears for the mail that arrived since it last heard of any. Pure. */
export function arrivalSentence(count: number, latest: MessageSummary): string {
  const from = arrivalSender(latest);
  const subject = latest.Subject || '(no subject)';
  if (count === 1) return `New message from ${from}: ${subject}`;
  return `${count} new messages; the latest from ${from}: ${subject}`;
}

/**
 * New mail said to a screen reader (a polite live region), gathered: a sighted user sees the list
 * grow, and a listener hears of it without the list being read out on every arrival.
 */
export function ArrivalAnnouncer() {
  const api = useApi();
  const [sentence, setSentence] = useState('');
  useEffect(() => {
    let count = 0;
    let latest: MessageSummary | null = null;
    let saidAt = -Infinity;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const say = () => {
      timer = null;
      if (latest) setSentence(arrivalSentence(count, latest));
      saidAt = Date.now();
      count = 0;
      latest = null;
    };
    const stop = api.onEvent((event) => {
      if (event.Type !== 'new') return;
      count += 1;
      latest = event.Data;
      timer ??= setTimeout(say, Math.max(gatherMs, saidAt + quietMs - Date.now()));
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [api]);
  return (
    <p className="visually-hidden" role="status" data-testid="arrival-announcer">
      {sentence}
    </p>
  );
}
