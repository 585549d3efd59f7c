// The chunks of a large DATA are garbage as soon as they are in the spool file, but V8 does not
// see them pile up. Their bytes live outside its heap (Buffers), and it collects young objects when
// its own young generation fills (1 MiB here, heap-flags.js): a 64 KB chunk's JS object is about
// 100 bytes, and smtp-server copies every chunk once more (to join the 4 bytes it holds back while
// looking for the final dot). So a 25 MB message left ~50 MB of chunks waiting for the
// external-memory limit to force a full collection, and its peak resident memory depended on when
// that came (the issue asks under 150 MB). A minor collection (a scavenge, about a millisecond)
// after every 4 MiB of DATA the listener has taken, whatever the message, frees them as they go.
// `npm run bench`, one 25 MB message: peak RSS 120–132 MiB in eight runs, against 139, 146 and
// 155 MiB in three runs of the build before, the same hour. 100 KB × 10 sessions, paired: 1.00×
// msgs/s. Small messages trigger it once per ~1,700 of 2 KB, beside V8's own scavenge every few.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** DATA bytes between two collections. */
export const collectEvery = 4 * 1024 * 1024;

type Collect = () => void;

/**
 * V8's `gc` for minor collections, taken from a context made while `--expose-gc` is on, which is
 * turned off again at once: no other code ever sees a `gc`.
 * Null where the runtime refuses (the data is then collected as V8 sees fit, as before).
 */
function minorCollector(): Collect | null {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc !== 'function') return null;
    return () => void Reflect.apply(gc, undefined, [{ type: 'minor' }]);
  } catch {
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

export class DataGarbage {
  private sinceCollection = 0;
  private collections = 0;
  /** Made at the first collection: a process that never takes 4 MiB never makes the context. */
  private collect: Collect | null | undefined;

  constructor(private readonly makeCollector: () => Collect | null) {}

  /** Notes `bytes` more of DATA taken in; collects young garbage every `collectEvery` bytes. */
  taken(bytes: number): void {
    this.sinceCollection += bytes;
    if (this.sinceCollection < collectEvery) return;
    this.sinceCollection = 0;
    if (this.collect === undefined) this.collect = this.makeCollector();
    if (!this.collect) return;
    this.collect();
    this.collections++;
  }

  /** Minor collections made so far (for tests and diagnostics). */
  get made(): number {
    return this.collections;
  }
}

let processWide: DataGarbage | null = null;

/** The process's DATA garbage counter: every listener's sessions count into the same one. */
export function dataGarbage(): DataGarbage {
  processWide ??= new DataGarbage(minorCollector);
  return processWide;
}
