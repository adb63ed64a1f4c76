import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { create } from 'tar';

/** Every file and symlink under `dir`, relative, `/`-separated, in byte order (not locale order). */
export async function listContextFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1).split('\\').join('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Packs a build context as an uncompressed tar stream: entries sorted, fixed mtime, no owner
 * names or ids, so the same folder always sends the same bytes (and hits the same build cache).
 */
export async function packBuildContext(dir: string): Promise<NodeJS.ReadableStream> {
  const files = await listContextFiles(dir);
  return create({ cwd: dir, portable: true, mtime: new Date(0), noDirRecurse: true }, files) as unknown as NodeJS.ReadableStream;
}
