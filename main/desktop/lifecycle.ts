// Quitting cleanly: Electron's `will-quit` is held back until the relay has stopped (the SMTP
// message in flight stored, the queue's sends finished or handed back, the message index
// closed), then the app exits. Closing the last window quits unless the tray keeps us running.

/** The part of Electron's `app` this uses (the stand-in in tests provides the same). */
export interface QuittableApp {
  on(event: 'before-quit', listener: () => void): unknown;
  on(event: 'will-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  quit(): void;
  exit(code?: number): void;
}

export interface QuitOptions {
  /** Stops the relay; resolves when everything is on disk. */
  stop(): Promise<void>;
  /** Whether the app lives on with no window (close-to-tray; macOS's Dock). */
  staysInTray(): boolean;
  log(line: string): void;
}

export interface QuitState {
  /** True from the moment a quit was asked for: windows close instead of hiding. */
  readonly quitting: boolean;
}

export function manageQuit(app: QuittableApp, options: QuitOptions): QuitState {
  const state = { quitting: false, stopped: false, stopping: false };
  app.on('before-quit', () => {
    state.quitting = true;
  });
  app.on('window-all-closed', () => {
    if (!options.staysInTray()) app.quit();
  });
  app.on('will-quit', (event) => {
    if (state.stopped) return;
    event.preventDefault();
    state.quitting = true;
    if (state.stopping) return;
    state.stopping = true;
    options.stop().then(
      () => {
        state.stopped = true;
        app.exit(0);
      },
      (err: Error) => {
        options.log(`error while stopping: ${err.message}`);
        state.stopped = true;
        app.exit(1);
      },
    );
  });
  return {
    get quitting() {
      return state.quitting;
    },
  };
}
