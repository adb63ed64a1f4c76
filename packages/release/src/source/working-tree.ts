import { isAbsolute, relative } from 'node:path';
import { UserError } from '@runway/errors';
import { mapGitFailure, resolveCommit, worktreeChanges } from '@runway/git';
import type { Logger } from '@runway/log';
import type { ReleaseSource, ReleaseTarget } from '../types';

/** At most this many changed paths are listed; the rest are counted. */
const LISTED = 20;

/**
 * The source of a release from the working tree's `HEAD` (decision: a release is built from a
 * commit). A real release refuses a dirty tree (tracked changes, or untracked files that are not
 * ignored), listing them, because what would be published is the commit, not the edits; a dry run
 * warns and plans from `HEAD`. A registry folder inside the workspace is not a change.
 * @throws UserError when the workspace is not a git repository or the tree is dirty.
 */
export async function sourceFromWorkingTree(workspaceRoot: string, options: { dryRun: boolean; logger: Logger; target?: ReleaseTarget }): Promise<ReleaseSource> {
  const commit = await resolveCommit(workspaceRoot, 'HEAD');
  const registry = options.target?.kind === 'directory' ? relative(workspaceRoot, options.target.dir) : undefined;
  const inside = registry !== undefined && registry !== '' && !registry.startsWith('..') && !isAbsolute(registry);
  const changes = await worktreeChanges(workspaceRoot, { exclude: inside ? [registry] : [] }).catch((err) => { throw mapGitFailure(err, workspaceRoot, ['status']); });
  if (changes.length > 0) {
    const listed = [...changes.slice(0, LISTED).map((c) => `  ${c}`), ...(changes.length > LISTED ? [`  … and ${changes.length - LISTED} more`] : [])].join('\n');
    const what = `the working tree of ${workspaceRoot} has ${changes.length} uncommitted change(s)`;
    if (!options.dryRun) {
      throw new UserError(`${what}; a release is built from a commit, so they would not be released:\n${listed}`, {
        hint: 'commit them (git add -A && git commit) or stash them (git stash -u), then release again',
      });
    }
    options.logger.warn(`${what}; this plan is for commit ${commit.slice(0, 12)} without them (a real release refuses a dirty tree):\n${listed}`);
  }
  return { commit, pushed: commit };
}
