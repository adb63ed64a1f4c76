import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

/**
 * Pure: the Dockerfile with one final `LABEL` instruction carrying every label. The classic
 * builder turns API labels into one LABEL step (one container commit) per label, about a second
 * each on slow storage drivers; a single instruction costs one step. In a multi-stage Dockerfile
 * the last stage is the image, so appending labels it.
 */
export function dockerfileWithLabels(dockerfile: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v.replace(/\s+/g, ' '))}`);
  if (pairs.length === 0) return dockerfile;
  return `${dockerfile.replace(/\s*$/, '\n')}LABEL ${pairs.join(' \\\n      ')}\n`;
}

/**
 * Runs `use` with a copy of the context folder whose Dockerfile carries the labels, then removes
 * the copy. The payload folder itself is never written to.
 */
export async function withLabelledContext<T>(dir: string, dockerfile: string, labels: Record<string, string>, use: (stagedDir: string) => Promise<T>): Promise<T> {
  const staged = await mkdtemp(join(tmpdir(), 'runway-context-'));
  try {
    await cp(dir, staged, { recursive: true, verbatimSymlinks: true });
    await writeFile(join(staged, dockerfile), dockerfileWithLabels(await readFile(join(dir, dockerfile), 'utf8'), labels));
    return await use(staged);
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}
