import { git, GitCommandError, runGit } from './run-git';
import { isRejectedPush } from './push';

/** Whether `refs/tags/<tag>` exists in the local repository. */
export async function localTagExists(cwd: string, tag: string): Promise<boolean> {
  const found = await runGit(cwd, ['tag', '--list', tag]);
  return found.split('\n').includes(tag);
}

/** The commit the local tag `tag` points at (peeled through an annotated tag), or undefined without one. */
export async function localTagCommit(cwd: string, tag: string): Promise<string | undefined> {
  try {
    return await git(cwd, ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`]);
  } catch (err) {
    // --quiet: a missing tag is exit 1 with no output; anything else (no repository) is real.
    if (err instanceof GitCommandError && err.output.trim() === '') return undefined;
    throw err;
  }
}

/** Whether `refs/tags/<tag>` exists on `remote` (asks the remote; fetches nothing). */
export async function remoteTagExists(cwd: string, remote: string, tag: string): Promise<boolean> {
  const found = await runGit(cwd, ['ls-remote', '--tags', remote, `refs/tags/${tag}`]);
  return found !== '';
}

/**
 * The commit `refs/tags/<tag>` points at on `remote` (peeled through an annotated tag), or
 * undefined when the remote has no such tag. Asks the remote; fetches nothing.
 */
export async function remoteTagCommit(cwd: string, remote: string, tag: string): Promise<string | undefined> {
  const ref = `refs/tags/${tag}`;
  const out = await git(cwd, ['ls-remote', remote, ref, `${ref}^{}`]);
  const lines = out.split('\n').filter(Boolean).map((l) => l.split('\t'));
  return (lines.find(([, name]) => name === `${ref}^{}`) ?? lines.find(([, name]) => name === ref))?.[0];
}

/** Every local tag → the commit it names (annotated tags peeled). */
export async function localTagCommits(cwd: string): Promise<Record<string, string>> {
  const out = await git(cwd, ['for-each-ref', '--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)', 'refs/tags']);
  return Object.fromEntries(out.split('\n').filter(Boolean).map((line) => {
    const [tag, object, peeled] = line.split('\0');
    return [tag, peeled || object];
  }));
}

/** Every tag on `remote` → the commit it names (annotated tags peeled). Asks the remote; fetches nothing. */
export async function remoteTagCommits(cwd: string, remote: string): Promise<Record<string, string>> {
  const out = await git(cwd, ['ls-remote', '--tags', remote]);
  const tags: Record<string, string> = {};
  for (const line of out.split('\n').filter(Boolean)) {
    const [sha, ref] = line.split('\t');
    const name = ref.replace(/^refs\/tags\//, '');
    // The peeled line (`^{}`) of an annotated tag names the commit; it comes after the tag object's.
    if (name.endsWith('^{}')) tags[name.slice(0, -3)] = sha;
    else tags[name] ??= sha;
  }
  return tags;
}

/**
 * Creates the lightweight local tag `tag` at `commit` unless it exists (one atomic ref update, so
 * two processes cannot both create it). Returns `'created'`, or the commit an existing tag names.
 */
export async function createLocalTag(cwd: string, tag: string, commit: string): Promise<'created' | { existing: string }> {
  try {
    // The empty old value means "must not exist yet".
    await git(cwd, ['update-ref', '--no-deref', `refs/tags/${tag}`, commit, '']);
    return 'created';
  } catch (err) {
    const existing = err instanceof GitCommandError ? await localTagCommit(cwd, tag) : undefined;
    if (existing === undefined) throw err;
    return { existing };
  }
}

/**
 * Creates the annotated tag `tag` on `rev` (default HEAD). Annotated, not lightweight, so the tag
 * carries who released and when, and `git push --follow-tags` would push it.
 * @throws GitCommandError when the tag already exists.
 */
export async function createAnnotatedTag(cwd: string, tag: string, message: string, rev = 'HEAD'): Promise<void> {
  await runGit(cwd, ['tag', '--annotate', tag, '--message', message, rev]);
}

/**
 * Pushes exactly `refs/tags/<tag>` to `remote`, never forced: an existing remote tag makes the
 * push fail instead of being overwritten.
 */
export async function pushTag(cwd: string, remote: string, tag: string): Promise<void> {
  await runGit(cwd, ['push', '--quiet', remote, `refs/tags/${tag}:refs/tags/${tag}`]);
}

/**
 * Makes `refs/tags/<tag>` on `remote` point at `commit`, pushing the commit's objects with it.
 * The local tag is pushed when it names `commit` (an annotated tag keeps its message), the bare
 * commit otherwise. Never forced unless `force` (rolling umbrella tags only). Returns `'pushed'`,
 * or the commit the remote tag already names when it exists (at that commit or another).
 */
export async function pushTagAt(cwd: string, remote: string, tag: string, commit: string, options: { force?: boolean } = {}): Promise<'pushed' | { existing: string }> {
  const source = (await localTagCommit(cwd, tag)) === commit ? `refs/tags/${tag}` : commit;
  try {
    await git(cwd, ['push', '--quiet', '--porcelain', ...(options.force ? ['--force'] : []), remote, `${source}:refs/tags/${tag}`]);
    return 'pushed';
  } catch (err) {
    if (!(err instanceof GitCommandError) || !isRejectedPush(err.output)) throw err;
    const existing = await remoteTagCommit(cwd, remote, tag);
    if (existing === undefined) throw err;
    return { existing };
  }
}

/** Deletes the local tag `tag` (used to undo a tag whose push failed). */
export async function deleteLocalTag(cwd: string, tag: string): Promise<void> {
  await runGit(cwd, ['tag', '--delete', tag]);
}
