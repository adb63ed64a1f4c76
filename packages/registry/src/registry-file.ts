import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '@runway/errors';
import { parseRegistry } from './parse-registry';
import { serializeRegistry } from './serialize-registry';
import type { Registry, RegistryProblem } from './types';

/**
 * Reads and parses a registry file (see `parseRegistry`).
 * @throws UserError when the file is missing or is not a registry.
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
    throw err;
  }
  return parseRegistry(text, path);
}

/**
 * Writes the canonical form of `registry` atomically: a temp file in the same directory, then a
 * rename, so readers see the old or the new file, never half of one.
 */
export async function writeRegistry(path: string, registry: Registry): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, serializeRegistry(registry), { flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
