import { UserError } from '@runway/errors';
import { symlinkStaysInside } from '@runway/safe-archive';

/** One entry of a packed tree, with everything that varies between machines already normalised. */
export type TreeEntry =
  | { type: 'dir'; path: string; mode: 0o755 }
  | FileEntry
  | { type: 'symlink'; path: string; mode: 0o777; target: string };

/** A regular file: 0755 when executable, else 0644, and the byte count its header promises. */
export interface FileEntry { type: 'file'; path: string; mode: 0o755 | 0o644; size: number }

/** A file or symlink as a listing reports it, before its parent folders are added. */
export type LeafEntry = Exclude<TreeEntry, { type: 'dir' }>;

/**
 * Pure: `leaves` (paths relative to the packed folder, `/`-separated) plus a folder entry for each
 * of their parents, in archive order: depth first, siblings sorted by the UTF-8 bytes of their
 * names (`tar --sort=name`), which is also the order {@link compareArchivePaths} gives.
 */
export function inArchiveOrder(leaves: readonly LeafEntry[]): TreeEntry[] {
  const dirs = new Set<string>();
  for (const leaf of leaves) {
    for (let cut = leaf.path.lastIndexOf('/'); cut > 0; cut = leaf.path.lastIndexOf('/', cut - 1)) {
      const dir = leaf.path.slice(0, cut);
      // Its own parents were added with it.
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  }
  const entries: TreeEntry[] = [...[...dirs].map((path) => ({ type: 'dir' as const, path, mode: 0o755 as const })), ...leaves];
  const keys = new Map(entries.map((e) => [e.path, sortKey(e.path)]));
  return entries.sort((a, b) => Buffer.compare(keys.get(a.path)!, keys.get(b.path)!));
}

/**
 * Pure: orders two relative paths as a depth-first walk with byte-sorted siblings does. Comparing
 * the names component by component equals comparing the bytes with `/` read as the lowest byte,
 * since no name contains NUL: a folder comes before what is in it, and `a/x` before `a.txt`.
 */
export function compareArchivePaths(a: string, b: string): number {
  return Buffer.compare(sortKey(a), sortKey(b));
}

function sortKey(path: string): Buffer {
  return Buffer.from(path.replaceAll('/', '\0'));
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
