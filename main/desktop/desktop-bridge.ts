// Main's side of the desktop contract: the pane-widths calls (checked like every IPC call: our
// page only, arguments validated) and the "open this view" events sent to the renderer. A view
// asked for before the page has loaded is sent once it has, so a second launch with a file or a
// click on a notification that starts the window is not lost.
import type { WebContents } from 'electron';
import {
  desktopChannels,
  type DesktopEvent,
  type DesktopView,
  type PaneWidths,
} from '../../preload/desktop-contract.js';
import type { IpcMainLike } from './ipc-handlers.js';
import { checkPaneWidths } from './window-state.js';

export function registerDesktopHandlers(
  ipcMain: IpcMainLike,
  isOwnPage: (url: string) => boolean,
  panes: { get(): PaneWidths; set(widths: PaneWidths): void },
): () => void {
  const guard =
    (name: string, run: (...args: unknown[]) => unknown) =>
    async (event: { senderFrame?: { url: string } | null }, ...args: unknown[]) => {
      const url = event.senderFrame?.url ?? '';
      if (!isOwnPage(url)) throw new Error(`refused IPC ${name} from ${url || 'an unknown frame'}`);
      return run(...args);
    };
  ipcMain.handle(
    desktopChannels.getPaneWidths,
    guard('getPaneWidths', () => panes.get()),
  );
  ipcMain.handle(
    desktopChannels.setPaneWidths,
    guard('setPaneWidths', (widths) => {
      panes.set(checkPaneWidths(widths));
    }),
  );
  return () => {
    ipcMain.removeHandler(desktopChannels.getPaneWidths);
    ipcMain.removeHandler(desktopChannels.setPaneWidths);
  };
}

type ViewTarget = Pick<WebContents, 'send' | 'isDestroyed' | 'isLoading' | 'once'>;

export function openView(contents: ViewTarget, view: DesktopView): void {
  const event: DesktopEvent = { Type: 'open', Data: view };
  if (contents.isDestroyed()) return;
  if (contents.isLoading())
    contents.once('did-finish-load', () => contents.send(desktopChannels.event, event));
  else contents.send(desktopChannels.event, event);
}
