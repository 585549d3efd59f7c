import { useCallback, useEffect, useState } from 'react';
import type { RendererApi } from '../api/client';
import { arrivalSender, shownMailText, type MessageSummary } from '../api/contract';
import { storedChoice, useStoredChoice } from '../use-stored-choice';

/** Chosen in this browser (storage that cannot be read, as in a locked-down profile: off). */
const notificationsChosen = storedChoice(
  'relaydesk.browserNotifications',
  (stored) => stored === 'on',
  (on) => (on ? 'on' : null),
);
/** At most one notification this often, as Mailpit's web UI: a test suite's burst is one, not 500. */
const quietMs = 2000;

export interface BrowserNotifications {
  /** The browser can show them here (a secure context: localhost or HTTPS) and were not refused. */
  available: boolean;
  enabled: boolean;
  /** Asks the browser's permission the first time; off again on a second call. */
  toggle(): void;
}

type Permission = NotificationPermission | 'unsupported';

/**
 * Reading `Notification.permission` is a synchronous round trip to Chromium's browser process:
 * read on every render of the App, it held the page's thread for 8 % of its busy time under a
 * burst of arrivals on a busy machine (waiting, not CPU).
 * It is read once here, and again only when the browser says it changed or the user answered.
 */
function currentPermission(api: RendererApi): Permission {
  const usable = api.transport === 'http' && window.isSecureContext && 'Notification' in window;
  return usable ? Notification.permission : 'unsupported';
}

/**
 * Mailpit's "Enable browser notifications": new mail notified by the browser while the UI is open
 * in a tab (the desktop app notifies natively instead, so this is for the HTTP transport only).
 * The choice is kept in this browser.
 */
export function useBrowserNotifications(
  api: RendererApi,
  onOpen: (message: MessageSummary) => void,
): BrowserNotifications {
  const [permission, setPermission] = useState(() => currentPermission(api));
  const available = permission === 'default' || permission === 'granted';
  const chosen = useStoredChoice(notificationsChosen);
  const enabled = chosen && permission === 'granted';

  const supported = permission !== 'unsupported';
  useEffect(() => {
    if (!supported || !('permissions' in navigator)) return;
    let status: PermissionStatus | null = null;
    let current = true;
    const changed = () => setPermission(currentPermission(api));
    navigator.permissions.query({ name: 'notifications' }).then(
      (answer) => {
        if (!current) return;
        status = answer;
        status.addEventListener('change', changed);
      },
      () => undefined,
    );
    return () => {
      current = false;
      status?.removeEventListener('change', changed);
    };
  }, [api, supported]);

  const toggle = useCallback(() => {
    if (enabled) {
      notificationsChosen.choose(false);
      return;
    }
    void Notification.requestPermission().then((answer) => {
      setPermission(answer);
      if (answer !== 'granted') return;
      notificationsChosen.choose(true);
    });
  }, [enabled]);

  useEffect(() => {
    if (!enabled) return;
    let quietUntil = 0;
    return api.onEvent((event) => {
      if (event.Type !== 'new' || Date.now() < quietUntil) return;
      quietUntil = Date.now() + quietMs;
      const message = event.Data;
      // the address, as Mailpit's; a scan without a From header by its envelope sender
      const shown = new Notification(`New mail from ${arrivalSender(message, false)}`, {
        body: (shownMailText(message.Subject) || '(no subject)').slice(0, 100),
        tag: 'relaydesk-new-mail',
      });
      shown.onclick = () => {
        window.focus();
        onOpen(message);
        shown.close();
      };
    });
  }, [api, enabled, onOpen]);

  return { available, enabled, toggle };
}
