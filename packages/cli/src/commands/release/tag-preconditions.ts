import type { BranchSync } from '@runway/git';

/** What `runway release tag` found out before touching anything. */
export interface TagFacts {
  /** `<name>@<version>`, absent when the manifest could not be read. */
  tag?: string;
  /** `runtimes/<name>/manifest.yaml`, for fixes that name the file. */
  manifestPath: string;
  /** Validation errors, already formatted one per entry. */
  validationErrors: string[];
  /** `git status --porcelain` lines. */
  changes: string[];
  /** Checked-out branch, undefined on a detached HEAD. */
  branch?: string;
  defaultBranch: string;
  remote: string;
  /** HEAD against the remote default branch; `missing` when the remote has no such branch. */
  sync: BranchSync | { state: 'missing' };
  localTag: boolean;
  remoteTag: boolean;
}

/** One reason not to tag, with how to fix it. */
export interface TagProblem {
  message: string;
  fix: string;
}

/**
 * Pure: every reason the release tag must not be created, in the order a maintainer would fix
 * them. Empty means go ahead. All are reported at once so one run shows the whole to-do list.
 */
export function tagProblems(facts: TagFacts): TagProblem[] {
  const { defaultBranch: main, remote, manifestPath } = facts;
  const problems: TagProblem[] = facts.validationErrors.map((message) => ({ message, fix: 'fix the project, then run this again' }));
  if (facts.changes.length > 0) {
    problems.push({
      message: `the working tree has ${facts.changes.length} uncommitted change(s):\n${facts.changes.map((c) => `      ${c}`).join('\n')}`,
      fix: 'commit or stash them: the tag must name exactly what was reviewed',
    });
  }
  if (facts.branch !== main) {
    problems.push({
      message: facts.branch === undefined ? 'HEAD is detached' : `the current branch is "${facts.branch}", not the default branch "${main}"`,
      fix: `git switch ${main} && git pull --ff-only ${remote} ${main}`,
    });
  }
  problems.push(...syncProblems(facts.sync, remote, main));
  if (facts.tag && (facts.localTag || facts.remoteTag)) {
    const where = facts.localTag && facts.remoteTag ? 'locally and on ' + remote : facts.localTag ? 'locally' : `on ${remote}`;
    problems.push({
      message: `tag ${facts.tag} already exists ${where}: a released version is immutable`,
      fix: `bump the version in ${manifestPath}, commit, and run this again`,
    });
  }
  return problems;
}

function syncProblems(sync: TagFacts['sync'], remote: string, main: string): TagProblem[] {
  const upstream = `${remote}/${main}`;
  switch (sync.state) {
    case 'up-to-date':
      return [];
    case 'missing':
      return [{ message: `${remote} has no branch "${main}"`, fix: `git push -u ${remote} ${main}` }];
    case 'behind':
      return [{ message: `${main} is ${sync.behind} commit(s) behind ${upstream}`, fix: `git pull --ff-only ${remote} ${main}` }];
    case 'ahead':
      return [{ message: `${main} is ${sync.ahead} commit(s) ahead of ${upstream}: the tag would point at unpushed commits`, fix: `git push ${remote} ${main} (after review)` }];
    case 'diverged':
      return [{
        message: `${main} has diverged from ${upstream} (${sync.ahead} local, ${sync.behind} remote commit(s))`,
        fix: `git pull --rebase ${remote} ${main}, check the result, then git push ${remote} ${main}`,
      }];
  }
}
