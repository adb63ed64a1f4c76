import { git, runGit } from './run-git';

/**
 * Uncommitted changes in the working tree and index, one `git status --porcelain` line each:
 * tracked changes and untracked files that are not ignored. `exclude` lists paths (relative to
 * `cwd`) left out, e.g. a registry folder the release itself writes into.
 */
export async function worktreeChanges(cwd: string, options: { exclude?: readonly string[] } = {}): Promise<string[]> {
  const pathspec = options.exclude?.length ? ['--', '.', ...options.exclude.map((p) => `:(exclude)${p}`)] : [];
  const out = await runGit(cwd, ['status', '--porcelain', '--untracked-files=normal', ...pathspec]);
  return out === '' ? [] : out.split('\n');
}

/** Whether the repository has a remote called `remote` (local configuration only). */
export async function hasRemote(cwd: string, remote: string): Promise<boolean> {
  return (await git(cwd, ['remote'])).split('\n').includes(remote);
}

/**
 * The remote-tracking refs (`refs/remotes/<remote>/…`) that contain `commit`, from what the last
 * fetch or push recorded: an offline answer to "is this commit pushed?", no network.
 */
export async function remoteRefsContaining(cwd: string, remote: string, commit: string): Promise<string[]> {
  const out = await git(cwd, ['for-each-ref', '--contains', commit, '--format=%(refname)', `refs/remotes/${remote}/`]);
  return out === '' ? [] : out.split('\n');
}

/** How a local commit relates to the remote branch tip. */
export type BranchSync =
  | { state: 'up-to-date' }
  | { state: 'behind'; behind: number }
  | { state: 'ahead'; ahead: number }
  | { state: 'diverged'; ahead: number; behind: number };

/** Pure: names the relation from `git rev-list --left-right --count` counts. */
export function classifyBranchSync(ahead: number, behind: number): BranchSync {
  if (ahead === 0 && behind === 0) return { state: 'up-to-date' };
  if (ahead === 0) return { state: 'behind', behind };
  if (behind === 0) return { state: 'ahead', ahead };
  return { state: 'diverged', ahead, behind };
}

/** Compares `local` with `remoteSha` (whose objects must be present, e.g. after `fetchBranchTip`). */
export async function compareCommits(cwd: string, local: string, remoteSha: string): Promise<BranchSync> {
  const [ahead, behind] = (await runGit(cwd, ['rev-list', '--left-right', '--count', `${local}...${remoteSha}`])).split(/\s+/).map(Number);
  return classifyBranchSync(ahead, behind);
}

/**
 * The default branch of `remote` as the remote itself reports it (`HEAD` symref), or undefined
 * when the remote does not say (an empty repository, or a server that hides it).
 */
export async function remoteDefaultBranch(cwd: string, remote: string): Promise<string | undefined> {
  const out = await runGit(cwd, ['ls-remote', '--symref', remote, 'HEAD']);
  const match = /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(out);
  return match?.[1];
}

/** Top-level folder of the repository containing `cwd`. */
export function repositoryRoot(cwd: string): Promise<string> {
  return runGit(cwd, ['rev-parse', '--show-toplevel']);
}

/** Tracked files under `path` (relative to the repository root), as git will archive them. */
export async function trackedFiles(cwd: string, path: string): Promise<string[]> {
  const out = await runGit(cwd, ['ls-files', '--', path]);
  return out === '' ? [] : out.split('\n');
}
