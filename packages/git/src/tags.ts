import { runGit } from './run-git';

/** Whether `refs/tags/<tag>` exists in the local repository. */
export async function localTagExists(cwd: string, tag: string): Promise<boolean> {
  const found = await runGit(cwd, ['tag', '--list', tag]);
  return found.split('\n').includes(tag);
}

/** Whether `refs/tags/<tag>` exists on `remote` (asks the remote; fetches nothing). */
export async function remoteTagExists(cwd: string, remote: string, tag: string): Promise<boolean> {
  const found = await runGit(cwd, ['ls-remote', '--tags', remote, `refs/tags/${tag}`]);
  return found !== '';
}

/**
 * Creates the annotated tag `tag` on `rev` (default HEAD). Annotated, not lightweight, so the tag
 * carries who released and when, and `git push --follow-tags` would push it.
 * @throws the git error when the tag already exists.
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

/** Deletes the local tag `tag` (used to undo a tag whose push failed). */
export async function deleteLocalTag(cwd: string, tag: string): Promise<void> {
  await runGit(cwd, ['tag', '--delete', tag]);
}
