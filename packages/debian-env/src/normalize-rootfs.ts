import { chmod, lstat, mkdir, readdir, readlink, rm, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { chrootRelativeTarget } from './chroot-link';

/** What {@link normalizeRootfs} changed. */
export interface NormalizedRootfs {
  /** Symlinks whose target was rewritten to stay inside the tree. */
  rewrittenLinks: number;
  /** Special files removed (sockets, FIFOs, devices), paths relative to the root. */
  removed: string[];
  /** Names at the top of the tree, sorted (what `runtime.yml` can mount). */
  topLevel: string[];
}

/**
 * Makes an unpacked root filesystem packable and safe to extract: every symlink gets the
 * chroot-relative target of {@link chrootRelativeTarget} (absolute links would point into the
 * installing host, and the client refuses them), special files go (the sandbox mounts its own
 * `/dev`), folders get the owner's rwx and files the owner's read bit (so an unprivileged build
 * can pack and delete what it unpacked; the packer normalises modes anyway), and `tmp/` exists.
 * Walks real folders only, never through links.
 */
export async function normalizeRootfs(root: string): Promise<NormalizedRootfs> {
  const result: NormalizedRootfs = { rewrittenLinks: 0, removed: [], topLevel: [] };
  await mkdir(join(root, 'tmp'), { recursive: true });
  await walk(root, '', result);
  result.topLevel = (await readdir(root)).sort();
  return result;
}

async function walk(root: string, rel: string, result: NormalizedRootfs): Promise<void> {
  for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    const abs = join(root, path);
    if (entry.isDirectory()) {
      const { mode } = await lstat(abs);
      if ((mode & 0o700) !== 0o700) await chmod(abs, (mode & 0o7777) | 0o700);
      await walk(root, path, result);
    } else if (entry.isSymbolicLink()) {
      const target = await readlink(abs);
      const fixed = chrootRelativeTarget(path, target);
      if (fixed !== target) {
        await unlink(abs);
        await symlink(fixed, abs);
        result.rewrittenLinks++;
      }
    } else if (entry.isFile()) {
      const { mode } = await lstat(abs);
      if ((mode & 0o400) === 0) await chmod(abs, (mode & 0o7777) | 0o400);
    } else {
      await rm(abs, { force: true });
      result.removed.push(path);
    }
  }
}
