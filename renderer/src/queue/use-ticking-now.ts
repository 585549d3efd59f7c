import { useEffect, useState } from 'react';

/**
 * The time, taken again by itself so that "next probe in 2 min" counts down with nothing else
 * drawing the view again (a paused queue changes nothing for minutes): every second while the
 * soonest of `times` still to come is under a minute and a bit away (the text is in seconds
 * then), every 15 s otherwise (in minutes, rounded).
 */
export function useTickingNow(times: ReadonlyArray<string | null | undefined>): number {
  const [now, setNow] = useState(() => Date.now());
  let soonest = Infinity;
  for (const iso of times) {
    const at = iso ? Date.parse(iso) : NaN;
    if (at > now && at < soonest) soonest = at;
  }
  const every = soonest - now < 70_000 ? 1000 : 15_000;
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), every);
    return () => clearInterval(timer);
  }, [every]);
  return now;
}
