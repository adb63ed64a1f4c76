import { UserError } from '@runway/errors';

/** Errno codes that mean the environment is wrong (a path, a permission, a disk), not a bug. */
const ENVIRONMENT_CODES: Record<string, string> = {
  ENOENT: 'a folder on the path does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'the path is a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the filesystem is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'something already exists there',
  ELOOP: 'too many symbolic links on the path',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
};

/**
 * Turns a filesystem error from `action` (e.g. `write /x/registry.json`) into a `UserError` that
 * says what, where and how to fix it; anything that is not an environment problem passes through
 * unchanged (a real bug keeps its stack).
 */
export function mapFsError(err: unknown, action: string): unknown {
  if (err instanceof UserError) return err;
  const e = err as NodeJS.ErrnoException;
  const why = typeof e?.code === 'string' ? ENVIRONMENT_CODES[e.code] : undefined;
  if (!why) return err;
  return new UserError(`cannot ${action}: ${why} (${e.code}${e.path && !action.includes(e.path) ? ` at ${e.path}` : ''})`, {
    hint: 'check the path and its permissions, or choose another location',
    cause: err,
  });
}
