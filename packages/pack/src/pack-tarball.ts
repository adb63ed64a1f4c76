import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { UserError } from '@runway/errors';
import { writeFileAtomically } from '@runway/atomic-write';
import { ChunkedWriter } from './chunked-writer';
import { folderSource, type PackSource } from './pack-source';
import { ParallelGzip } from './parallel-gzip';
import { BLOCK, encodeHeader } from './tar-header';
import type { TreeEntry } from './tree-entry';

/** A packed file: where it is, its name, and the digest and size a registry entry records. */
export interface PackResult {
  path: string;
  fileName: string;
  sha256: string;
  size: number;
  /** With `hashFiles`: every regular file in the archive, in archive order. */
  files?: PackedFile[];
}

/** One regular file inside the archive: its path there (`<prefix>/…`), sha256 and size. */
export interface PackedFile {
  path: string;
  sha256: string;
  size: number;
}

/** How to write an archive, whatever its source. */
export interface ArchiveOptions {
  /** The single top-level folder of the archive, e.g. the runtime name. */
  prefix: string;
  outFile: string;
  /** Modification time of every entry, in seconds since the epoch. Default {@link DEFAULT_MTIME}. */
  mtime?: number;
  /**
   * Also report the sha256 of every file packed (`PackResult.files`, e.g. for an SBOM). The bytes
   * are hashed as they are copied into the archive, so the list describes exactly what was packed.
   */
  hashFiles?: boolean;
}

export interface PackTarballOptions extends ArchiveOptions {
  /** The folder to pack, everything in it. */
  sourceDir: string;
}

/** 1980-01-01T00:00:00Z: old enough to be obviously fixed, new enough for every tar and zip tool. */
export const DEFAULT_MTIME = 315_532_800;

/**
 * Size of the tar-stream pieces compressed independently. Fixed, because the boundaries decide the
 * output bytes; 4 MiB keeps the ratio within a fraction of a percent of one-member gzip.
 */
const CHUNK_SIZE = 4 * 1024 * 1024;
const GZIP_LEVEL = 6;
/** Enough chunks in flight to keep every core compressing while the next one is read. */
const IN_FLIGHT = Math.min(8, availableParallelism() + 1);
/** GNU tar pads archives to whole 10 KiB records; matching it keeps the tar stream familiar. */
const RECORD = 20 * BLOCK;

/**
 * Packs the plain folder `sourceDir`, everything in it, into a gzipped tarball at `outFile` holding
 * one folder `<prefix>/`: for content git does not track (a built environment, a test fixture).
 * A project is packed with `buildPackage`, which takes exactly what git tracks.
 */
export async function packTarball(options: PackTarballOptions): Promise<PackResult> {
  const { sourceDir, ...archive } = options;
  checkArchiveOptions(archive);
  return writeArchive(await folderSource(sourceDir), archive);
}

/** Refuses a top-level folder name or mtime that would make a broken or surprising archive. */
export function checkArchiveOptions({ prefix, mtime = DEFAULT_MTIME }: ArchiveOptions): void {
  if (!/^[^/\\]+$/.test(prefix) || prefix === '.' || prefix === '..') {
    throw new UserError(`invalid archive folder name "${prefix}"`, { hint: 'use the project name, e.g. python-3.11' });
  }
  if (!Number.isInteger(mtime) || mtime < 0) {
    throw new UserError(`invalid archive mtime ${mtime}`, { hint: 'use whole seconds since 1970, e.g. SOURCE_DATE_EPOCH=1700000000' });
  }
}

/**
 * Writes `source` as a gzipped tarball at `outFile` holding one folder `<prefix>/`, and closes the
 * source. Byte for byte reproducible: the source's entries are already normalised and in archive
 * order, headers are fixed by {@link encodeHeader}, compression by {@link ParallelGzip}. Streams
 * with bounded memory (about `IN_FLIGHT` + 1 chunk buffers of 4 MiB plus their compressed output)
 * and writes atomically. Call {@link checkArchiveOptions} first.
 */
export async function writeArchive(source: PackSource, options: ArchiveOptions): Promise<PackResult> {
  const { prefix, outFile, mtime = DEFAULT_MTIME, hashFiles = false } = options;
  try {
    return await writeFileAtomically(outFile, async (file) => {
      const hash = createHash('sha256');
      let size = 0;
      // Chunk buffers go round a pool: without it each 4 MiB chunk is garbage the GC collects late,
      // and peak memory grows with the archive instead of staying at about IN_FLIGHT chunks.
      const pool: Buffer[] = [];
      const gzip = new ParallelGzip(async (member) => {
        hash.update(member);
        size += member.length;
        await file.write(member);
      }, { level: GZIP_LEVEL, inFlight: IN_FLIGHT, recycle: (chunk) => chunk.length === CHUNK_SIZE && pool.push(chunk) });
      const tar = new ChunkedWriter(CHUNK_SIZE, (chunk) => gzip.push(chunk), () => pool.pop() ?? Buffer.allocUnsafe(CHUNK_SIZE), expectedTarSize(source.entries));

      const files: PackedFile[] | undefined = hashFiles ? [] : undefined;
      const tarSize = await writeTar(tar, source, prefix, mtime, files);
      await tar.writeZeros(padTo(tarSize + 2 * BLOCK, RECORD) + 2 * BLOCK);
      await tar.end();
      await gzip.end();
      return { path: outFile, fileName: basename(outFile), sha256: hash.digest('hex'), size, ...(files && { files }) };
    });
  } finally {
    await source.close();
  }
}

/**
 * Writes the root folder and every entry; returns the tar bytes written (before the end blocks).
 * With `files`, appends each regular file's archive path, sha256 and size to it.
 */
async function writeTar(tar: ChunkedWriter, source: PackSource, prefix: string, mtime: number, files?: PackedFile[]): Promise<number> {
  let written = 0;
  const put = async (bytes: Buffer) => {
    await tar.write(bytes);
    written += bytes.length;
  };
  await put(encodeHeader({ type: 'dir', path: '', mode: 0o755 }, prefix, mtime));
  for (const entry of source.entries) {
    await put(encodeHeader(entry, prefix, mtime));
    if (entry.type !== 'file') continue;
    const fileHash = files && createHash('sha256');
    const copied = await source.withFile(entry, (reader) => tar.writeFrom(reader, entry.size, fileHash && ((bytes) => fileHash.update(bytes))));
    // The header already promised `size` bytes: a file that shrank would corrupt the archive.
    if (copied !== entry.size) {
      throw new UserError(`${join(source.label, entry.path)} changed while it was being packed`, { hint: 'stop whatever writes into the project folder and build again' });
    }
    if (fileHash) files!.push({ path: `${prefix}/${entry.path}`, sha256: fileHash.digest('hex'), size: entry.size });
    written += entry.size;
    const padding = padTo(entry.size, BLOCK);
    await tar.writeZeros(padding);
    written += padding;
  }
  return written;
}

/**
 * Pure: the tar stream's size for `entries` (root folder, one header block each, padded data, end
 * blocks and record padding), plus one block per entry for pax headers. Only a buffer-size hint.
 */
function expectedTarSize(entries: readonly TreeEntry[]): number {
  let size = 2 * BLOCK;
  for (const entry of entries) size += 2 * BLOCK + (entry.type === 'file' ? entry.size + padTo(entry.size, BLOCK) : 0);
  return size + padTo(size + 2 * BLOCK, RECORD) + 2 * BLOCK;
}

/** Bytes needed to round `n` up to a multiple of `unit`. */
function padTo(n: number, unit: number): number {
  return (unit - (n % unit)) % unit;
}
