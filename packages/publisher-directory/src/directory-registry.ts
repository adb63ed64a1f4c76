import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { addEntry, emptyRegistry, registryForUpdate, type Registry, type RegistryEntry, type RegistrySection } from '@runway/registry';
import { readRegistry, writeRegistry } from '@runway/registry-file';
import { withFileLock } from '@runway/file-lock';

/**
 * The registry of a directory target, or an empty one stamped `now` when there is none yet.
 * Refuses a registry with invalid entries: every caller may write it back, which would drop them.
 */
export async function readDirectoryRegistry(dir: string, now: Date): Promise<Registry> {
  const path = join(dir, 'registry.json');
  try {
    await access(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyRegistry(now);
    // A registry folder below a file (ENOTDIR) or without permission: say where and what.
    throw mapFsError(err, `read ${path}`);
  }
  return registryForUpdate(await readRegistry(path), path);
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
    if (result.outcome === 'added') await writeRegistry(path, result.registry);
    return result.outcome;
  });
}
