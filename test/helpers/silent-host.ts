// A host on a port that takes connections and says nothing until the test has it answer: an
// upstream attempt (a probe of a paused upstream) stays under way for as long as the test needs.
import { createServer, type Socket } from 'node:net';

export interface SilentHost {
  sockets: Socket[];
  /** Greets every connection so far with `line` and closes it. */
  answer(line: string): void;
  close(): Promise<void>;
}

export async function startSilentHost(port: number): Promise<SilentHost> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    sockets.push(socket);
  });
  // a port already taken fails here, by name, rather than leaving the test waiting for its timeout
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    sockets,
    answer(line) {
      for (const socket of sockets) socket.end(`${line}\r\n`);
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
