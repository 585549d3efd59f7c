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
 * The unread count where a browser tab shows it, as Mailpit does: on the favicon, and in the
 * title ("(3) Relaydesk"), so new mail is seen from another tab. Also on the installed app's icon
 * where the browser has the Badging API.
 */
export function useUnreadBadge(unread: number): void {
  const original = useRef<{ title: string; icon: string | null } | null>(null);
  useEffect(() => {
    const link = document.head.querySelector<HTMLLinkElement>('link[rel="icon"]');
    original.current ??= { title: document.title, icon: link?.href ?? null };
    const { title, icon } = original.current;
    document.title = unread > 0 ? `(${badgeText(unread)}) ${title}` : title;
    if ('setAppBadge' in navigator) {
      const badge = unread > 0 ? navigator.setAppBadge(unread) : navigator.clearAppBadge();
      badge.catch(() => undefined);
    }
    if (!link || icon === null) return;
    if (unread === 0) {
      link.href = icon;
      return;
    }
    let current = true;
    // a burst of arrivals draws once, for the count it ends on
    const timer = setTimeout(() => {
      iconWithCount(icon, badgeText(unread)).then(
        (url) => {
          if (current) link.href = url;
        },
        () => undefined,
      );
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [unread]);
}
