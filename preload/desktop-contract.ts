// The desktop contract: what only the desktop app has, beside the API contract. Main tells the
// renderer which view to open (a notification or menu item was clicked, a second launch passed
// an .eml file); the renderer reports the pane widths it wants remembered. Types and channel
// names only, so the Node and browser builds can both import it.

/** A place in the UI that main can ask the renderer to show. */
export type DesktopView =
  | { view: 'inbox' }
  | { view: 'message'; id: string }
  | { view: 'queue' }
  /** The SMTP sessions page (a client's failed session is read there). */
  | { view: 'sessions' }
  /** Settings, scrolled to a section (`listener` when a listener could not start). */
  | { view: 'settings'; section?: 'listener' }
  /** The suspended senders, with the one-click release of an automatic pause. */
  | { view: 'senders' }
  /** The "Analyze headers" view, empty or with a file's text (an .eml opened with the app). */
  // encoding: see readEmlForAnalysis (a file that is not UTF-8, one character a byte)
  | { view: 'analyze'; file?: { name: string; text: string; encoding?: 'latin1' } };

export type DesktopEvent = { Type: 'open'; Data: DesktopView };

/** Pane widths in CSS pixels by pane name, e.g. {"sidebar": 220, "list": 420}. */
export type PaneWidths = Record<string, number>;

export interface DesktopBridge {
  /** Subscribes to requests from main; returns the function that unsubscribes. */
  onDesktopEvent(listener: (event: DesktopEvent) => void): () => void;
  /** The remembered pane widths (empty on the first run). */
  getPaneWidths(): Promise<PaneWidths>;
  setPaneWidths(widths: PaneWidths): Promise<void>;
}

export const desktopChannels = {
  /** main → renderer: a DesktopEvent */
  event: 'relaydesk-desktop:event',
  getPaneWidths: 'relaydesk-desktop:get-pane-widths',
  setPaneWidths: 'relaydesk-desktop:set-pane-widths',
} as const;
