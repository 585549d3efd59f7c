// The window's size, position and pane widths are remembered between runs. A saved position
// is used only while it is still on a screen (a monitor may have been unplugged since).
import type { PaneWidths } from '../../preload/desktop-contract.js';

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds?: WindowBounds;
  maximized?: boolean;
  panes?: PaneWidths;
}

export const defaultWindowSize = { width: 1200, height: 800 };
export const minimumWindowSize = { width: 640, height: 400 };

/** Where the window opens: the saved place when enough of its title bar is on a screen. */
export function restoredBounds(
  saved: WindowState,
  screens: readonly WindowBounds[],
): { width: number; height: number; x?: number; y?: number } {
  const b = saved.bounds;
  if (!b) return { ...defaultWindowSize };
  const width = Math.max(minimumWindowSize.width, Math.round(b.width));
  const height = Math.max(minimumWindowSize.height, Math.round(b.height));
  // the top strip of the window (its title bar) must show at least 100×30 px on some screen
  const titleBar = { x: b.x, y: b.y, width, height: 30 };
  const visible = screens.some((area) => {
    const w =
      Math.min(titleBar.x + titleBar.width, area.x + area.width) - Math.max(titleBar.x, area.x);
    const h =
      Math.min(titleBar.y + titleBar.height, area.y + area.height) - Math.max(titleBar.y, area.y);
    return w >= 100 && h >= 30;
  });
  return visible ? { x: Math.round(b.x), y: Math.round(b.y), width, height } : { width, height };
}

export class PaneWidthsError extends Error {
  override name = 'PaneWidthsError';
}

/** Checks what the renderer sends: at most 20 panes, names of letters, widths 0–10000 px. */
export function checkPaneWidths(input: unknown): PaneWidths {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PaneWidthsError('pane widths: expected an object such as {"list": 420}');
  }
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > 20) throw new PaneWidthsError('pane widths: at most 20 panes');
  const widths: PaneWidths = {};
  for (const [name, width] of entries) {
    if (!/^[A-Za-z][\w-]{0,39}$/.test(name)) {
      throw new PaneWidthsError(`pane widths: ${JSON.stringify(name)} is not a pane name`);
    }
    if (typeof width !== 'number' || !Number.isFinite(width) || width < 0 || width > 10_000) {
      throw new PaneWidthsError(
        `pane widths: ${name}: ${JSON.stringify(width)} is not a width from 0 to 10000 px`,
      );
    }
    widths[name] = Math.round(width);
  }
  return widths;
}

/** What closing the window does: hide it to the tray, or close it (and quit on the last one). */
export function closeAction(input: {
  closeToTray: boolean;
  quitting: boolean;
  trayShown: boolean;
}): 'hide' | 'close' {
  return input.closeToTray && input.trayShown && !input.quitting ? 'hide' : 'close';
}
