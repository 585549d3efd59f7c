// A stand-in for the `electron` module: no Electron binary can be had on the build machines,
// so the desktop wiring (preload ↔ IPC ↔ main) is tested with this in its place. It keeps
// Electron's contracts that the wiring relies on: handle/invoke by channel, a sender frame
// URL and sender (the window's webContents) on each call, exposeInMainWorld, and
// on/removeListener for events from main.
type InvokeHandler = (
  event: { senderFrame: { url: string }; sender: object },
  ...args: unknown[]
) => unknown;
type Listener = (event: { sender: 'main' }, ...args: unknown[]) => void;

export interface StandIn {
  /** The URL the calling page has; tests change it to play a foreign frame. */
  pageUrl: string;
  /**
   * The calling window's webContents as a handler's event has it: `webContents` unless a test
   * forwards events to a wrapper of its own and sets that here.
   */
  sender: object;
  exposed: Record<string, unknown>;
  ipcMain: {
    handle(channel: string, handler: InvokeHandler): void;
    removeHandler(channel: string): void;
  };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: Listener): void;
    removeListener(channel: string, listener: Listener): void;
  };
  contextBridge: { exposeInMainWorld(name: string, api: unknown): void };
  /** What main's webContents.send does. */
  webContents: { send(channel: string, ...args: unknown[]): void; isDestroyed(): boolean };
  handlerCount(): number;
  /** The channels that have a handler, sorted. */
  handledChannels(): string[];
}

export function createElectronStandIn(pageUrl: string): StandIn {
  const handlers = new Map<string, InvokeHandler>();
  const listeners = new Map<string, Set<Listener>>();
  const standIn: StandIn = {
    pageUrl,
    sender: {},
    exposed: {},
    ipcMain: {
      handle(channel, handler) {
        if (handlers.has(channel))
          throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, handler);
      },
      removeHandler(channel) {
        handlers.delete(channel);
      },
    },
    ipcRenderer: {
      async invoke(channel, ...args) {
        const handler = handlers.get(channel);
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        // Electron structured-clones arguments and results across the process boundary
        const cloned = structuredClone(args);
        try {
          return structuredClone(
            await handler(
              { senderFrame: { url: standIn.pageUrl }, sender: standIn.sender },
              ...cloned,
            ),
          );
        } catch (err) {
          // Electron's words: the error's String(), "Error: …", after its own prefix
          throw new Error(`Error invoking remote method '${channel}': ${String(err)}`, {
            cause: err,
          });
        }
      },
      on(channel, listener) {
        if (!listeners.has(channel)) listeners.set(channel, new Set());
        listeners.get(channel)?.add(listener);
      },
      removeListener(channel, listener) {
        listeners.get(channel)?.delete(listener);
      },
    },
    contextBridge: {
      exposeInMainWorld(name, api) {
        standIn.exposed[name] = api;
      },
    },
    webContents: {
      send(channel, ...args) {
        for (const listener of listeners.get(channel) ?? [])
          listener({ sender: 'main' }, ...structuredClone(args));
      },
      isDestroyed: () => false,
    },
    handlerCount: () => handlers.size,
    handledChannels: () => [...handlers.keys()].sort(),
  };
  standIn.sender = standIn.webContents;
  return standIn;
}
