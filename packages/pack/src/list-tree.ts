import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { symlinkStaysInside } from '@runway/safe-archive';

/** One entry of a packed tree, with everything that varies between machines already normalised. */
export type TreeEntry =
  | { type: 'dir'; path: string; mode: 0o755 }
  | { type: 'file'; path: string; mode: 0o755 | 0o644; size: number }
  | { type: 'symlink'; path: string; mode: 0o777; target: string };

/**
 * Walks `root` and returns its entries (not `root` itself) in archive order: depth first, siblings
 * sorted by the UTF-8 bytes of their names, like `tar --sort=name`. Paths are POSIX and relative.
 *
 * Only what a runtime can rely on survives: the executable bit (any x bit → 0755), the size, and
 * symlink targets. Owners, times and umask-dependent bits are dropped so two checkouts list the same.
 * Symlinks are kept as symlinks only while they stay inside `root`; anything else (absolute or
 * escaping targets, sockets, FIFOs, devices) is refused, because it would not survive a safe extract.
 */
export async function listTree(root: string): Promise<TreeEntry[]> {
  const entries: TreeEntry[] = [];
  await walk(root, '', entries);
  return entries;
}

async function walk(root: string, rel: string, out: TreeEntry[]): Promise<void> {
  const names = (await readdir(join(root, rel))).sort(byUtf8);
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

/**
 * Pure: refuses a link the client's extractor would refuse, by the extractor's own rule: a package
 * that packs but cannot be installed must never be built, let alone published. `path` is relative
 * to the packed folder, which the extractor sees as the package's top-level folder.
 */
export function checkLinkTarget(path: string, target: string, shownAs = path): void {
  if (!symlinkStaysInside(['top', ...path.split('/')], target)) {
    throw new UserError(`cannot pack symlink ${shownAs} -> ${target}: a link must stay inside the project and may only climb ("../") before it descends`, {
      hint: 'copy the file into the project, or write the link as a plain relative path such as ../setup.sh',
    });
  }
}

function byUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
