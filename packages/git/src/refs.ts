import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { UserError } from '@runway/errors';
import { git, GitCommandError, mapGitFailure, runGit } from './run-git';

/** The commit `HEAD` points at. */
export function headSha(cwd: string): Promise<string> {
  return runGit(cwd, ['rev-parse', 'HEAD']);
}

/**
 * The full sha of the commit `rev` names (a branch, tag, sha or `HEAD`).
 * @throws UserError when `cwd` is no git repository or `rev` names no commit.
 */
export async function resolveCommit(cwd: string, rev: string): Promise<string> {
  try {
    return await git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  } catch (err) {
    if (!(err instanceof GitCommandError)) throw err;
    const notRepo = /not a git repository/i.test(err.output);
    throw new UserError(notRepo ? `${cwd} is not a git repository` : `"${rev}" names no commit in ${cwd}`, {
      hint: notRepo ? 'releases are built from a git commit: run this in a clone (or git init && git add -A && git commit)' : 'commit your work first, or name an existing commit',
      cause: err,
    });
  }
}

/** Committer date of `rev` in git's raw form (`<unix seconds> <+hhmm>`), usable as GIT_COMMITTER_DATE. */
export function commitDate(cwd: string, rev: string): Promise<string> {
  return git(cwd, ['show', '-s', '--format=%cd', '--date=raw', rev]);
}

/** The checked-out branch, or undefined on a detached HEAD (CI tag builds). */
export async function currentBranch(cwd: string): Promise<string | undefined> {
  const name = await runGit(cwd, ['rev-parse', '--abbrev-ref', 'HEAD']);
  return name === 'HEAD' ? undefined : name;
}

/**
 * Fetches `branch` from `remote` and returns the commit it points at there, or undefined when the
 * branch does not exist. Fetches into a private, unique ref (deleted afterwards) and skips
 * FETCH_HEAD, so concurrent processes sharing one clone never see each other's fetches and the
 * working tree, HEAD and remote-tracking refs stay untouched.
 */
export async function fetchBranchTip(cwd: string, remote: string, branch: string): Promise<string | undefined> {
  const exists = await runGit(cwd, ['ls-remote', '--heads', remote, `refs/heads/${branch}`]);
  if (exists === '') return undefined;
  const ref = `refs/runway/fetch/${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    // An empty --refmap stops git's opportunistic update of refs/remotes/<remote>/<branch>, which
    // concurrent fetches race on ("cannot lock ref ... is at X but expected Y").
    await runGit(cwd, ['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--refmap=', remote, `+refs/heads/${branch}:${ref}`]);
    return await runGit(cwd, ['rev-parse', ref]);
  } finally {
    await runGit(cwd, ['update-ref', '-d', ref]).catch(() => undefined);
  }
}

/** The text of `path` at commit `rev`, or undefined when that commit has no such file. */
export async function readFileAt(cwd: string, rev: string, path: string): Promise<string | undefined> {
  const listed = await runGit(cwd, ['ls-tree', '--name-only', rev, '--', path]);
  if (listed === '') return undefined;
  return runGit(cwd, ['cat-file', 'blob', `${rev}:${path}`], { exact: true });
}

/** One entry of a folder at a commit, as git records it. */
export interface TreeEntry {
  name: string;
  /** Git's mode: `100644`, `100755`, `120000` (symlink), `040000` (folder), `160000` (submodule). */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

/** The entries directly inside folder `path` at commit `rev` (empty when it has no such folder). */
export async function listFolderAt(cwd: string, rev: string, path: string): Promise<TreeEntry[]> {
  const out = await git(cwd, ['ls-tree', '-z', rev, '--', `${path.replace(/\/+$/, '')}/`]);
  return out.split('\0').filter(Boolean).map((line) => {
    const tab = line.indexOf('\t');
    const [mode, type, sha] = line.slice(0, tab).split(' ');
    const full = line.slice(tab + 1);
    return { name: full.slice(full.lastIndexOf('/') + 1), mode, type: type as TreeEntry['type'], sha };
  });
}

/** A file as committed: its git mode and its text. */
export interface CommittedFile {
  mode: string;
  content: string;
}

/**
 * The committed files at `paths` in `rev`, read with two git processes whatever their number (a
 * bulk release reads every manifest). Paths that are no file in `rev` are absent from the map.
 */
export async function readFilesAt(cwd: string, rev: string, paths: readonly string[]): Promise<Map<string, CommittedFile>> {
  const files = new Map<string, CommittedFile>();
  if (paths.length === 0) return files;
  const listed = (await git(cwd, ['ls-tree', '-z', rev, '--', ...paths])).split('\0').filter(Boolean).map((line) => {
    const tab = line.indexOf('\t');
    const [mode, type, sha] = line.slice(0, tab).split(' ');
    return { path: line.slice(tab + 1), mode, type, sha };
  }).filter((e) => e.type === 'blob' && paths.includes(e.path));
  if (listed.length === 0) return files;
  const { stdout } = await execa('git', ['cat-file', '--batch'], { cwd, input: `${listed.map((e) => e.sha).join('\n')}\n`, encoding: 'buffer', stripFinalNewline: false })
    .catch((err: unknown) => { throw mapGitFailure(err, cwd, ['cat-file', '--batch']); });
  // Each object comes as "<sha> blob <size>\n<bytes>\n".
  const out = Buffer.from(stdout);
  let at = 0;
  for (const entry of listed) {
    const eol = out.indexOf(0x0a, at);
    const size = Number(out.subarray(at, eol).toString('latin1').split(' ')[2]);
    files.set(entry.path, { mode: entry.mode, content: out.subarray(eol + 1, eol + 1 + size).toString('utf8') });
    at = eol + 1 + size + 1;
  }
  return files;
}
