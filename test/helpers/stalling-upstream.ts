// An SMTP upstream that keeps an attempt open until the test lets it answer: it greets only once
// `answer()` is called, so the test can act on a message while its attempt is on the wire
// (recipient state `sending`). Then it defers every recipient with a 451, as a greylisting
// receiver does, or takes the message (`accept`).
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

export interface StallingUpstream {
  port: number;
  /** Connections made to it so far. */
  readonly connections: number;
  /** Messages it took (their DATA ended with a 250). */
  readonly taken: number;
  /** Greets the connections waiting, and every later one at once. */
  answer(): void;
  close(): Promise<void>;
}

export async function stallingUpstream(
  reply: 'defer' | 'accept' = 'defer',
): Promise<StallingUpstream> {
  const waiting: Socket[] = [];
  const open = new Set<Socket>();
  let answering = false;
  let connections = 0;
  let taken = 0;
  const converse = (socket: Socket) => {
    socket.write('220 upstream.test ESMTP\r\n');
    let buffered = '';
    let inData = false;
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            taken += 1;
            socket.write(`250 2.0.0 Ok: queued as UP${taken}\r\n`);
          }
          continue;
        }
        const verb = line.toUpperCase();
        if (verb.startsWith('EHLO') || verb.startsWith('HELO'))
          socket.write('250 upstream.test\r\n');
        else if (verb.startsWith('MAIL')) socket.write('250 2.1.0 Ok\r\n');
        else if (verb.startsWith('RCPT'))
          socket.write(reply === 'defer' ? '451 4.7.1 Try again later\r\n' : '250 2.1.5 Ok\r\n');
        else if (verb.startsWith('DATA')) {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (verb.startsWith('QUIT')) socket.end('221 2.0.0 Bye\r\n');
        // (a pooled connection's RSET too: each attempt opens a connection of its own, which
        // `connections` counts)
        else socket.write('503 5.5.1 Bad sequence\r\n');
      }
    });
    socket.on('error', () => {});
  };
  const server: Server = createServer((socket) => {
    connections += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => {});
    if (answering) converse(socket);
    else waiting.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('upstream has no port');
  return {
    port: address.port,
    get connections() {
      return connections;
    },
    get taken() {
      return taken;
    },
    answer() {
      answering = true;
      for (const socket of waiting.splice(0)) converse(socket);
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
