import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { sha256File } from '@runway/file-hash';
import { debFileName } from './check-lock';
import type { LockedPackage } from './types';

/** Files hashed at once: enough to keep a disk and a core busy, few enough for a 2-core CI box. */
const PARALLEL_HASHES = 4;

/** What the cache held for a build. */
export interface StagedDebs {
  /** Packages found in the cache with the locked sha256, now in the staging folder. */
  hits: number;
  /** Their file names: already cached, so not stored again after the build. */
  cached: Set<string>;
  /** Packages apt will download. */
  misses: number;
  /** Cache entries whose content did not match the lock; they were deleted. */
  discarded: string[];
}

/**
 * Puts every cached `.deb` of `packages` whose sha256 and size match the lock into `stageDir`
 * (hard links, or copies across file systems), under the name apt looks for. A cache entry that
 * does not match is deleted, so apt downloads a good one. The cache only ever saves downloads:
 * what is used is checked against the lock here and again after the build.
 */
export async function stageCachedDebs(cacheDir: string, packages: readonly LockedPackage[], stageDir: string): Promise<StagedDebs> {
  await mkdir(cacheDir, { recursive: true });
  await mkdir(stageDir, { recursive: true });
  const result: StagedDebs = { hits: 0, cached: new Set(), misses: 0, discarded: [] };
  await eachLimited(packages, PARALLEL_HASHES, async (pkg) => {
    const name = debFileName(pkg);
    const cached = join(cacheDir, name);
    const info = await stat(cached).catch(() => undefined);
    if (!info) {
      result.misses++;
      return;
    }
    const { sha256, size } = await sha256File(cached);
    if (sha256 !== pkg.sha256 || size !== pkg.size) {
      await rm(cached, { force: true });
      result.discarded.push(name);
      result.misses++;
      return;
    }
    await link(cached, join(stageDir, name)).catch(() => copyFile(cached, join(stageDir, name)));
    result.hits++;
    result.cached.add(name);
  });
  return result;
}

/**
 * Checks that the build installed every locked package from a `.deb` with exactly the locked
 * sha256 (`debsDir` holds what apt used), then keeps those files in the cache. Throws a
 * `UserError` naming the package and both digests when the mirror served other bytes.
 */
export async function verifyAndCacheDebs(debsDir: string, packages: readonly LockedPackage[], cacheDir: string, alreadyCached: ReadonlySet<string> = new Set()): Promise<void> {
  await mkdir(cacheDir, { recursive: true });
  const problems: string[] = [];
  const good: LockedPackage[] = [];
  await eachLimited(packages, PARALLEL_HASHES, async (pkg) => {
    const file = join(debsDir, debFileName(pkg));
    const found = await stat(file).catch(() => undefined);
    if (!found) {
      problems.push(`${pkg.name}=${pkg.version}: apt left no ${debFileName(pkg)} behind, so its sha256 cannot be checked`);
      return;
    }
    const { sha256, size } = await sha256File(file);
    if (sha256 !== pkg.sha256 || size !== pkg.size) {
      problems.push(`${pkg.name}=${pkg.version} (${pkg.architecture}): the mirror served sha256 ${sha256} (${size} bytes), the lock says ${pkg.sha256} (${pkg.size} bytes)`);
      return;
    }
    good.push(pkg);
  });
  // Keep what is good even when something else failed: the next build then downloads less.
  await eachLimited(good.filter((p) => !alreadyCached.has(debFileName(p))), PARALLEL_HASHES, async (pkg) => {
    const name = debFileName(pkg);
    const temp = join(cacheDir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    await copyFile(join(debsDir, name), temp);
    await rename(temp, join(cacheDir, name));
  });
  if (problems.length > 0) {
    throw new UserError(`the packages installed differ from the lock:\n  - ${problems.sort().join('\n  - ')}`, {
      hint: 'the mirror no longer serves the locked bytes; refresh the lock (node packages/debian-env/bin/debian-env.js lock <runtime folder>), commit it and bump the runtime version',
    });
  }
}

/** Runs `task` over `items`, at most `limit` at a time; rejects with the first failure. */
async function eachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
