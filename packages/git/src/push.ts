import { git, GitCommandError } from './run-git';

/** Pure: does git's output of a failed push say the branch moved (retry after a fetch) rather than a real error? */
export function isRejectedPush(output: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|\(stale info\)|cannot lock ref|failed to update ref|incorrect old value|already exists/i.test(output);
}

/**
 * Pushes `sha` to `refs/heads/<branch>` on `remote` as a fast-forward only (never forced).
 * Returns `'rejected'` when the branch moved meanwhile, so the caller can rebuild on the new tip.
 * @throws GitCommandError for any other failure (authentication, network, missing remote).
 */
export async function pushCommit(cwd: string, remote: string, sha: string, branch: string): Promise<'pushed' | 'rejected'> {
  try {
    await git(cwd, ['push', '--quiet', '--porcelain', remote, `${sha}:refs/heads/${branch}`]);
    return 'pushed';
  } catch (err) {
    if (err instanceof GitCommandError && isRejectedPush(err.output)) return 'rejected';
    throw err;
  }
}
