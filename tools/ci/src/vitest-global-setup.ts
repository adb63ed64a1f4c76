import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The suite-wide folder of finished Debian environments (see `buildCacheDir` in @runway/debian-env). */
export const BUILD_CACHE_ENV = 'RUNWAY_DEBIAN_BUILD_CACHE';

/**
 * Vitest global setup: one content-addressed build cache for the whole run, so every spec (and
 * every nx or release process it starts, which inherit the variable) that needs a shipped runtime's
 * environment builds it at most once per run. A folder given by the caller is kept; ours is removed.
 */
export default async function setup(): Promise<() => Promise<void>> {
  if (process.env[BUILD_CACHE_ENV]) return async () => {};
  const dir = await mkdtemp(join(tmpdir(), 'runway-suite-environments-'));
  process.env[BUILD_CACHE_ENV] = dir;
  return () => rm(dir, { recursive: true, force: true });
}
