import { createHash, type Hash } from 'node:crypto';
import { chmod, link, mkdir, open, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Parser as TarParser, ReadEntry } from 'tar';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { escapeText } from '@runway/log';
import { boundedTasks } from './bounded-tasks';
import { checkEntryPath, MAX_PATH_BYTES, showPath, symlinkStaysInside } from './link-rule';

/** One item written by the extractor, path relative to the runtime's top-level folder. */
export interface ExtractedItem {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  /** Permission bits as installed (see `installedMode`); setuid/setgid/sticky archives are refused. */
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
  /**
   * Cap on bytes, against gzip bombs: the uncompressed tar stream, the declared file sizes and the
   * compressed download itself each count against it.
   */
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
/**
 * What may follow the tar end marker: tar pads an archive with zeros to its record size (10 KiB
 * by default, 1 MiB at the largest blocking factor in common use). Nothing after the marker is
 * ever unpacked; more than this is refused, so a small package cannot make the installer inflate
 * gigabytes that it would then throw away.
 */
export const MAX_TRAILING_BYTES = 1024 * 1024;

/**
 * The mode policy for installed entries: permission bits only (setuid/setgid/sticky are refused
 * before this), never writable by group or others whatever the package says, and always usable by
 * their owner: directories rwx (so the install can be completed, verified and removed), files
 * readable (so `verify` can hash them). A package built by Runway (0644/0755) is unchanged by it.
 */
export function installedMode(mode: number, type: 'file' | 'dir'): number {
  return (mode & 0o755) | (type === 'dir' ? 0o700 : 0o400);
}

/** Why an archive was refused; `UserError` so the CLI prints it without a stack. */
export class UnsafeArchiveError extends UserError {
  constructor(archive: string, problem: string) {
    super(`refusing ${escapeText(archive, 300)}: ${problem}`, { hint: 'the package is broken or hostile; nothing was installed. Report it to the registry maintainer.' });
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
 * bytes in the same pass, and refusing anything unsafe: traversal, absolute paths, over-long paths
 * and names, links leaving the folder or written through, devices/FIFOs, setuid/setgid/sticky
 * bits, oversized content (compressed, uncompressed or declared), more than `MAX_TRAILING_BYTES`
 * after the tar end marker, truncated or empty archives, entries outside `<topLevel>/`. Modes
 * follow `installedMode`. Every lookup is a `Map` access and nothing is buffered beyond one chunk,
 * so the cost stays linear in the archive. The caller owns `dest` and removes it on failure;
 * nothing is written outside it. Refusals are `UnsafeArchiveError`s quoting entry names escaped;
 * a destination that cannot be written is a `UserError` naming the path.
 */
export async function extractTarball(source: AsyncIterable<Uint8Array>, archive: string, opts: ExtractOptions): Promise<ExtractResult> {
  const refuse = (problem: string) => new UnsafeArchiveError(archive, problem);
  const tooBig = () => refuse(`unpacks to more than ${opts.maxBytes} bytes (raise the limit with --max-size if this is expected)`);
  /** zlib's errors in the installer's words; anything else (a broken download) passes through. */
  const gzipProblem = (err: NodeJS.ErrnoException) => {
    if (!err.code?.startsWith('Z_')) return undefined;
    return refuse(err.code === 'Z_BUF_ERROR' ? 'the gzip stream is truncated' : `not a gzip-compressed tarball (${escapeText(err.message, 200)})`);
  };
  const hash = createHash('sha256');
  let compressed = 0;
  let inflated = 0;
  let declared = 0;
  /** Set once the parser has read the end marker; from then on bytes are counted, never parsed. */
  let trailing: number | undefined;
  /** Every path written so far, by its archive key (`<topLevel>/a/b`), with what it is. */
  const written = new Map<string, { kind: 'file' | 'dir' | 'symlink'; item?: ExtractedItem }>();
  const items: ExtractedItem[] = [];

  let failure: Error | undefined;
  /** The entry being written, destroyed on failure so its writer stops waiting for data. */
  let current: ReadEntry | undefined;
  const parser = new Parser({ strict: true });
  const sink = new Writable({ write: feedParser, final: endParser });
  /** Records the first failure and tears the whole pipeline down, which stops the download too. */
  const fail = (err: Error) => {
    if (failure) return;
    failure = err;
    current?.destroy();
    parser.abort(err);
    sink.destroy(err);
  };
  /** A failed write in `dest` is the environment's problem (full disk, no permission), not a bug. */
  const failWrite = (err: unknown) => fail(mapFsError(err, `unpack ${escapeText(archive, 300)} into ${opts.dest}`) as Error);

  parser.on('error', (err: Error) => {
    const why = escapeText(err.message, 300);
    fail(refuse(written.size === 0 ? `the archive is empty or not a tar archive (${why})` : `not a valid tar archive (${why})`));
  });
  parser.on('ignoredEntry', (entry: ReadEntry) => fail(refuse(`entry "${showPath(entry.path)}" has unsupported type ${escapeText(String(entry.type), 40)}`)));
  parser.on('eof', () => { trailing = 0; });
  const writes = boundedTasks(PARALLEL_WRITES, failWrite);
  let chain: Promise<void> = Promise.resolve();
  parser.on('entry', (entry: ReadEntry) => {
    chain = chain.then(async () => {
      if (failure) return void entry.resume();
      current = entry;
      try {
        await writeEntry(entry);
      } catch (err) {
        if (err instanceof UserError) fail(err);
        else failWrite(err);
        entry.resume();
      } finally {
        current = undefined;
      }
    });
  });

  /** Gunzipped bytes into the tar parser, holding the callback (and so the whole pipeline) while it is behind. */
  function feedParser(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    inflated += chunk.length;
    if (inflated > opts.maxBytes) return callback(tooBig());
    if (trailing !== undefined) {
      // After the end marker the parser would only append each chunk to a growing buffer
      // (quadratic copying): it is not fed at all, only counted.
      trailing += chunk.length;
      if (trailing > MAX_TRAILING_BYTES) return callback(refuse(`more than ${MAX_TRAILING_BYTES} bytes follow the end of the tar archive (tar pads with at most one record of zeros)`));
      return callback();
    }
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
      if (compressed > opts.maxBytes) return callback(refuse(`download is larger than the ${opts.maxBytes}-byte size cap (raise the limit with --max-size if this is expected)`));
      callback(null, chunk);
    },
  });

  const within = (segments: string[]) => join(opts.dest, ...segments);
  /**
   * Refuses a path whose parent chain passes through a symlink or a file. Walks up from the parent
   * only until a directory already written: its own ancestors were checked when it was created, so
   * each entry costs one lookup plus one per directory it adds.
   */
  const checkParents = (segments: string[], raw: string) => {
    for (let i = segments.length - 1; i >= 1; i--) {
      const key = segments.slice(0, i).join('/');
      const kind = written.get(key)?.kind;
      if (kind === 'dir') return;
      if (kind === 'symlink') throw refuse(`entry "${showPath(raw)}" would be written through the symlink "${showPath(key)}"`);
      if (kind) throw refuse(`entry "${showPath(raw)}" is inside "${showPath(key)}", which is not a directory`);
    }
  };

  /** Creates a directory with an exact mode (no umask) and records it, so `verify` knows it. */
  async function makeDir(segments: string[], mode: number): Promise<void> {
    await mkdir(within(segments));
    await chmod(within(segments), mode);
    const item: ExtractedItem = { path: segments.slice(1).join('/') || '.', type: 'dir', mode };
    written.set(segments.join('/'), { kind: 'dir', item });
    items.push(item);
  }

  /** Parents an archive leaves implicit (`a/b/c` without `a/b/`) are created 0755 and recorded. */
  async function ensureParents(segments: string[]): Promise<void> {
    let known = segments.length - 1;
    while (known >= 1 && !written.has(segments.slice(0, known).join('/'))) known--;
    for (let i = known + 1; i < segments.length; i++) await makeDir(segments.slice(0, i), 0o755);
  }

  async function writeEntry(entry: ReadEntry): Promise<void> {
    if (items.length >= opts.maxEntries) throw refuse(`more than ${opts.maxEntries} entries`);
    const checked = checkEntryPath(entry.path, opts.topLevel);
    if ('problem' in checked) throw refuse(checked.problem);
    const { segments } = checked;
    const key = segments.join('/');
    const mode = entry.mode ?? 0o644;
    if (mode & 0o7000) throw refuse(`entry "${showPath(entry.path)}" has setuid/setgid/sticky bits (mode ${mode.toString(8)})`);
    if (segments.length === 0) {
      if (entry.type === 'Directory') return void entry.resume();
      throw refuse(`entry "${showPath(entry.path)}" has an empty name`);
    }
    if (segments.length === 1 && entry.type !== 'Directory') throw refuse(`"${showPath(entry.path)}" must be the top-level folder, but it is a ${entry.type}`);
    checkParents(segments, entry.path);
    const existing = written.get(key);
    if (existing && !(existing.kind === 'dir' && entry.type === 'Directory')) throw refuse(`entry "${showPath(entry.path)}" appears twice`);
    await ensureParents(segments);
    const relative = segments.slice(1).join('/') || '.';

    if (entry.type === 'Directory') {
      const dirMode = installedMode(mode, 'dir');
      if (existing?.item) {
        await chmod(within(segments), dirMode);
        existing.item.mode = dirMode;
      } else {
        await makeDir(segments, dirMode);
      }
      return void entry.resume();
    }
    if (entry.type === 'SymbolicLink') {
      const target = entry.linkpath ?? '';
      if (Buffer.byteLength(target) >= MAX_PATH_BYTES) throw refuse(`symlink "${showPath(entry.path)}" has a target longer than ${MAX_PATH_BYTES - 1} bytes`);
      if (!symlinkStaysInside(segments, target)) throw refuse(`symlink "${showPath(entry.path)}" -> "${showPath(target)}" points outside "${showPath(opts.topLevel)}/"`);
      await symlink(target, within(segments));
      const item: ExtractedItem = { path: relative, type: 'symlink', mode: 0o777, target };
      written.set(key, { kind: 'symlink', item });
      items.push(item);
      return void entry.resume();
    }
    if (entry.type === 'Link') {
      const raw = entry.linkpath ?? '';
      const source = checkEntryPath(raw, opts.topLevel);
      if ('problem' in source || source.segments.length < 2) throw refuse(`hardlink "${showPath(entry.path)}" -> "${showPath(raw)}" points outside "${showPath(opts.topLevel)}/"`);
      const original = written.get(source.segments.join('/'));
      if (original?.kind !== 'file' || !original.item) throw refuse(`hardlink "${showPath(entry.path)}" -> "${showPath(raw)}" does not point to a file extracted earlier`);
      await writes.settle(); // the source may still be being written
      await link(within(source.segments), within(segments));
      const item: ExtractedItem = { ...original.item, path: relative, type: 'hardlink', target: source.segments.slice(1).join('/') };
      written.set(key, { kind: 'file', item });
      items.push(item);
      return void entry.resume();
    }
    if (!FILE_TYPES.has(entry.type)) {
      throw refuse(`entry "${showPath(entry.path)}" is a ${escapeText(String(entry.type), 40)}; only files, directories and links are allowed`);
    }
    declared += entry.size ?? 0;
    if (declared > opts.maxBytes) throw tooBig();
    const perm = installedMode(mode, 'file');
    const fileHash = createHash('sha256');
    const item: ExtractedItem = { path: relative, type: 'file', mode: perm, size: entry.size };
    written.set(key, { kind: 'file', item });
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
    item.sha256 = `sha256:${fileHash.digest('hex')}`;
    items.push(item);
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
  if (opts.expected && checksum !== opts.expected.checksum) throw refuse(`checksum mismatch: the registry lists ${escapeText(opts.expected.checksum, 100)}, the download has ${checksum}`);
  const content = items.filter((i) => i.path !== '.');
  if (content.length === 0) throw refuse(written.size === 0 ? 'the archive is empty' : `the "${showPath(opts.topLevel)}/" folder is empty`);
  return { items: content, checksum, size: compressed };
}
