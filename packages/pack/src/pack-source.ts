import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { listTree } from './list-tree';
import type { FileEntry, TreeEntry } from './tree-entry';

/** Sequential reads of one file's bytes: fills `buffer` from `offset`, returns the count (0 at the end). */
export interface ByteReader {
  read(buffer: Buffer, offset: number, length: number): Promise<number>;
}

/** What a package is made of: its entries in archive order, and the bytes of each file. */
export interface PackSource {
  /** Where the entries come from, for messages: a folder, or a folder at a commit. */
  readonly label: string;
  readonly entries: readonly TreeEntry[];
  /** Runs `use` on the bytes of `file`; called once per file entry, in archive order. */
  withFile<T>(file: FileEntry, use: (reader: ByteReader) => Promise<T>): Promise<T>;
  /** Releases what the source holds (e.g. a git process); called once, after success or failure. */
  close(): Promise<void>;
}

/** A plain folder, everything in it (see {@link listTree}), read from disk. */
export async function folderSource(dir: string): Promise<PackSource> {
  return { label: dir, entries: await listTree(dir), withFile: (file, use) => withDiskFile(join(dir, file.path), use), close: async () => undefined };
}

/** Runs `use` on a reader of the file at `path`, closing it afterwards. */
export async function withDiskFile<T>(path: string, use: (reader: ByteReader) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r');
  let position = 0;
  try {
    return await use({
      read: async (buffer, offset, length) => {
        const { bytesRead } = await handle.read(buffer, offset, length, position);
        position += bytesRead;
        return bytesRead;
      },
    });
  } finally {
    await handle.close();
  }
}
