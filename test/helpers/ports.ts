// Ports a test names before anything listens on them: for a server it starts later, or for an
// upstream that refuses connections until the test makes it answer.
//
// A port from listen(0) comes from the kernel's ephemeral range, and once released it is free
// for any outgoing connection on the machine to take as its local port. With the suite's
// workers opening thousands of connections, that happened: the test's own listen then failed
// with EADDRINUSE, or the relay, connecting to "nothing listens here", could be handed that very
// port and connect to itself, waiting 30 s for a greeting. Ports below the ephemeral range
// (Linux 32768–60999, macOS and Windows 49152–65535) are never handed out that way. Each vitest
// worker draws from its own slice so that two files running side by side do not draw the same
// port, and a process never draws one twice until its slice wraps.
import { createServer } from 'node:net';

const FIRST = 20_000;
const SLICE = 1_500;
const SLICES = 8;

const worker = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 1);
const sliceStart = FIRST + ((Math.max(worker, 1) - 1) % SLICES) * SLICE;
let next = Math.floor(Math.random() * SLICE);

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port on 127.0.0.1 where nothing listens now, outside the ephemeral range. */
export async function unusedPort(): Promise<number> {
  for (let tries = 0; tries < SLICE; tries++) {
    const port = sliceStart + (next++ % SLICE);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in 127.0.0.1:${sliceStart}-${sliceStart + SLICE - 1}`);
}
