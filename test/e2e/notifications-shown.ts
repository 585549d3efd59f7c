// The browser's notifications as a screen test sees them: Chromium headless shows none anywhere a
// test can look, so each one the page makes is recorded on its way to the real constructor
// (`window.shown`, which a test may also use to click one).
import type { Page } from 'playwright-core';

/** Records every Notification the page makes, from its next navigation on. */
export async function recordNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Real = window.Notification;
    const shown: Notification[] = [];
    (window as unknown as { shown: Notification[] }).shown = shown;
    window.Notification = class extends Real {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push(this);
      }
    } as typeof Notification;
  });
}

/** The notifications recorded so far, each as "title: body". */
export function notificationsShown(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as { shown: Notification[] }).shown.map((n) => `${n.title}: ${n.body}`),
  );
}
