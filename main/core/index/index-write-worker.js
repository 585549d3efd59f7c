// The index's writes in a worker of their own (index-writes.js), for an index opened without a
// parse worker to host them: tools, benchmarks and tests of the index alone. Plain JavaScript,
// like parse-worker.js: a worker thread cannot load TypeScript.
// first: a worker's start puts V8's flags back to their defaults (see heap-flags.js)
import '../load/heap-flags.js';
import { parentPort, workerData } from 'node:worker_threads';
import { serveIndexWrites } from './index-writes.js';

// only ever run as a worker (index-writer.ts, ownWorker), given the writes' data
serveIndexWrites(
  /** @type {import('node:worker_threads').MessagePort} */ (parentPort),
  /** @type {import('./index-writer.js').IndexWritesData} */ (workerData),
);
