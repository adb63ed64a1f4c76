import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { sha256File } from '@runway/file-hash';

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

export interface PublishFilesOptions {
  /**
   * A small file written next to the published files but not part of their identity (e.g. the
   * commit they were built from): it is written with a fresh folder and never compared.
   */
  record?: { name: string; content: string };
  /** Replace a folder holding other content (rolling umbrella tags); default: refuse. */
  replace?: boolean;
}

/**
 * `published`: the folder was created by this call; `unchanged`: it already held these bytes
 * (published earlier, or by a concurrent release that won the race); `completed`: it held some of
 * them identically and the missing ones were added; `replaced`: other content was replaced.
 */
export type PublishFilesOutcome = 'published' | 'unchanged' | 'completed' | 'replaced';

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
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw mapFsError(err, `read ${path}`);
    }
  }
  return stored;
}

/**
 * Publishes `files` as `<dir>/releases/download/<tag>/`, exclusively: they are copied (and
 * checked) into a private sibling folder, which one `rename` makes the tag's folder. A reader
 * never sees half a release, and of two releases racing on one tag exactly one rename succeeds;
 * the other finds the folder present and succeeds only when it holds the same bytes. A folder
 * that holds some of the files identically (published before the others existed) gets the
 * missing ones added, each created exclusively. Different content is refused (a tag's files are
 * immutable) unless `replace`.
 */
export async function publishFiles(dir: string, tag: string, files: DirectoryFile[], options: PublishFilesOptions = {}): Promise<PublishFilesOutcome> {
  const folder = join(dir, releasePath(tag));
  const existing = await compareFolder(dir, tag, files);
  if (existing && existing.different.length === 0) {
    if (existing.missing.length === 0) return 'unchanged';
    for (const file of existing.missing) await addFileExclusively(folder, file);
    return 'completed';
  }
  if (existing && !options.replace) throw differentContent(folder, existing.different);

  const staged = await stage(folder, files, options.record);
  try {
    if (existing) {
      // Replacing (rolling tags only): move the old folder aside, then the new one in.
      const old = `${staged}.old`;
      await rename(folder, old).catch((err) => { throw mapFsError(err, `move ${folder} aside`); });
      await rename(staged, folder).catch((err) => { throw mapFsError(err, `rename ${staged} to ${folder}`); });
      await rm(old, { recursive: true, force: true });
      return 'replaced';
    }
    try {
      await rename(staged, folder);
      return 'published';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw mapFsError(err, `rename ${staged} to ${folder}`);
    }
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
  // Another release created the folder between our look and our rename.
  const winner = (await compareFolder(dir, tag, files))!;
  if (winner.different.length === 0 && winner.missing.length === 0) return 'unchanged';
  throw differentContent(folder, winner.different.length ? winner.different : winner.missing.map((f) => f.name), 'was published meanwhile by another release with');
}

interface FolderComparison {
  missing: DirectoryFile[];
  different: string[];
}

/** How the tag's folder compares with `files`, or undefined when there is no folder. */
async function compareFolder(dir: string, tag: string, files: DirectoryFile[]): Promise<FolderComparison | undefined> {
  const stored = await listStoredFiles(dir, tag, files.map((f) => f.name));
  if (stored.length === 0 && !(await folderExists(join(dir, releasePath(tag))))) return undefined;
  return {
    missing: files.filter((f) => !stored.some((s) => s.name === f.name)),
    different: stored.filter((s) => s.sha256 !== files.find((f) => f.name === s.name)!.sha256).map((s) => s.name),
  };
}

/** Whether `tag` has a folder in the registry directory: it appears in one rename, so it is published. */
export function hasReleaseFolder(dir: string, tag: string): Promise<boolean> {
  return folderExists(join(dir, releasePath(tag)));
}

async function folderExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw mapFsError(err, `read ${path}`);
  }
}

/** Copies `files` (checked against their sha256) and `record` into a fresh private sibling of `folder`. */
async function stage(folder: string, files: DirectoryFile[], record: PublishFilesOptions['record']): Promise<string> {
  const staged = join(dirname(folder), `.staging-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(staged, { recursive: true });
    for (const file of files) {
      const target = join(staged, file.name);
      await copyFile(file.path, target);
      // Check the copy, not just the source: the registry will promise these exact bytes.
      const copied = (await sha256File(target)).sha256;
      if (copied !== file.sha256) throw new UserError(`${file.path} changed while it was being published (sha256:${copied}, expected sha256:${file.sha256})`, { hint: 'rebuild and release again' });
    }
    if (record) await writeFile(join(staged, record.name), record.content);
    return staged;
  } catch (err) {
    await rm(staged, { recursive: true, force: true });
    throw mapFsError(err, `stage the release files in ${dirname(folder)}`);
  }
}

/**
 * Adds one file to an existing folder: copied to a temporary sibling, then hard-linked to its
 * name, which fails when the name exists. Unlike a rename (which replaces), this cannot
 * overwrite a file a concurrent release put there first; that file is then compared instead.
 */
async function addFileExclusively(folder: string, file: DirectoryFile): Promise<void> {
  const target = join(folder, file.name);
  const temp = join(folder, `.${file.name}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    await copyFile(file.path, temp);
    const copied = (await sha256File(temp)).sha256;
    if (copied !== file.sha256) throw new UserError(`${file.path} changed while it was being published (sha256:${copied}, expected sha256:${file.sha256})`, { hint: 'rebuild and release again' });
    try {
      await link(temp, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = (await sha256File(target)).sha256;
      if (held !== file.sha256) throw differentContent(folder, [file.name], 'was published meanwhile by another release with');
    }
  } catch (err) {
    throw mapFsError(err, `write ${target}`);
  } finally {
    await rm(temp, { force: true });
  }
}

function differentContent(folder: string, names: string[], verb = 'already holds'): UserError {
  return new UserError(`${folder} ${verb} different content (${names.join(', ')})`, {
    hint: 'released files are immutable: bump the version in the manifest and release again',
  });
}
