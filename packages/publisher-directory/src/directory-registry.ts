import { access, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { addEntry, emptyRegistry, registryForUpdate, type Registry, type RegistryEntry, type RegistrySection } from '@runway/registry';
import { readRegistry, writeRegistry } from '@runway/registry-file';
import { withFileLock } from '@runway/file-lock';

interface Parsed {
  /** Identity of the file version parsed: device, inode, size, mtime and ctime in nanoseconds. */
  key: string;
  registry: Registry;
}

/**
 * Parsed registries by file path, shared by every release of this process. Parsing a registry of
 * hundreds of entries takes far longer than a release of a small runtime, and a bulk release reads
 * it before and after every entry it adds; keyed by the file's identity, it is parsed only when
 * someone else changed it. Writers replace the file by rename (a new inode and ctime), so a
 * rewrite never matches an old key.
 */
const parsed = new Map<string, Parsed>();

/** The identity of the file at `path`, or undefined when there is none. */
async function fileKey(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // A registry folder below a file (ENOTDIR) or without permission: say where and what.
    throw mapFsError(err, `read ${path}`);
  }
}

/**
 * The registry of a directory target, or an empty one stamped `now` when there is none yet. The
 * result is deeply frozen (it is shared with later reads); derive new registries from it.
 * Refuses a registry with invalid entries: every caller may write it back, which would drop them.
 */
export async function readDirectoryRegistry(dir: string, now: Date): Promise<Registry> {
  const path = join(dir, 'registry.json');
  // The key is taken before reading: a file replaced meanwhile is kept under its older key and read again next time.
  const key = await fileKey(path);
  if (key === undefined) {
    parsed.delete(path);
    return emptyRegistry(now);
  }
  const cached = parsed.get(path);
  if (cached?.key === key) return cached.registry;
  const registry = deepFreeze(registryForUpdate(await readRegistry(path), path));
  parsed.set(path, { key, registry });
  return registry;
}

/**
 * Adds `entry` for `name` to `section` (default `runtimes`) of `<dir>/registry.json` under a lock (read → merge → atomic write), so
 * concurrent releases into one directory never lose each other's entries. `files` are the paths,
 * relative to `dir`, that the entry points at: they must exist, or nothing is written.
 */
export async function addToDirectoryRegistry(
  dir: string, name: string, entry: RegistryEntry, files: string[], now: Date, section: RegistrySection = 'runtimes',
): Promise<'added' | 'unchanged'> {
  for (const file of files) {
    try {
      await access(join(dir, file));
    } catch {
      throw new UserError(`cannot add ${name}@${entry.version} to ${join(dir, 'registry.json')}: ${file} is missing`, {
        hint: 'the registry never points at a missing file: publish the release files first (re-run the release)',
      });
    }
  }
  await mkdir(dir, { recursive: true }).catch((err) => { throw mapFsError(err, `create the registry folder ${dir}`); });
  const path = join(dir, 'registry.json');
  return withFileLock(path, async () => {
    const result = addEntry(await readDirectoryRegistry(dir, now), name, entry, now, section);
    if (result.outcome === 'added') {
      await writeRegistry(path, result.registry);
      // Still under the lock: the file is the one just written, so the next read need not parse it.
      const key = await fileKey(path);
      if (key !== undefined) parsed.set(path, { key, registry: deepFreeze(result.registry) });
    }
    return result.outcome;
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
