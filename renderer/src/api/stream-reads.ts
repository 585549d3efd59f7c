import type { RendererApi } from './renderer-api';

/**
 * Calls `read` whenever the event stream opens (at once when it is open already: the
 * transports say so on subscribing), since events sent while it was down are lost; and once
 * when it fails to open first, so what `read` shows still loads where the stream cannot (a
 * proxy that drops WebSockets). Reading at mount as well asked the server twice at every load.
 * Returns the unsubscribe.
 */
export function readWhenStreamOpens(api: RendererApi, read: () => void): () => void {
  let readOnce = false;
  return api.onStreamState((state) => {
    if (state === 'connecting' || (state === 'reconnecting' && readOnce)) return;
    readOnce = true;
    read();
  });
}
