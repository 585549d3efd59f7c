import { useCallback, useEffect, useState } from 'react';
import type { RendererApi } from '../api/client';
import type { MessageSummary } from '../api/contract';

const storageKey = 'relaydesk.browserNotifications';
/** At most one notification this often, as Mailpit's web UI: a test suite's burst is one, not 500. */
const quietMs = 2000;

export interface BrowserNotifications {
  /** The browser can show them here (a secure context: localhost or HTTPS) and were not refused. */
  available: boolean;
  enabled: boolean;
  /** Asks the browser's permission the first time; off again on a second call. */
  toggle(): void;
}

function permitted(): boolean {
  return 'Notification' in window && Notification.permission === 'granted';
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
  const available =
    api.transport === 'http' &&
    window.isSecureContext &&
    'Notification' in window &&
    Notification.permission !== 'denied';
  const [enabled, setEnabled] = useState(
    () => available && permitted() && localStorage.getItem(storageKey) === 'on',
  );

  const toggle = useCallback(() => {
    if (enabled) {
      localStorage.removeItem(storageKey);
      setEnabled(false);
      return;
    }
    void Notification.requestPermission().then((answer) => {
      if (answer !== 'granted') return;
      localStorage.setItem(storageKey, 'on');
      setEnabled(true);
    });
  }, [enabled]);

  useEffect(() => {
    if (!enabled) return;
    let quietUntil = 0;
    return api.onEvent((event) => {
      if (event.Type !== 'new' || !permitted() || Date.now() < quietUntil) return;
      quietUntil = Date.now() + quietMs;
      const message = event.Data;
      const from = message.From?.Address || '(no sender)';
      const shown = new Notification(`New mail from ${from}`, {
        body: (message.Subject || '(no subject)').slice(0, 100),
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
