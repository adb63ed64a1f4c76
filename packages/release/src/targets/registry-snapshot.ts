import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { readDirectoryRegistry } from '@runway/publisher-directory';
import type { Registry } from '@runway/registry';

interface Snapshot {
  /** Identity of the file version parsed: inode, size, mtime and ctime in nanoseconds. */
  key: string;
  registry: Registry;
}

/** Parsed registries by file path, shared by every release of this process (a bulk re-run plans hundreds). */
const snapshots = new Map<string, Snapshot>();

/**
 * The registry of a directory target for planning (read-only), parsed once per version of its
 * file: a bulk release re-reads and re-validates it only when the file changed. The key is taken
 * before reading, so a file replaced meanwhile is cached under its older key and read again next
 * time; writers replace the file by rename (new inode and ctime), so a rewrite never matches.
 * The snapshot is deeply frozen, as concurrent releases share it. Writing the registry does not use
 * this: it re-reads the file under the lock.
 */
export async function readRegistrySnapshot(dir: string, now: Date): Promise<Registry> {
  const path = join(dir, 'registry.json');
  let key: string;
  try {
    const s = await stat(path, { bigint: true });
    key = `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (err) {
    // A registry folder below a file (ENOTDIR) or unreadable: say where and what, before any change.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw mapFsError(err, `read ${path}`);
    snapshots.delete(path);
    // No registry yet: an empty one stamped `now`, nothing worth keeping.
    return readDirectoryRegistry(dir, now);
  }
  const cached = snapshots.get(path);
  if (cached?.key === key) return cached.registry;
  const registry = deepFreeze(await readDirectoryRegistry(dir, now));
  snapshots.set(path, { key, registry });
  return registry;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
