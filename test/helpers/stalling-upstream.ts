// An SMTP upstream that keeps an attempt open until the test lets it answer: the relay's
// message stays `sending` (in an attempt) for as long as a test needs to act on it then.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * An SMTP upstream that greets only once `answer()` is called (the attempt stays open until
 * then), and defers every recipient with a 451, as a greylisting receiver does.
 */
export async function stallingUpstream() {
  const waiting: Socket[] = [];
  const open = new Set<Socket>();
  let answering = false;
  let connections = 0;
  const converse = (socket: Socket) => {
    socket.write('220 upstream.test ESMTP\r\n');
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end).toUpperCase();
        buffered = buffered.slice(end + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO'))
          socket.write('250 upstream.test\r\n');
        else if (line.startsWith('MAIL')) socket.write('250 2.1.0 Ok\r\n');
        else if (line.startsWith('RCPT')) socket.write('451 4.7.1 Try again later\r\n');
        else if (line.startsWith('QUIT')) socket.end('221 2.0.0 Bye\r\n');
        else socket.write('503 5.5.1 Bad sequence\r\n');
      }
    });
    socket.on('error', () => {});
  };
  const server: Server = createServer((socket) => {
    connections += 1;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
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
