// Restarting in place, to apply the settings that wait for a restart (the listeners' addresses,
// TLS, timeouts). Only whoever started the service can do it: the desktop app relaunches itself,
// `relaydesk serve` starts the service again in its own process. Each offers it here; a service
// embedded by a test or another program offers none, and the Settings view then shows no button.
import type { RestartAnswer } from '../../../preload/settings-contract.js';
import { CallerError } from '../caller-error.js';
import type { ListenAddress } from '../settings/settings-schema.js';
import { uiUrl } from '../net/ip-address.js';

/** Called once the answer to the restart request is on its way; the owner stops and starts. */
export type RestartHandler = () => void;

export class RestartOffer {
  private handler: RestartHandler | null = null;
  private requested = false;

  offer(handler: RestartHandler): void {
    this.handler = handler;
  }

  get available(): boolean {
    return this.handler !== null;
  }

  /**
   * Restarts once the caller has its answer. `http` is where the UI will be after it (the saved
   * address, which a restart applies): a browser goes there, as it may differ from this one.
   */
  request(http: ListenAddress, waiting: readonly string[]): RestartAnswer {
    const handler = this.handler;
    if (!handler) {
      throw new CallerError(
        `this Relaydesk cannot restart itself: another program started it. Stop it and start it again to apply ${waiting.length ? waiting.join(', ') : 'the saved settings'}`,
        409,
      );
    }
    if (!this.requested) {
      this.requested = true;
      // after this turn: the HTTP answer (or the IPC reply) is written before the listeners close
      setImmediate(handler);
    }
    return { restarting: true, applies: [...waiting], url: http.port === 0 ? null : uiUrl(http) };
  }
}
