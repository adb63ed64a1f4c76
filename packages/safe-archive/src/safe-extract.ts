import { createHash, type Hash } from 'node:crypto';
import { chmod, link, mkdir, open, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Parser as TarParser, ReadEntry } from 'tar';
import { UserError } from '@runway/errors';
import { boundedTasks } from './bounded-tasks';
import { checkEntryPath, symlinkStaysInside } from './link-rule';

/** One item written by the extractor, path relative to the runtime's top-level folder. */
export interface ExtractedItem {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  /** Permission bits (0o777 mask); setuid/setgid/sticky archives are refused. */
  mode: number;
  size?: number;
  /** `sha256:<hex>` of a file's content. */
  sha256?: string;
  /** Symlink target as stored, or the hardlink's source path relative to the top-level folder. */
  target?: string;
}

export interface ExtractOptions {
  /** An existing, empty staging directory; the archive lands in `<dest>/<topLevel>/`. */
  dest: string;
  /** The one folder every entry must live in (the runtime name). */
  topLevel: string;
  /** Cap on uncompressed bytes (tar stream and declared file sizes), against gzip bombs. */
  maxBytes: number;
  maxEntries: number;
  /** When given, the compressed stream must have exactly this sha256 and size. */
  expected?: { checksum: string; size: number };
  /** Called with the compressed byte count as data arrives. */
  onProgress?: (bytes: number) => void;
}

export interface ExtractResult {
  items: ExtractedItem[];
  /** `sha256:<hex>` and byte size of the compressed archive as received. */
  checksum: string;
  size: number;
}

export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 200_000;

// The parser alone: tar's index also loads create/extract/replace (~1 MB more resident). A
// require because TypeScript's "node" resolution does not read the `exports` map naming it.
const { Parser } = require('tar/parse') as { Parser: typeof TarParser };

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
/** Writes are batched so a 200 MB package is not tens of thousands of tiny syscalls. */
const WRITE_BATCH = 512 * 1024;
/**
 * Files up to this size are held in memory and written in the background, up to
 * `PARALLEL_WRITES` at once: creating a file costs ~0.5 ms on ext4, and runtimes hold thousands
 * of small ones, so unpacking them one after another would be bound by that latency.
 */
const SMALL_FILE = 1024 * 1024;
const PARALLEL_WRITES = 4;

/** Why an archive was refused; `UserError` so the CLI prints it without a stack. */
export class UnsafeArchiveError extends UserError {
  constructor(archive: string, problem: string) {
    super(`refusing ${archive}: ${problem}`, { hint: 'the package is broken or hostile; nothing was installed. Report it to the registry maintainer.' });
    this.name = 'UnsafeArchiveError';
  }
}

/** Creates a file that must not exist yet, with exactly `mode` (no umask), from chunks in memory. */
async function writeFileExactly(path: string, chunks: Buffer[], mode: number): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writev(chunks);
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

/** Streams a large entry to a new file in batches, hashing it on the way. */
async function writeLargeFile(entry: ReadEntry, path: string, mode: number, hash: Hash): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    let batch: Buffer[] = [];
    let batched = 0;
    for await (const chunk of entry as AsyncIterable<Buffer>) {
      hash.update(chunk);
      batch.push(chunk);
      batched += chunk.length;
      if (batched >= WRITE_BATCH) {
        await handle.writev(batch);
        batch = [];
        batched = 0;
      }
    }
    if (batched > 0) await handle.writev(batch);
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}

/**
 * Streams a `.tar.gz` from `source` into `opts.dest`, computing sha256 and size of the compressed
 * bytes in the same pass, and refusing anything unsafe: traversal, absolute paths, links leaving
 * the folder or written through, devices/FIFOs, setuid/setgid/sticky bits, oversized content,
 * truncated or empty archives, entries outside `<topLevel>/`. The caller owns `dest` and removes
 * it on failure; nothing is written outside it.
 */
export async function extractTarball(source: AsyncIterable<Uint8Array>, archive: string, opts: ExtractOptions): Promise<ExtractResult> {
  const refuse = (problem: string) => new UnsafeArchiveError(archive, problem);
  /** zlib's errors in the installer's words; anything else (a broken download) passes through. */
  const gzipProblem = (err: NodeJS.ErrnoException) => {
    if (!err.code?.startsWith('Z_')) return undefined;
    return refuse(err.code === 'Z_BUF_ERROR' ? 'the gzip stream is truncated' : `not a gzip-compressed tarball (${err.message})`);
  };
  const hash = createHash('sha256');
  let compressed = 0;
  let inflated = 0;
  let declared = 0;
  const items: ExtractedItem[] = [];
  const kinds = new Map<string, ExtractedItem['type']>();

  let failure: Error | undefined;
  /** The entry being written, destroyed on failure so its writer stops waiting for data. */
  let current: ReadEntry | undefined;
  const parser = new Parser({ strict: true });
  const sink = new Writable({ write: feedParser, final: endParser });
  /** Records the first failure and tears the whole pipeline down. */
  const fail = (err: Error) => {
    if (failure) return;
    failure = err;
    current?.destroy();
    parser.abort(err);
    sink.destroy(err);
  };

  parser.on('error', (err: Error) => fail(refuse(kinds.size === 0 ? `the archive is empty or not a tar archive (${err.message})` : `not a valid tar archive (${err.message})`)));
  parser.on('ignoredEntry', (entry: ReadEntry) => fail(refuse(`entry "${entry.path}" has unsupported type ${entry.type}`)));
  const writes = boundedTasks(PARALLEL_WRITES, fail);
  let chain: Promise<void> = Promise.resolve();
  parser.on('entry', (entry: ReadEntry) => {
    chain = chain.then(async () => {
      if (failure) return void entry.resume();
      current = entry;
      try {
        await writeEntry(entry);
      } catch (err) {
        fail(err as Error);
        entry.resume();
      } finally {
        current = undefined;
      }
    });
  });

  /** Gunzipped bytes into the tar parser, holding the callback (and so the whole pipeline) while it is behind. */
  function feedParser(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    inflated += chunk.length;
    if (inflated > opts.maxBytes) return callback(refuse(`unpacks to more than ${opts.maxBytes} bytes (raise the limit with --max-size if this is expected)`));
    // The parser may emit 'drain' inside write() (an entry consumed synchronously), so listen first.
    let called = false;
    const proceed = () => {
      if (called) return;
      called = true;
      parser.off('drain', proceed);
      callback();
    };
    parser.on('drain', proceed);
    if (parser.write(chunk)) proceed();
  }

  /** Ends the parser and waits until every entry is on disk. */
  function endParser(callback: (err?: Error | null) => void): void {
    parser.once('end', () => void chain.then(() => callback(failure)));
    parser.end();
  }

  /** Hashes and counts the compressed bytes as they pass, without copying them. */
  const verify = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      compressed += chunk.length;
      opts.onProgress?.(compressed);
      if (opts.expected && compressed > opts.expected.size) return callback(refuse(`download is larger than the ${opts.expected.size} bytes the registry lists`));
      callback(null, chunk);
    },
  });

  const within = (segments: string[]) => join(opts.dest, ...segments);
  /** Refuses a path whose parent chain passes through a symlink or a file, or that already exists. */
  const checkParents = (segments: string[], raw: string) => {
    for (let i = 1; i < segments.length; i++) {
      const kind = kinds.get(segments.slice(0, i).join('/'));
      if (kind === 'symlink') throw refuse(`entry "${raw}" would be written through the symlink "${segments.slice(0, i).join('/')}"`);
      if (kind && kind !== 'dir') throw refuse(`entry "${raw}" is inside "${segments.slice(0, i).join('/')}", which is not a directory`);
    }
  };

  /** Creates a directory with an exact mode (no umask) and records it, so `verify` knows it. */
  async function makeDir(segments: string[], mode: number): Promise<void> {
    await mkdir(within(segments));
    await chmod(within(segments), mode);
    kinds.set(segments.join('/'), 'dir');
    items.push({ path: segments.slice(1).join('/') || '.', type: 'dir', mode });
  }

  /** Parents an archive leaves implicit (`a/b/c` without `a/b/`) are created 0755 and recorded. */
  async function ensureParents(segments: string[]): Promise<void> {
    for (let i = 1; i < segments.length; i++) {
      if (!kinds.has(segments.slice(0, i).join('/'))) await makeDir(segments.slice(0, i), 0o755);
    }
  }

  async function writeEntry(entry: ReadEntry): Promise<void> {
    if (items.length >= opts.maxEntries) throw refuse(`more than ${opts.maxEntries} entries`);
    const checked = checkEntryPath(entry.path, opts.topLevel);
    if ('problem' in checked) throw refuse(checked.problem);
    const { segments } = checked;
    const key = segments.join('/');
    const mode = entry.mode ?? 0o644;
    if (mode & 0o7000) throw refuse(`entry "${entry.path}" has setuid/setgid/sticky bits (mode ${mode.toString(8)})`);
    if (segments.length === 0) {
      if (entry.type === 'Directory') return void entry.resume();
      throw refuse(`entry "${entry.path}" has an empty name`);
    }
    if (segments.length === 1 && entry.type !== 'Directory') throw refuse(`"${entry.path}" must be the top-level folder, but it is a ${entry.type}`);
    checkParents(segments, entry.path);
    const existing = kinds.get(key);
    if (existing && !(existing === 'dir' && entry.type === 'Directory')) throw refuse(`entry "${entry.path}" appears twice`);
    await ensureParents(segments);
    const relative = segments.slice(1).join('/') || '.';
    const perm = mode & 0o777;

    if (entry.type === 'Directory') {
      // Owner rwx stays on so later entries (and the receipt) can be written inside.
      const dirMode = perm | 0o700;
      if (existing) {
        await chmod(within(segments), dirMode);
        const item = items.find((i) => i.path === relative);
        if (item) item.mode = dirMode;
      } else {
        await makeDir(segments, dirMode);
      }
      return void entry.resume();
    }
    if (entry.type === 'SymbolicLink') {
      const target = entry.linkpath ?? '';
      if (!symlinkStaysInside(segments, target)) throw refuse(`symlink "${entry.path}" -> "${target}" points outside "${opts.topLevel}/"`);
      await symlink(target, within(segments));
      kinds.set(key, 'symlink');
      items.push({ path: relative, type: 'symlink', mode: 0o777, target });
      return void entry.resume();
    }
    if (entry.type === 'Link') {
      const raw = entry.linkpath ?? '';
      const source = checkEntryPath(raw, opts.topLevel);
      if ('problem' in source || source.segments.length < 2) throw refuse(`hardlink "${entry.path}" -> "${raw}" points outside "${opts.topLevel}/"`);
      const sourceKey = source.segments.join('/');
      if (kinds.get(sourceKey) !== 'file') throw refuse(`hardlink "${entry.path}" -> "${raw}" does not point to a file extracted earlier`);
      checkParents(source.segments, raw);
      await writes.settle(); // the source may still be being written
      await link(within(source.segments), within(segments));
      kinds.set(key, 'file');
      const original = items.find((i) => i.path === source.segments.slice(1).join('/'));
      items.push({ ...original!, path: relative, type: 'hardlink', target: source.segments.slice(1).join('/') });
      return void entry.resume();
    }
    if (!FILE_TYPES.has(entry.type)) {
      throw refuse(`entry "${entry.path}" is a ${entry.type}; only files, directories and links are allowed`);
    }
    declared += entry.size ?? 0;
    if (declared > opts.maxBytes) throw refuse(`unpacks to more than ${opts.maxBytes} bytes (raise the limit with --max-size if this is expected)`);
    const fileHash = createHash('sha256');
    kinds.set(key, 'file');
    const item: ExtractedItem = { path: relative, type: 'file', mode: perm, size: entry.size };
    if ((entry.size ?? 0) <= SMALL_FILE) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        fileHash.update(chunk);
        chunks.push(chunk);
      }
      await writes.start(() => writeFileExactly(within(segments), chunks, perm));
    } else {
      await writeLargeFile(entry, within(segments), perm, fileHash);
    }
    items.push({ ...item, sha256: `sha256:${fileHash.digest('hex')}` });
  }

  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  try {
    await pipeline(input, verify, createGunzip({ chunkSize: 128 * 1024 }), sink);
  } catch (err) {
    fail(gzipProblem(err as NodeJS.ErrnoException) ?? (err as Error));
  }
  await chain;
  await writes.settle();
  if (failure) throw failure;

  const checksum = `sha256:${hash.digest('hex')}`;
  if (opts.expected && compressed !== opts.expected.size) throw refuse(`size mismatch: the registry lists ${opts.expected.size} bytes, the download has ${compressed}`);
  if (opts.expected && checksum !== opts.expected.checksum) throw refuse(`checksum mismatch: the registry lists ${opts.expected.checksum}, the download has ${checksum}`);
  const content = items.filter((i) => i.path !== '.');
  if (content.length === 0) throw refuse(kinds.size === 0 ? 'the archive is empty' : `the "${opts.topLevel}/" folder is empty`);
  return { items: content, checksum, size: compressed };
}
