// After a restart that moved the UI to another address, the old address answers for a minute with
// a redirect to the new one. The page that asked for the restart may ask only its own address
// (its Content-Security-Policy, and the API's guard against other sites' pages, allow nothing
// else), so this is how it learns the relay is back; a tab opened at the old address meanwhile
// follows it too. Loopback to wherever the UI now is: it redirects, it serves nothing.
import { createServer } from 'node:http';
import type { ListenAddress } from '../core/settings/settings-schema.js';

/** Starts the redirects; resolves with their stop (a no-op when the old address was taken). */
export function redirectMovedUi(
  old: ListenAddress,
  url: string,
  forMs = 60_000,
): Promise<() => void> {
  const server = createServer((req, res) => {
    res.writeHead(307, {
      location: new URL(req.url ?? '/', url).href,
      'cache-control': 'no-store',
    });
    res.end();
  });
  const stop = (): void => {
    server.close();
    server.closeAllConnections();
  };
  return new Promise((resolve) => {
    server.once('error', () => resolve(() => undefined));
    server.listen(old.port, old.host, () => {
      setTimeout(stop, forMs).unref();
      server.unref();
      resolve(stop);
    });
  });
}
