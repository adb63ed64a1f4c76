import { createHash, type Hash } from 'node:crypto';
import { closeSync, fchmodSync, openSync, writevSync, type Stats } from 'node:fs';
import { chmod, link, lstat, mkdir, open, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { Parser as TarParser, ReadEntry } from 'tar';
import { mapFsError } from '@runway/atomic-write';
import { UserError } from '@runway/errors';
import { sha256File } from '@runway/file-hash';
import { escapeText } from '@runway/log';
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
  /**
   * Called once per entry when it is on disk with its final mode (a folder that an archive leaves
   * implicit, at its own entry or at the end), awaited: entries are handed over, never kept, so
   * the extractor's memory does not grow with their number. The top-level folder is not reported.
   */
  onItem?: (item: ExtractedItem) => void | Promise<void>;
}

export interface ExtractResult {
  /** How many entries were reported to `onItem`. */
  entries: number;
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
 * Files up to this size are gathered in memory and written with blocking calls on the main
 * thread, while the thread pool goes on inflating. Measured on python-3.11-ml (40,574 files,
 * 1.2 GB unpacked, 2-core VM, three pairs): 14.5–21.9 s with 8.5–14.5 s of system time, against
 * 18.0–23.8 s with 14.3–21.0 s for four writes at once through the thread pool, whose threads
 * spun on the folder's lock when creating files side by side and paid a wake-up for each of the
 * four calls per file.
 */
const SMALL_FILE = 1024 * 1024;
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
function writeFileExactly(path: string, chunks: Buffer[], mode: number): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writevSync(fd, chunks);
    fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
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
 * follow `installedMode`. Every lookup is a `Map` access, nothing is buffered beyond one chunk
 * (and the small file being gathered), and entries go to `onItem` instead of being kept: the cost
 * stays linear in the archive, and memory grows only with the names of folders and symlinks,
 * which the link checks need. A repeated folder entry is refused like a repeated file (a folder an
 * archive leaves implicit may be declared once, later). The caller owns `dest` and removes it on
 * failure; nothing is written outside it. Refusals are `UnsafeArchiveError`s quoting entry names escaped;
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
  /**
   * The folders and symlinks written so far, by archive key (`<topLevel>/a/b`). Files are not
   * kept, so memory does not grow with them (a Debian environment has tens of thousands): every
   * create is exclusive, so the filesystem itself refuses a second entry at a file's path or a
   * folder inside a file (`exclusively`).
   */
  const written = new Map<string, 'dir' | 'symlink'>();
  let created = 0;
  /** Folders the archive left implicit (`a/b/c` without `a/b/`): reported at their own entry or at the end. */
  const implicitDirs = new Map<string, ExtractedItem>();
  /**
   * Hardlink sources hashed from disk, by inode: many links to one big file, or a chain of links
   * each naming the one before, hash its content once.
   */
  const linkSources = new Map<string, Pick<ExtractedItem, 'mode' | 'size' | 'sha256'>>();
  let entries = 0;

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
  /** Runs an exclusive create; a path that exists already is the archive's fault, named as `clash` says. */
  const exclusively = async <T>(create: () => T | Promise<T>, clash: () => string): Promise<T> => {
    try {
      return await create();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw refuse(clash());
      throw err;
    }
  };

  parser.on('error', (err: Error) => {
    const why = escapeText(err.message, 300);
    fail(refuse(created === 0 ? `the archive is empty or not a tar archive (${why})` : `not a valid tar archive (${why})`));
  });
  parser.on('ignoredEntry', (entry: ReadEntry) => fail(refuse(`entry "${showPath(entry.path)}" has unsupported type ${escapeText(String(entry.type), 40)}`)));
  parser.on('eof', () => { trailing = 0; });
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
   * The symlink a path's parent chain passes through, if any. Walks up from the parent only until
   * a directory already written: its own ancestors were checked when it was created, so each entry
   * costs one lookup plus one per directory it adds. (A parent that is a file is refused by the
   * filesystem when the entry's folders are created.)
   */
  const symlinkOnPath = (segments: string[]): string | undefined => {
    for (let i = segments.length - 1; i >= 1; i--) {
      const key = segments.slice(0, i).join('/');
      const kind = written.get(key);
      if (kind === 'dir') return undefined;
      if (kind === 'symlink') return key;
    }
    return undefined;
  };

  /** Hands an entry to the caller; the top-level folder is the caller's business (it is renamed). */
  async function report(item: ExtractedItem): Promise<void> {
    if (item.path === '.') return;
    entries++;
    await opts.onItem?.(item);
  }

  /**
   * Creates a directory with an exact mode (no umask) for the entry `raw`; one the archive declares
   * is reported at once, one it leaves implicit when declared or at the end.
   */
  async function makeDir(segments: string[], mode: number, raw: string, declared: boolean): Promise<void> {
    const key = segments.join('/');
    await exclusively(() => mkdir(within(segments)), () => (declared ? `entry "${showPath(raw)}" appears twice` : `entry "${showPath(raw)}" is inside "${showPath(key)}", which is not a directory`));
    await chmod(within(segments), mode);
    created++;
    const item: ExtractedItem = { path: segments.slice(1).join('/') || '.', type: 'dir', mode };
    written.set(key, 'dir');
    if (declared) await report(item);
    else implicitDirs.set(key, item);
  }

  /** Parents an archive leaves implicit (`a/b/c` without `a/b/`) are created 0755. */
  async function ensureParents(segments: string[], raw: string): Promise<void> {
    let known = segments.length - 1;
    while (known >= 1 && !written.has(segments.slice(0, known).join('/'))) known--;
    for (let i = known + 1; i < segments.length; i++) await makeDir(segments.slice(0, i), 0o755, raw, false);
  }

  /** Mode, size and sha256 of a file already written, read back from disk for a hardlink to it. */
  async function describeLinkSource(path: string, info: Stats): Promise<Pick<ExtractedItem, 'mode' | 'size' | 'sha256'>> {
    const key = `${info.dev}:${info.ino}`;
    let known = linkSources.get(key);
    if (!known) {
      const { sha256, size } = await sha256File(path);
      known = { mode: info.mode & 0o777, size, sha256: `sha256:${sha256}` };
      linkSources.set(key, known);
    }
    return known;
  }

  async function writeEntry(entry: ReadEntry): Promise<void> {
    if (created >= opts.maxEntries) throw refuse(`more than ${opts.maxEntries} entries`);
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
    const via = symlinkOnPath(segments);
    if (via) throw refuse(`entry "${showPath(entry.path)}" would be written through the symlink "${showPath(via)}"`);
    const existing = written.get(key);
    const twice = () => `entry "${showPath(entry.path)}" appears twice`;
    if (existing && !(existing === 'dir' && entry.type === 'Directory' && implicitDirs.has(key))) throw refuse(twice());
    await ensureParents(segments, entry.path);
    const relative = segments.slice(1).join('/') || '.';

    if (entry.type === 'Directory') {
      const dirMode = installedMode(mode, 'dir');
      const implicit = implicitDirs.get(key);
      if (implicit) {
        // Created earlier as the parent of an entry; now that the archive declares it, its mode is final.
        await chmod(within(segments), dirMode);
        implicitDirs.delete(key);
        await report({ ...implicit, mode: dirMode });
      } else {
        await makeDir(segments, dirMode, entry.path, true);
      }
      return void entry.resume();
    }
    if (entry.type === 'SymbolicLink') {
      const target = entry.linkpath ?? '';
      if (Buffer.byteLength(target) >= MAX_PATH_BYTES) throw refuse(`symlink "${showPath(entry.path)}" has a target longer than ${MAX_PATH_BYTES - 1} bytes`);
      if (!symlinkStaysInside(segments, target)) throw refuse(`symlink "${showPath(entry.path)}" -> "${showPath(target)}" points outside "${showPath(opts.topLevel)}/"`);
      await exclusively(() => symlink(target, within(segments)), twice);
      written.set(key, 'symlink');
      created++;
      await report({ path: relative, type: 'symlink', mode: 0o777, target });
      return void entry.resume();
    }
    if (entry.type === 'Link') {
      const raw = entry.linkpath ?? '';
      const source = checkEntryPath(raw, opts.topLevel);
      if ('problem' in source || source.segments.length < 2) throw refuse(`hardlink "${showPath(entry.path)}" -> "${showPath(raw)}" points outside "${showPath(opts.topLevel)}/"`);
      const sourceKey = source.segments.join('/');
      const notAFile = () => refuse(`hardlink "${showPath(entry.path)}" -> "${showPath(raw)}" does not point to a file extracted earlier`);
      // Everything in `dest` came from this archive: a regular file there, reached without a symlink, was extracted earlier.
      if (written.has(sourceKey) || symlinkOnPath(source.segments)) throw notAFile();
      const info = await lstat(within(source.segments)).catch(() => undefined);
      if (!info?.isFile()) throw notAFile();
      await exclusively(() => link(within(source.segments), within(segments)), twice);
      created++;
      const original = await describeLinkSource(within(source.segments), info);
      await report({ path: relative, type: 'hardlink', ...original, target: source.segments.slice(1).join('/') });
      return void entry.resume();
    }
    if (!FILE_TYPES.has(entry.type)) {
      throw refuse(`entry "${showPath(entry.path)}" is a ${escapeText(String(entry.type), 40)}; only files, directories and links are allowed`);
    }
    declared += entry.size ?? 0;
    if (declared > opts.maxBytes) throw tooBig();
    const perm = installedMode(mode, 'file');
    const fileHash = createHash('sha256');
    created++;
    if ((entry.size ?? 0) <= SMALL_FILE) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        fileHash.update(chunk);
        chunks.push(chunk);
      }
      await exclusively(() => writeFileExactly(within(segments), chunks, perm), twice);
    } else {
      await exclusively(() => writeLargeFile(entry, within(segments), perm, fileHash), twice);
    }
    await report({ path: relative, type: 'file', mode: perm, size: entry.size, sha256: `sha256:${fileHash.digest('hex')}` });
  }

  const input = source instanceof Readable ? source : Readable.from(source, { objectMode: false });
  try {
    await pipeline(input, verify, createGunzip({ chunkSize: 128 * 1024 }), sink);
  } catch (err) {
    fail(gzipProblem(err as NodeJS.ErrnoException) ?? (err as Error));
  }
  await chain;
  if (failure) throw failure;

  const checksum = `sha256:${hash.digest('hex')}`;
  if (opts.expected && compressed !== opts.expected.size) throw refuse(`size mismatch: the registry lists ${opts.expected.size} bytes, the download has ${compressed}`);
  if (opts.expected && checksum !== opts.expected.checksum) throw refuse(`checksum mismatch: the registry lists ${escapeText(opts.expected.checksum, 100)}, the download has ${checksum}`);
  for (const item of implicitDirs.values()) await report(item);
  if (entries === 0) throw refuse(created === 0 ? 'the archive is empty' : `the "${showPath(opts.topLevel)}/" folder is empty`);
  return { entries, checksum, size: compressed };
}
