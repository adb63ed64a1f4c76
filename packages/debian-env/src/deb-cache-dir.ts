import { join } from 'node:path';

/**
 * Pure: where downloaded `.deb` files are kept between builds, outside any checkout:
 * `$RUNWAY_DEB_CACHE`, else `$XDG_CACHE_HOME/runway/debian`, else `~/.cache/runway/debian`.
 * Entries are checked against the lock's sha256 on every use, so a shared or stale cache is safe.
 */
export function debCacheDir(env: Record<string, string | undefined>, home: string): string {
  if (env.RUNWAY_DEB_CACHE) return env.RUNWAY_DEB_CACHE;
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'runway', 'debian');
}
