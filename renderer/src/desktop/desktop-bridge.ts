// The desktop app's own bridge (window.relaydeskDesktop): main asks for a view (a notification
// or menu item was clicked, a second launch passed an .eml), and the pane widths are remembered.
// Absent in a browser, where every call here does nothing.
import { useEffect, useRef } from 'react';
import type { DesktopBridge, DesktopView, PaneWidths } from '../../../preload/desktop-contract.js';

declare global {
  interface Window {
    /** Set by the Electron preload through contextBridge; absent in a plain browser. */
    relaydeskDesktop?: DesktopBridge;
  }
}

/** Calls `show` for each view main asks for, for as long as the component is mounted. */
export function useDesktopViews(show: (view: DesktopView) => void): void {
  const latest = useRef(show);
  latest.current = show;
  useEffect(() => {
    const bridge = window.relaydeskDesktop;
    if (!bridge) return;
    return bridge.onDesktopEvent((event) => {
      if (event.Type === 'open') latest.current(event.Data);
    });
  }, []);
}

/** The width main remembered for a pane, once it answers (not at all in a browser). */
export function useRememberedPaneWidth(pane: string, apply: (width: number) => void): void {
  const latest = useRef(apply);
  latest.current = apply;
  useEffect(() => {
    const bridge = window.relaydeskDesktop;
    if (!bridge) return;
    let live = true;
    void bridge.getPaneWidths().then((widths: PaneWidths) => {
      const width = widths[pane];
      if (live && typeof width === 'number') latest.current(width);
    });
    return () => {
      live = false;
    };
  }, [pane]);
}

/** Tells main a pane's new width, so the next start opens with it. */
export function rememberPaneWidth(pane: string, width: number): void {
  void window.relaydeskDesktop?.setPaneWidths({ [pane]: width });
}
