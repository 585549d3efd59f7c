import { afterEach, it, expect } from 'vitest';
import { cleanupCliProcesses, startServe } from '../helpers/cli-process.js';
afterEach(cleanupCliProcesses);
it.each(Array.from({length: 15}, (_, i) => i))('stop %i', async () => {
  const server = await startServe();
  const exit = await server.stop(Math.random() < 0.5 ? 'SIGINT' : 'SIGTERM');
  if (exit.code !== 0) console.log(JSON.stringify(exit), server.describe());
  expect(exit.code).toBe(0);
});
