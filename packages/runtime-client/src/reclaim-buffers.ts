import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type GcFunction = (options: { type: 'minor' | 'major' }) => void;

/** Bytes of stream chunks between two collections: peak RSS grows by about twice this. */
export const RECLAIM_EVERY_BYTES = 8 * 1024 * 1024;

let gc: GcFunction | null | undefined;

/**
 * V8's `gc()`, available without starting node with `--expose-gc`: the flag only decides whether
 * new contexts get the function, so one small context (~2 MB) lends it. Null if that fails.
 */
function collector(): GcFunction | null {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as GcFunction;
    } catch {
      gc = null;
    }
  }
  return gc;
}

/**
 * Returns a counter that runs a young-generation collection after every `everyBytes` of stream
 * chunks. Why: a chunk's memory (socket reads, gunzip output) is released only when V8 collects
 * the small JS object owning it, and V8 schedules collections by JS allocation, not by the size of
 * those buffers. Streaming a package through http + gunzip allocates ~3 bytes of chunks per byte
 * downloaded and little else, so 30+ MB of dead chunks wait between natural collections. A minor
 * collection costs well under a millisecond and keeps that to about twice `everyBytes`.
 */
export function reclaimBuffers(everyBytes = RECLAIM_EVERY_BYTES): (bytes: number) => void {
  let pending = 0;
  return (bytes) => {
    pending += bytes;
    if (pending < everyBytes) return;
    pending = 0;
    collector()?.({ type: 'minor' });
  };
}
