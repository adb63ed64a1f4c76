import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { mapFsError } from './map-fs-error';

export interface AtomicWriteOptions {
  /** Mode of the new file (default 0o644; no umask is applied after creation). */
  mode?: number;
  /** Create missing parent folders first (default false). */
  mkdirs?: boolean;
}

/**
 * The one atomic write: `write` fills a temporary sibling (created exclusively, so a link planted
 * under the temp name is never followed), which is renamed over `path` only after it succeeded.
 * Readers see the old file or the new one, never half of one; a failure leaves no temp file.
 * Filesystem failures (a parent that is a file, no permission, a full disk) become `UserError`s
 * naming the path.
 */
export async function writeFileAtomically<T>(path: string, write: (file: FileHandle) => Promise<T>, options: AtomicWriteOptions = {}): Promise<T> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  let file: FileHandle | undefined;
  try {
    if (options.mkdirs) await mkdir(dirname(path), { recursive: true });
    file = await open(temp, 'wx', options.mode ?? 0o644);
    if (options.mode !== undefined) await file.chmod(options.mode);
    const result = await write(file);
    await file.close();
    file = undefined;
    await rename(temp, path);
    return result;
  } catch (err) {
    await file?.close().catch(() => undefined);
    await rm(temp, { force: true }).catch(() => undefined);
    throw mapFsError(err, `write ${path}`);
  }
}

/** Writes `content` to `path` atomically (see `writeFileAtomically`). */
export async function writeTextAtomically(path: string, content: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomically(path, (file) => file.writeFile(content), options);
}
