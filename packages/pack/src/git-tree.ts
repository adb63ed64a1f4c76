import { lstat, readlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '@runway/errors';
import { mapFsError } from '@runway/atomic-write';
import { listTrackedEntries, openBlobReader, readBlobs, type TrackedEntry } from '@runway/git';
import { withDiskFile, type PackSource } from './pack-source';
import { checkLinkTarget, inArchiveOrder, type FileEntry, type LeafEntry } from './tree-entry';

/**
 * Which version of a project to pack. Both give exactly the files git tracks, with git's modes:
 * - `{ commit }`: the project's tree at that commit, every byte from git's object store (nothing
 *   is read from the working tree); what a release packs.
 * - `'working-tree'`: the entries in git's index (so a `git add`ed file counts and an untracked or
 *   ignored one never does), with the modes the index records and the content on disk; what the
 *   `build` target packs. For a clean checkout the two give the same bytes.
 */
export type PackageSource = { commit: string } | 'working-tree';

/** Lists what git tracks in `projectDir` (see {@link PackageSource}) as a source to pack. */
export async function gitTreeSource(projectDir: string, source: PackageSource): Promise<PackSource> {
  const dir = resolve(projectDir);
  const tracked = await listTrackedEntries(dir, source === 'working-tree' ? 'index' : source);
  if (tracked.length === 0) {
    throw new UserError(`git tracks no files in ${dir}${source === 'working-tree' ? '' : ` at ${source.commit}`}, so there is nothing to pack`, {
      hint: `a package holds exactly the files git tracks: "git add" the project${source === 'working-tree' ? '' : ' and commit it'}`,
    });
  }
  for (const entry of tracked) {
    if (entry.mode === '160000') {
      throw new UserError(`cannot pack ${join(dir, entry.path)}: it is a git submodule, and a package holds only files, folders and symlinks`, {
        hint: 'copy the files into the project (and remove the submodule), or move the submodule out of the project folder',
      });
    }
  }
  return source === 'working-tree' ? workingTreeSource(dir, tracked) : commitSource(dir, source.commit, tracked);
}

/** git's entries with the content on disk; a tracked path that is missing or of another type there is refused. */
async function workingTreeSource(dir: string, tracked: TrackedEntry[]): Promise<PackSource> {
  const leaves: LeafEntry[] = [];
  const lstatOrNothing = (abs: string) => lstat(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
    throw mapFsError(err, `read ${abs}`);
  });
  // A folder replaced by a symlink on disk would have its files read from wherever it points.
  const folders = new Set(tracked.flatMap((e) => e.path.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  for (const folder of folders) {
    const abs = join(dir, folder);
    if (!(await lstatOrNothing(abs))?.isDirectory()) {
      throw new UserError(`${abs} holds files git tracks but is not a folder in the working tree`, {
        hint: `restore it ("git checkout -- ${abs}"), or record the change with git add / git rm`,
      });
    }
  }
  for (const entry of tracked) {
    const abs = join(dir, entry.path);
    const stats = await lstatOrNothing(abs);
    const isLink = entry.mode === '120000';
    if (!stats || (isLink ? !stats.isSymbolicLink() : !stats.isFile())) {
      throw new UserError(`${abs} is tracked by git as a ${isLink ? 'symlink' : 'file'} but ${stats ? 'is something else' : 'is missing'} in the working tree`, {
        hint: `restore it ("git checkout -- ${abs}"), or record the change ("git add -A ${abs}" or "git rm ${abs}")`,
      });
    }
    if (isLink) {
      const target = await readlink(abs);
      checkLinkTarget(entry.path, target, abs);
      leaves.push({ type: 'symlink', path: entry.path, mode: 0o777, target });
    } else {
      leaves.push({ type: 'file', path: entry.path, mode: fileMode(entry), size: stats.size });
    }
  }
  return { label: dir, entries: inArchiveOrder(leaves), withFile: (file, use) => withDiskFile(join(dir, file.path), use), close: async () => undefined };
}

/** The tree of `commit`: sizes from the listing, symlink targets and file bytes from `git cat-file --batch`. */
async function commitSource(dir: string, commit: string, tracked: TrackedEntry[]): Promise<PackSource> {
  const repoDir = dirname(dir);
  const links = tracked.filter((e) => e.mode === '120000');
  const targets = await readBlobs(repoDir, links.map((l) => l.oid));
  const leaves: LeafEntry[] = [];
  links.forEach((link, i) => {
    const target = targets[i].toString('utf8');
    checkLinkTarget(link.path, target, join(dir, link.path));
    leaves.push({ type: 'symlink', path: link.path, mode: 0o777, target });
  });
  const blobs = new Map<string, string>();
  for (const entry of tracked) {
    if (entry.mode !== '100644' && entry.mode !== '100755') continue;
    leaves.push({ type: 'file', path: entry.path, mode: fileMode(entry), size: entry.size! });
    blobs.set(entry.path, entry.oid);
  }
  const entries = inArchiveOrder(leaves);
  // One git process streams every file, in the order the packer asks for them.
  const reader = openBlobReader(repoDir, entries.filter((e): e is FileEntry => e.type === 'file').map((e) => blobs.get(e.path)!));
  return {
    label: `${dir} at ${commit}`,
    entries,
    withFile: async (file, use) => {
      const size = await reader.next(blobs.get(file.path)!);
      if (size !== file.size) throw new Error(`git reports ${size} bytes for ${file.path}, its tree listing ${file.size}`);
      return use(reader);
    },
    close: () => reader.close(),
  };
}

function fileMode(entry: TrackedEntry): 0o755 | 0o644 {
  return entry.mode === '100755' ? 0o755 : 0o644;
}
