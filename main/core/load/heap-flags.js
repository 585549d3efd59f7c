// V8's heap sizing and tiering, set from inside the process: the same for `relaydesk serve`, the
// Electron main process and the worker threads, with no launcher flags. Plain JavaScript so that
// the workers (parse-worker.js, index-write-worker.js), which run from the sources in tests,
// import it too: starting a worker puts V8's flags back to their defaults for the whole process,
// so each worker sets them again on its start. Each entry (bin/relaydesk.js, main/index.ts)
// imports this module before anything else: compiling the app's few hundred modules is enough to
// grow the heap.
//
// - The young generation: V8 lets a busy heap's grow from 1 MiB to 16 MiB per semi-space (32 MiB
//   with both) and keeps it; under a steady load of small messages that was most of the growth of
//   the resident memory (bench: peak RSS 206 → 168 MB at 2 KB × 10 sessions, idle 108 → 90 MB),
//   for no gain in CPU per message. 1 means "do not grow" (0 would crash V8).
// - The old generation: after each full collection V8 lets the heap grow up to twice what is
//   live before the next; garbage promoted under load filled that room (old space 51 MB for 30
//   live). Growing by a fifth keeps the peak RSS of the same load 8–13 MB lower at the same CPU
//   per message (three interleaved runs of 1,000 messages, 2 KB × 10 sessions).
// - Tiering up: V8 optimizes a function once it has run through its "interrupt budget" (66 KiB
//   of bytecode) a few times, more for a large one. A message runs each of its functions once or
//   a few times, so the per-message code (the SMTP session, the intake, the record, the parse)
//   was still being optimized for the first time thousands of messages after a start: 114 such
//   optimizations between the 4,000th and the 6,500th message at 2 KB × 10 sessions, TurboFan a
//   fifth of the V8 helper threads' time. A quarter of the budget gets there sooner: paired runs
//   over the 1,000th to 3,400th message, 2 KB × 10 sessions 1.16× msgs/s at 0.82× CPU per
//   message, one session 1.18× at 0.80×, relaying's intake 1.16× at 0.87×; over the 1,000th to
//   8,200th 1.02× at 0.96× (it brings the steady state forward, as a fresh capture server in a
//   test run needs); peak RSS +3–4 MB (optimized code).
import { setFlagsFromString } from 'node:v8';

const heapFlags = [
  '--semi-space-growth-factor=1',
  '--heap-growing-percent=20',
  '--interrupt-budget=16896',
];

for (const flag of heapFlags) setFlagsFromString(flag);
