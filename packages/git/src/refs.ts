import { randomBytes } from 'node:crypto';
import { runGit } from './run-git';

/** The commit `HEAD` points at. */
export function headSha(cwd: string): Promise<string> {
  return runGit(cwd, ['rev-parse', 'HEAD']);
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
