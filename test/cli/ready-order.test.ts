// A script that waits for the SMTP port (as CI jobs do with `nc -z` or a connect loop) and then
// calls the API at once must find the API answering: the HTTP server listens before the SMTP port
// opens. It used to open about half a second later (fastify's start), and such a script got
// "connection refused" from the API.
import { afterEach, expect, it } from 'vitest';
import type { MessagesPage } from '../../preload/api-contract.js';
import {
  cleanupCliProcesses,
  cliEnv,
  freePort,
  makeTempDir,
  relaydeskBin,
  ServeProcess,
  tryConnect,
} from '../helpers/cli-process.js';
import { waitFor } from '../helpers/eventually.js';

afterEach(cleanupCliProcesses);

it('answers on the API as soon as the SMTP port takes connections', async () => {
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const args = ['serve', '--smtp', `127.0.0.1:${smtpPort}`, '--http', `127.0.0.1:${httpPort}`];
  args.push('--data', await makeTempDir());
  const server = new ServeProcess(process.execPath, [relaydeskBin, ...args], { env: cliEnv() });
  // asked every 2 ms, so the API is called within moments of the port's opening
  await waitFor(
    `the SMTP port to open\n${server.describe()}`,
    async () => (await tryConnect(smtpPort)) === 'connected',
    { timeout: 20_000, interval: 2 },
  );
  const res = await fetch(`http://127.0.0.1:${httpPort}/api/v1/messages`);
  expect(res.status).toBe(200);
  expect(((await res.json()) as MessagesPage).total).toBe(0);
  await server.readyLine();
});
