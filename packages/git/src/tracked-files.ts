import { basename, dirname } from 'node:path';
import { spawn } from 'node:child_process';
import { ExecaError } from 'execa';
import { UserError } from '@runway/errors';
import { runGit } from './run-git';

/** git's file modes: regular file, executable file, symlink, gitlink (a submodule's commit). */
export type GitFileMode = '100644' | '100755' | '120000' | '160000';

/** One path git tracks, as the index or a commit's tree records it. */
export interface TrackedEntry {
  /** Relative to the listed folder, `/`-separated. */
  path: string;
  mode: GitFileMode;
  /** The blob id (the commit id for a gitlink). */
  oid: string;
  /** Blob size in bytes; only known when listed from a commit (gitlinks: 0). */
  size?: number;
}

/** Where to list from: git's index (what the next commit will hold), or the tree of a commit. */
export type TrackedSource = 'index' | { commit: string };

/**
 * Lists every path git tracks in the folder `dir` (recursively), from the index (`git ls-files
 * --stage`) or from a commit's tree (`git ls-tree -r`, which reads nothing from the working tree).
 * Paths come back relative to `dir`, in git's order.
 *
 * git runs in the parent folder, so the answer is the enclosing repository's view even when `dir`
 * holds a repository of its own (which that view shows as a gitlink, or not at all).
 * @throws UserError when `dir` is not in a git repository, the commit does not exist or does not
 *   contain `dir`, or the index holds unresolved merge conflicts.
 */
export async function listTrackedEntries(dir: string, source: TrackedSource): Promise<TrackedEntry[]> {
  const parent = dirname(dir);
  const name = basename(dir);
  const out = await gitOrUserError(parent, source === 'index'
    ? ['--literal-pathspecs', 'ls-files', '--stage', '-z', '--', `${name}/`]
    // `<commit>:./<name>` is the subtree at <name> below the current folder; --long adds sizes.
    : ['ls-tree', '-r', '-z', '--long', '--full-tree', `${source.commit}:./${name}`], dir, source);
  const entries: TrackedEntry[] = [];
  for (const record of out.split('\0')) {
    if (record === '') continue;
    const entry = source === 'index' ? parseStageRecord(record, `${name}/`) : parseTreeRecord(record);
    if (!entry) throw new Error(`unexpected git output: ${JSON.stringify(record)}`);
    entries.push(entry);
  }
  return entries;
}

/**
 * Which of `names` (paths relative to the folder `dir`, typically untracked ones) a .gitignore
 * or git's exclude files match.
 */
export async function ignoredByGit(dir: string, names: readonly string[]): Promise<Set<string>> {
  const prefix = `${basename(dir)}/`;
  try {
    const out = await runGit(dirname(dir), ['check-ignore', '-z', '--stdin'], { input: names.map((n) => `${prefix}${n}\0`).join(''), exact: true });
    return new Set(out.split('\0').filter(Boolean).map((p) => p.slice(prefix.length)));
  } catch (err) {
    // Exit 1 means "none of them is ignored".
    if (err instanceof ExecaError && err.exitCode === 1) return new Set();
    throw explainGitFailure(err, dir, 'index');
  }
}

/** Pure: one `git ls-files --stage -z` record, `<mode> <oid> <stage>\t<prefix><path>`. */
function parseStageRecord(record: string, prefix: string): TrackedEntry | undefined {
  const m = /^(\d{6}) ([0-9a-f]+) (\d)\t(.+)$/s.exec(record);
  if (!m || !isFileMode(m[1]) || !m[4].startsWith(prefix)) return undefined;
  if (m[3] !== '0') {
    throw new UserError(`${m[4]} has an unresolved merge conflict, so git records no single version of it`, {
      hint: `resolve the conflict and "git add ${m[4]}"`,
    });
  }
  return { path: m[4].slice(prefix.length), mode: m[1], oid: m[2] };
}

/** Pure: one `git ls-tree -r -z --long` record, `<mode> <type> <oid> <size>\t<path>` (size padded, `-` for gitlinks). */
function parseTreeRecord(record: string): TrackedEntry | undefined {
  const m = /^(\d{6}) \w+ ([0-9a-f]+) +(\d+|-)\t(.+)$/s.exec(record);
  if (!m || !isFileMode(m[1])) return undefined;
  return { path: m[4], mode: m[1], oid: m[2], size: m[3] === '-' ? 0 : Number(m[3]) };
}

function isFileMode(mode: string): mode is GitFileMode {
  return mode === '100644' || mode === '100755' || mode === '120000' || mode === '160000';
}

/** Runs git in `cwd` for `dir`, turning the failures a user can fix into UserErrors that say how. */
async function gitOrUserError(cwd: string, args: string[], dir: string, source: TrackedSource): Promise<string> {
  try {
    return await runGit(cwd, args, { exact: true });
  } catch (err) {
    throw explainGitFailure(err, dir, source);
  }
}

/** Pure: a UserError for what went wrong running git in `dir`, or the error itself when it is not the user's to fix. */
function explainGitFailure(err: unknown, dir: string, source: TrackedSource): unknown {
  if (!(err instanceof ExecaError)) return err;
  if (err.code === 'ENOENT') {
    return /The "cwd" option is invalid/.test(err.message)
      ? new UserError(`${dir} does not exist`, { hint: 'check the project folder', cause: err })
      : new UserError('git is not installed (or not on PATH)', { hint: 'install git: a package holds exactly the files git tracks', cause: err });
  }
  const stderr = String(err.stderr ?? '');
  if (/not a git repository/i.test(stderr)) {
    return new UserError(`${dir} is not inside a git repository, and a package holds exactly the files git tracks`, {
      hint: 'build from a git clone, or run "git init" and "git add" the project first', cause: err,
    });
  }
  if (/dubious ownership/i.test(stderr)) {
    return new UserError(`git refuses to read the repository of ${dir}: it belongs to another user`, {
      hint: 'run as the owner of the checkout, or trust it: git config --global --add safe.directory <repository folder>', cause: err,
    });
  }
  if (typeof source === 'object' && /Not a valid object name|not a tree object|does not exist in|exists on disk, but not in|invalid object name/i.test(stderr)) {
    return new UserError(`commit ${source.commit} does not contain ${dir}`, {
      hint: 'commit the project first, or name a commit that has it', cause: err,
    });
  }
  return err;
}

/**
 * Streams blob contents out of one `git cat-file --batch` process, in the order the ids were
 * given: call {@link BlobReader.next} for each id in turn, then {@link BlobReader.read} until it
 * returns 0. One process for any number of blobs, and bytes are copied straight into the
 * caller's buffer, so packing a large tree from a commit costs about what reading it from disk does.
 */
export interface BlobReader {
  /** Moves to the next blob, which must be `oid`; returns its size. */
  next(oid: string): Promise<number>;
  /** Copies up to `length` bytes of the current blob into `buffer` at `offset`; 0 at its end. */
  read(buffer: Buffer, offset: number, length: number): Promise<number>;
  /** Stops git (it may not have been read to the end) and waits for it. */
  close(): Promise<void>;
}

/** Starts `git cat-file --batch` in `dir` for `oids` (see {@link BlobReader}). */
export function openBlobReader(dir: string, oids: readonly string[]): BlobReader {
  const git = spawn('git', ['cat-file', '--batch'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  // The first read comes later, and an output stream nobody listens to is drained (its data
  // dropped) when the process exits (Node's flushStdio; execa resumes it even sooner): listening
  // now keeps it buffered, paused, until read.
  git.stdout.on('readable', () => undefined);
  let stderr = '';
  let spawnError: Error | undefined;
  git.stderr.setEncoding('utf8').on('data', (text: string) => { if (stderr.length < 4096) stderr += text; });
  const exited = new Promise<void>((resolve) => {
    git.once('close', () => resolve());
    git.once('error', (err) => { spawnError = err; resolve(); });
  });
  // git stops reading its input when it is stopped early: that is no error of ours.
  git.stdin.on('error', () => undefined);
  git.stdin.end(oids.length ? `${oids.join('\n')}\n` : '');
  const chunks = git.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer = Buffer.alloc(0);
  let left = 0;
  let pendingTrailer = false;

  /** Why git's output ended before it should have, once git has finished. */
  const endedEarly = async (): Promise<Error> => {
    await exited;
    const why = spawnError?.message ?? (stderr.trim() || `exit code ${git.exitCode}`);
    return new Error(`git cat-file ended early in ${dir}: ${why}`);
  };
  /** Makes at least one byte available in `pending`; false at the end of git's output. */
  const fill = async (): Promise<boolean> => {
    while (pending.length === 0) {
      const chunk = await chunks.next();
      if (chunk.done) return false;
      pending = chunk.value;
    }
    return true;
  };
  const skip = async (count: number): Promise<void> => {
    for (let n = count; n > 0;) {
      if (!(await fill())) throw await endedEarly();
      const used = Math.min(n, pending.length);
      pending = pending.subarray(used);
      n -= used;
    }
  };
  const readHeader = async (): Promise<string> => {
    const parts: Buffer[] = [];
    for (;;) {
      if (!(await fill())) throw await endedEarly();
      const newline = pending.indexOf(0x0a);
      if (newline >= 0) {
        parts.push(pending.subarray(0, newline));
        pending = pending.subarray(newline + 1);
        return Buffer.concat(parts).toString('utf8');
      }
      parts.push(pending);
      pending = Buffer.alloc(0);
    }
  };

  return {
    async next(oid) {
      // Whatever the caller did not read of the previous blob, and the newline git writes after it.
      await skip(left + (pendingTrailer ? 1 : 0));
      const header = await readHeader();
      const m = /^([0-9a-f]+) blob (\d+)$/.exec(header);
      if (!m || m[1] !== oid) throw new Error(`git cat-file answered "${header}" for blob ${oid}`);
      left = Number(m[2]);
      pendingTrailer = true;
      return left;
    },
    async read(buffer, offset, length) {
      if (left === 0 || length === 0) return 0;
      if (!(await fill())) return 0;
      const n = Math.min(length, left, pending.length);
      pending.copy(buffer, offset, 0, n);
      pending = pending.subarray(n);
      left -= n;
      return n;
    },
    async close() {
      // Unread output would keep git waiting on a full pipe.
      git.stdout.destroy();
      git.kill();
      await exited;
    },
  };
}

/** Reads whole (small) blobs, e.g. symlink targets, in one `git cat-file --batch` call. */
export async function readBlobs(dir: string, oids: readonly string[]): Promise<Buffer[]> {
  if (oids.length === 0) return [];
  const reader = openBlobReader(dir, oids);
  try {
    const blobs: Buffer[] = [];
    for (const oid of oids) {
      const blob = Buffer.alloc(await reader.next(oid));
      for (let at = 0; at < blob.length;) {
        const n = await reader.read(blob, at, blob.length - at);
        if (n === 0) throw new Error(`git cat-file ended inside blob ${oid}`);
        at += n;
      }
      blobs.push(blob);
    }
    return blobs;
  } finally {
    await reader.close();
  }
}
