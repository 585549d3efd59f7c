// V8's heap sizing, set from inside the process: the same for `relaydesk serve`, the Electron main
// process and the worker threads, with no launcher flags. Plain JavaScript so that the workers
// (parse-worker.js, index-write-worker.js), which run from the sources in tests, import it too:
// starting a worker puts V8's flags back to their defaults for the whole process, so each worker
// sets them again on its start. Each entry (bin/relaydesk.js, main/index.ts) imports this module
// before anything else: compiling the app's few hundred modules is enough to grow the heap.
//
// - The young generation: V8 lets a busy heap's grow from 1 MiB to 16 MiB per semi-space (32 MiB
//   with both) and keeps it; under a steady load of small messages that was most of the growth of
//   the resident memory (bench: peak RSS 206 → 168 MB at 2 KB × 10 sessions, idle 108 → 90 MB),
//   for no gain in CPU per message. 1 means "do not grow" (0 would crash V8).
// - The old generation: after each full collection V8 lets the heap grow up to twice what is
//   live before the next; garbage promoted under load filled that room (old space 51 MB for 30
//   live). Growing by a fifth keeps the peak RSS of the same load 8–13 MB lower at the same CPU
//   per message (three interleaved runs of 1,000 messages, 2 KB × 10 sessions).
import { setFlagsFromString } from 'node:v8';

const heapFlags = ['--semi-space-growth-factor=1', '--heap-growing-percent=20'];

for (const flag of heapFlags) setFlagsFromString(flag);
