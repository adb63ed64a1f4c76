import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from './run-git';

/** Who a commit is by, when the environment has no git identity (CI runners often have none). */
export interface GitIdentity {
  name: string;
  email: string;
}

/** One file a commit sets, relative to the repository root. */
export interface CommitFile {
  path: string;
  content: string;
  /** Git file mode, default `100644`. */
  mode?: '100644' | '100755';
}

export interface CommitFilesInput {
  /** The commit to build on. */
  parent: string;
  files: CommitFile[];
  message: string;
  identity: GitIdentity;
  /**
   * Author and committer date in git's raw form (`<unix seconds> <+hhmm>`). With a fixed identity
   * and a fixed date the commit sha is a pure function of the parent and the files: a re-run makes
   * the same commit. Default: now.
   */
  date?: string;
}

/**
 * Creates a commit on top of `parent` that changes only `files`, without touching the working
 * tree, the index or HEAD (a private temporary index), and returns its sha. It writes objects
 * only; nothing points at the commit until a ref or a push does, so an abandoned attempt leaves
 * no trace but unreachable objects that `git gc` removes.
 */
export async function commitFiles(cwd: string, input: CommitFilesInput): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'runway-commit-'));
  const index = join(scratch, 'index');
  const env = {
    ...process.env,
    GIT_INDEX_FILE: index,
    GIT_AUTHOR_NAME: input.identity.name, GIT_AUTHOR_EMAIL: input.identity.email,
    GIT_COMMITTER_NAME: input.identity.name, GIT_COMMITTER_EMAIL: input.identity.email,
    ...(input.date !== undefined && { GIT_AUTHOR_DATE: input.date, GIT_COMMITTER_DATE: input.date }),
  };
  try {
    await git(cwd, ['read-tree', input.parent], { env });
    // One git process for every blob (a bulk release commit rewrites hundreds of manifests).
    const paths = await Promise.all(input.files.map(async (file, i) => {
      const path = join(scratch, `blob-${i}`);
      await writeFile(path, file.content);
      return path;
    }));
    const blobs = (await git(cwd, ['hash-object', '-w', '--no-filters', '--stdin-paths'], { env, input: `${paths.join('\n')}\n` })).split('\n');
    const entries = input.files.map((file, i) => `${file.mode ?? '100644'} ${blobs[i]}\t${file.path}`);
    await git(cwd, ['update-index', '--index-info'], { env, input: `${entries.join('\n')}\n` });
    const tree = await git(cwd, ['write-tree'], { env });
    return await git(cwd, ['commit-tree', tree, '-p', input.parent, '-m', input.message], { env });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
