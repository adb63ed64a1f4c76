import { setFlagsFromString } from 'node:v8';

let stopped = false;

/**
 * Stops V8 from growing its young generation any further in this process, so that an install's
 * peak memory does not depend on the package's size (issue 9). V8 doubles the young generation
 * whenever the bytes that survived its scavenges add up to its size, up to 2 × 16 MB, and an
 * install's entries and buffers in flight do survive: a long install reaches the cap, a short one
 * does not. The `environments` benchmark (python-3.11-ml, 359 MB, against tiny-env, 34 MB) gave a
 * peak RSS ratio of 1.21× without this and 1.06–1.07× with it (young generation 32 vs 8 MB, the
 * size the loaded CLI has). The price is more collections for python-3.11-ml (about 320 instead
 * of 190; 0.2 s of scavenging instead of 0.1 s), lost in the spread of the install's own time: six
 * interleaved pairs took 8–18 s with it and 10–20 s without.
 * `--max-semi-space-size` bounds it too, but only as a node option given at start, which
 * `npx runway`, `node bin/runway.js` and an Nx executor running in-process do not all pass; the
 * growth factor is read at each growth, so setting it now takes effect. A V8 flag is process-wide.
 */
export function stopYoungGenerationGrowth(): void {
  if (stopped) return;
  stopped = true;
  setFlagsFromString('--semi-space-growth-factor=1');
}
