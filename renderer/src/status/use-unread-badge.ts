import { useEffect, useRef } from 'react';

/** What the badge says: the count, in thousands past 999 (Mailpit's favicon does the same). */
export function badgeText(unread: number): string {
  return unread > 999 ? `${Math.floor(unread / 1000)}k` : String(unread);
}

/** The app's icon with the unread count drawn on it, as a PNG data: URL (the page's CSP allows data: images). */
async function iconWithCount(iconUrl: string, text: string): Promise<string> {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 64;
  const context = canvas.getContext('2d');
  if (!context) return iconUrl;
  const icon = new Image();
  icon.src = iconUrl;
  await icon.decode();
  context.drawImage(icon, 0, 0, 64, 64);
  const fontSize = text.length > 2 ? 30 : 38;
  context.font = `bold ${fontSize}px sans-serif`;
  const width = Math.min(64, context.measureText(text).width + 12);
  const height = fontSize + 6;
  context.fillStyle = '#d00';
  context.beginPath();
  context.roundRect(64 - width, 64 - height, width, height, 8);
  context.fill();
  context.fillStyle = '#fff';
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  context.fillText(text, 64 - width / 2, 64 - height / 2 + 2, width - 4);
  return canvas.toDataURL('image/png');
}

/**
 * How often the title and the badge follow the count at most. Each is a message to the browser
 * (or Electron's main) process that holds the page 1.5-3 ms on a busy machine; set once per batch
 * of a burst of arrivals (48 times in 1,000 messages), they held it a tenth of its busy time. A
 * count that changes alone still shows at once.
 */
const spacingMs = 500;
/**
 * The favicon is drawn once a burst has settled, for the count it ends on: longer than the
 * spacing of the showings, or a burst that keeps coming draws it after each (at 300 ms, every
 * 500 ms of a burst: a tenth of the renderer's JS time while 2,000 messages came).
 */
const iconDelayMs = spacingMs + 200;

/**
 * The unread count where a browser tab shows it, as Mailpit does: on the favicon, and in the
 * title ("(3) Relaydesk"), so new mail is seen from another tab. Also on the installed app's icon
 * where the browser has the Badging API.
 */
export function useUnreadBadge(unread: number): void {
  const latest = useRef(unread);
  const shown = useRef({
    at: -Infinity,
    timer: undefined as ReturnType<typeof setTimeout> | undefined,
    iconTimer: undefined as ReturnType<typeof setTimeout> | undefined,
    /** Bumped by each count shown: an icon drawn for an older count is not put up. */
    generation: 0,
    original: null as { title: string; icon: string | null } | null,
  });

  useEffect(() => {
    latest.current = unread;
    const state = shown.current;
    if (state.timer !== undefined) return; // the next showing takes the latest count

    const show = () => {
      state.timer = undefined;
      state.at = performance.now();
      const count = latest.current;
      const link = document.head.querySelector<HTMLLinkElement>('link[rel="icon"]');
      state.original ??= { title: document.title, icon: link?.href ?? null };
      const { title, icon } = state.original;
      document.title = count > 0 ? `(${badgeText(count)}) ${title}` : title;
      if ('setAppBadge' in navigator) {
        const badge = count > 0 ? navigator.setAppBadge(count) : navigator.clearAppBadge();
        badge.catch(() => undefined);
      }
      const generation = ++state.generation;
      clearTimeout(state.iconTimer);
      if (!link || icon === null) return;
      if (count === 0) {
        link.href = icon;
        return;
      }
      state.iconTimer = setTimeout(() => {
        iconWithCount(icon, badgeText(count)).then(
          (url) => {
            if (generation === state.generation) link.href = url;
          },
          () => undefined,
        );
      }, iconDelayMs);
    };

    const wait = state.at + spacingMs - performance.now();
    if (wait <= 0) show();
    else state.timer = setTimeout(show, wait);
  }, [unread]);

  useEffect(() => {
    const state = shown.current;
    return () => {
      clearTimeout(state.timer);
      clearTimeout(state.iconTimer);
      state.timer = undefined;
      state.generation++;
    };
  }, []);
}
