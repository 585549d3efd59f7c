// The renderer's two transports on one relay: IPC through the stand-in `electron` module (the
// test file mocks 'electron' with `standIn`) and HTTP, so a test can ask both the same thing.
import { registerIpcHandlers } from '../../main/desktop/ipc-handlers.js';
import { isOwnPage } from '../../main/desktop/main-window.js';
import type { RelayService } from '../../main/core/relay-service.js';
import type { RelaydeskApi } from '../../preload/api-methods.js';
import { createHttpTransport } from '../../renderer/src/api/http-transport.js';
import type { StandIn } from './electron-stand-in.js';

export interface BothTransports {
  ipc: RelaydeskApi;
  http: RelaydeskApi;
  /** Removes the IPC handlers. */
  unregister(): void;
}

export async function connectBothTransports(
  standIn: StandIn,
  service: RelayService,
  rendererIndex: string,
  url: string,
): Promise<BothTransports> {
  const unregister = registerIpcHandlers(standIn.ipcMain, service, (page) =>
    isOwnPage(page, rendererIndex),
  );
  await import('../../preload/index.js');
  return {
    ipc: standIn.exposed.relaydesk as RelaydeskApi,
    http: createHttpTransport({ baseUrl: new URL(url) }),
    unregister,
  };
}
