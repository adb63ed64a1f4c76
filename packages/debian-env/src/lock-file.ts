import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UserError } from '@runway/errors';
import { DEBIAN_LOCK_FILE, formatIssues, parseManifest, type Manifest } from '@runway/manifest';
import { parseLock, serializeLock } from './lock-format';
import type { DebianLock } from './types';

/** Path of a runtime's lock: `<projectDir>/debian.lock.json`. */
export function lockPathOf(projectDir: string): string {
  return join(projectDir, DEBIAN_LOCK_FILE);
}

/** Reads and checks a runtime's lock; a missing one is a `UserError` saying how to create it. */
export async function readLock(projectDir: string): Promise<DebianLock> {
  const file = lockPathOf(projectDir);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
    throw new UserError(`${file} is missing: a runtime with a "debian:" section needs its lock committed next to manifest.yaml`, {
      hint: `create it: node packages/debian-env/bin/debian-env.js lock ${projectDir}`,
    });
  });
  return parseLock(text, file);
}

/**
 * Writes the lock canonically through a temporary file and a rename. Returns `unchanged` when the
 * file already holds exactly these bytes (nothing is written), so a no-op refresh leaves git clean.
 */
export async function writeLock(projectDir: string, lock: DebianLock): Promise<'written' | 'unchanged'> {
  const file = lockPathOf(projectDir);
  const text = serializeLock(lock);
  if ((await readFile(file, 'utf8').catch(() => undefined)) === text) return 'unchanged';
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
  return 'written';
}

/** Reads and validates `<projectDir>/manifest.yaml`; every problem becomes one `UserError`. */
export async function readRuntimeManifest(projectDir: string): Promise<Manifest> {
  const file = join(projectDir, 'manifest.yaml');
  const text = await readFile(file, 'utf8').catch((err) => {
    throw new UserError(`${file} cannot be read: ${(err as Error).message}`, { hint: 'pass the runtime folder, e.g. runtimes/python-3.11', cause: err });
  });
  const result = parseManifest(text, { file, kind: 'runtime', folderName: basename(projectDir) });
  if (!result.manifest) {
    throw new UserError(`${file} is invalid:\n${formatIssues(result.errors)}`, { hint: 'fix the manifest, then run again' });
  }
  return result.manifest;
}
