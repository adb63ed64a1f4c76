import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { PassThrough } from 'node:stream';
import { create, Header } from 'tar';

/**
 * Every file, symlink and folder under `dir`, relative, `/`-separated, in byte order (not locale
 * order, and so each folder before its contents). Folders are listed so that empty ones reach the
 * daemon: a root filesystem needs its empty `tmp/`, `proc/` and `sys/`.
 */
export async function listContextFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() || e.isSymbolicLink() || e.isDirectory())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1).split('\\').join('/'))
    .sort(byteOrder);
}

/**
 * Packs a build context as an uncompressed tar stream: entries sorted, fixed mtime, no owner
 * names or ids, so the same folder always sends the same bytes (and hits the same build cache).
 * `replace` maps context paths to the text sent instead of the folder's file (the labelled
 * Dockerfile): those entries come first and the folder is neither copied nor written to.
 */
export async function packBuildContext(dir: string, replace: Record<string, string> = {}): Promise<NodeJS.ReadableStream> {
  const replaced = new Map(Object.entries(replace).map(([path, text]) => [posix.normalize(path), text]));
  const files = (await listContextFiles(dir)).filter((f) => !replaced.has(f));
  const out = new PassThrough();
  for (const [path, text] of [...replaced].sort(([a], [b]) => byteOrder(a, b))) out.write(fileEntry(path, Buffer.from(text, 'utf8')));
  if (files.length === 0) {
    out.end(Buffer.alloc(1024));
    return out;
  }
  const rest = create({ cwd: dir, portable: true, mtime: new Date(0), noDirRecurse: true }, files) as unknown as NodeJS.ReadableStream;
  rest.on('error', (err: Error) => out.destroy(err));
  rest.pipe(out);
  return out;
}

/** One tar file entry (header, body, padding to the 512-byte block) with the packer's fixed metadata. */
function fileEntry(path: string, body: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const needsPax = new Header({ path, mode: 0o644, size: body.length, mtime: new Date(0), type: 'File' }).encode(header, 0);
  // Only paths over 255 bytes need a pax header; no Dockerfile path in a payload folder comes close.
  if (needsPax) throw new Error(`context path too long for a plain tar header: ${path}`);
  return Buffer.concat([header, body, Buffer.alloc((512 - (body.length % 512)) % 512)]);
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

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
