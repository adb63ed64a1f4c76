import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { checkLinkTarget, compareArchivePaths, type TreeEntry } from './tree-entry';

/**
 * Walks `root` and returns everything in it (not `root` itself) in archive order. Paths are POSIX
 * and relative. For a plain folder (a built environment, a test fixture); a project is listed
 * from git instead (`listGitTree`), so only what git tracks is packed.
 *
 * Only what a runtime can rely on survives: the executable bit (any x bit → 0755), the size, and
 * symlink targets. Owners, times and umask-dependent bits are dropped so two copies list the same.
 * Symlinks are kept as symlinks only while they stay inside `root`; anything else (absolute or
 * escaping targets, sockets, FIFOs, devices) is refused, because it would not survive a safe extract.
 */
export async function listTree(root: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  await walk(root, '', entries);
  return entries;
}

async function walk(root: string, rel: string, out: TreeEntry[]): Promise<void> {
  const names = (await readdir(join(root, rel))).sort(compareArchivePaths);
  for (const name of names) {
    const path = rel ? `${rel}/${name}` : name;
    const abs = join(root, path);
    const stats = await lstat(abs);
    if (stats.isDirectory()) {
      out.push({ type: 'dir', path, mode: 0o755 });
      await walk(root, path, out);
    } else if (stats.isFile()) {
      out.push({ type: 'file', path, mode: stats.mode & 0o111 ? 0o755 : 0o644, size: stats.size });
    } else if (stats.isSymbolicLink()) {
      const target = await readlink(abs);
      checkLinkTarget(path, target, abs);
      out.push({ type: 'symlink', path, mode: 0o777, target });
    } else {
      throw new UserError(`cannot pack ${abs}: only files, folders and symlinks can go in a package`, {
        hint: 'remove the socket, FIFO or device file from the project folder',
      });
    }
  }
}
