import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
import { tooLarge, type ReadLimit } from './http';

/**
 * Opens a local file to read, refusing anything but a regular file: a path from a registry may
 * name a FIFO (opening it would wait forever for a writer, so it is opened non-blocking) or a
 * device such as /dev/zero (endless). `what` names it in messages ("registry file").
 * @throws UserError when it is missing, unreadable or not a regular file.
 */
export async function openRegularFile(path: string, what: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`${what} ${escapeText(path, 500)} does not exist`, { hint: 'check the path', cause: err });
    throw mapFsError(err, `read ${escapeText(path, 500)}`);
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new UserError(`${what} ${escapeText(path, 500)} is not a regular file`, { hint: 'point to a file (or, for a registry, a folder holding registry.json)' });
  }
  return handle;
}

/** Reads a local regular file as UTF-8 text, refusing one over `limit.maxBytes` without reading it. */
export async function readLocalText(path: string, limit: ReadLimit): Promise<string> {
  const handle = await openRegularFile(path, limit.what);
  try {
    const { size } = await handle.stat();
    if (size > limit.maxBytes) throw tooLarge(limit, escapeText(path, 500), size);
    // One byte more than the cap, in case the file grew since the stat.
    const buffer = Buffer.alloc(Math.min(size, limit.maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > limit.maxBytes) throw tooLarge(limit, escapeText(path, 500));
    return buffer.subarray(0, length).toString('utf8');
  } catch (err) {
    throw mapFsError(err, `read ${escapeText(path, 500)}`);
  } finally {
    await handle.close();
  }
}
