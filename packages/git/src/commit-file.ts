import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runGit } from './run-git';

/** Who a commit is by, when the environment has no git identity (CI runners often have none). */
export interface GitIdentity {
  name: string;
  email: string;
}

export interface CommitFileInput {
  /** The commit to build on. */
  parent: string;
  /** Path in the tree, e.g. `registry.json`. */
  path: string;
  content: string;
  message: string;
  identity: GitIdentity;
}

/**
 * Creates a commit on top of `parent` that changes only `path`, without touching the working
 * tree, the index or HEAD (a private temporary index), and returns its sha. Nothing points at the
 * commit until it is pushed, so an abandoned attempt leaves no trace.
 */
export async function commitFile(cwd: string, input: CommitFileInput): Promise<string> {
  const index = join(tmpdir(), `runway-index-${process.pid}-${randomBytes(4).toString('hex')}`);
  const env = {
    ...process.env,
    GIT_INDEX_FILE: index,
    GIT_AUTHOR_NAME: input.identity.name, GIT_AUTHOR_EMAIL: input.identity.email,
    GIT_COMMITTER_NAME: input.identity.name, GIT_COMMITTER_EMAIL: input.identity.email,
  };
  try {
    await runGit(cwd, ['read-tree', input.parent], { env });
    const blob = await runGit(cwd, ['hash-object', '-w', '--stdin'], { env, input: input.content });
    await runGit(cwd, ['update-index', '--add', '--cacheinfo', `100644,${blob},${input.path}`], { env });
    const tree = await runGit(cwd, ['write-tree'], { env });
    return await runGit(cwd, ['commit-tree', tree, '-p', input.parent, '-m', input.message], { env });
  } finally {
    await rm(index, { force: true });
  }
}
