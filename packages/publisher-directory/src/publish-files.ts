import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { sha256File } from '@runway/pack';

/** A file to publish, with the sha256 the caller computed. */
export interface DirectoryFile {
  name: string;
  path: string;
  sha256: string;
}

/** A file already stored under a tag. */
export interface StoredFile {
  name: string;
  size: number;
  sha256: string;
}

/** Pure: the folder of a tag's files, relative to the registry directory. */
export function releasePath(tag: string, fileName?: string): string {
  return fileName === undefined ? `releases/download/${tag}` : `releases/download/${tag}/${fileName}`;
}

/** The files of `names` that already exist under `tag`, hashed. */
export async function listStoredFiles(dir: string, tag: string, names: string[]): Promise<StoredFile[]> {
  const stored: StoredFile[] = [];
  for (const name of names) {
    const path = join(dir, releasePath(tag, name));
    try {
      stored.push({ name, ...(await sha256File(path)) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return stored;
}

/**
 * Copies `files` to `<dir>/releases/download/<tag>/` through a temp file and a rename, so a reader
 * never sees a partial file. An identical existing file is kept; a different one is refused
 * (a tag's files are immutable once written).
 */
export async function publishFiles(dir: string, tag: string, files: DirectoryFile[]): Promise<Array<{ name: string; outcome: 'copied' | 'unchanged' }>> {
  const folder = join(dir, releasePath(tag));
  await mkdir(folder, { recursive: true });
  const stored = await listStoredFiles(dir, tag, files.map((f) => f.name));
  const results: Array<{ name: string; outcome: 'copied' | 'unchanged' }> = [];
  for (const file of files) {
    const held = stored.find((s) => s.name === file.name);
    if (held) {
      if (held.sha256 !== file.sha256) {
        throw new UserError(`${join(folder, file.name)} already exists with sha256:${held.sha256}, the new file has sha256:${file.sha256}`, {
          hint: 'released files are immutable: bump the version in the manifest and release again',
        });
      }
      results.push({ name: file.name, outcome: 'unchanged' });
      continue;
    }
    const target = join(folder, file.name);
    const temp = `${target}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await copyFile(file.path, temp);
      // Check the copy, not just the source: the registry will promise these exact bytes.
      const copied = (await sha256File(temp)).sha256;
      if (copied !== file.sha256) throw new UserError(`${file.path} changed while it was being published (sha256:${copied}, expected sha256:${file.sha256})`, { hint: 'rebuild and release again' });
      await rename(temp, target);
    } finally {
      await rm(temp, { force: true });
    }
    results.push({ name: file.name, outcome: 'copied' });
  }
  return results;
}
