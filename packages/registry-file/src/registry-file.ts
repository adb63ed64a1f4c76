import { readFile } from 'node:fs/promises';
import { mapFsError, writeTextAtomically } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { parseRegistry, serializeRegistry, type Registry, type RegistryProblem } from '@runway/registry';

/**
 * Reads and parses a registry file (see `parseRegistry`).
 * @throws UserError when the file is missing, unreadable or is not a registry.
 */
export async function readRegistry(path: string): Promise<{ registry: Registry; problems: RegistryProblem[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(`registry file ${path} does not exist`, {
        hint: 'check the path, or create an empty registry: {"version": "1", "updated_at": "2025-01-01T00:00:00Z", "runtimes": {}}',
        cause: err,
      });
    }
    throw mapFsError(err, `read ${path}`);
  }
  return parseRegistry(text, path);
}

/** Writes the canonical form of `registry` atomically: readers see the old or the new file, never half of one. */
export async function writeRegistry(path: string, registry: Registry): Promise<void> {
  await writeTextAtomically(path, serializeRegistry(registry));
}
