import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';

/**
 * Writes `path` through a temporary sibling and renames it into place only after `write` succeeds,
 * so readers never see a half-written file and a failed build leaves the previous one untouched.
 */
export async function writeFileAtomically<T>(path: string, write: (file: FileHandle) => Promise<T>): Promise<T> {
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  const file = await open(temp, 'wx', 0o644);
  try {
    const result = await write(file);
    await file.close();
    await rename(temp, path);
    return result;
  } catch (err) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw err;
  }
}
