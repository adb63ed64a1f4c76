import { git } from '@runway/git';
import { publishedFromGitTags, type GitTagFacts } from '@runway/release-policy';

/**
 * What this clone can tell about the published versions: whether its history is cut (shallow) and
 * its tags, all or those matching `pattern` (`v*`, `python@*`). The one reader of "published
 * versions from git tags"; `publishedFromGitTags` decides whether they can be trusted.
 */
export async function readGitTagFacts(cwd: string, pattern?: string): Promise<GitTagFacts> {
  const [shallow, tags] = await Promise.all([
    git(cwd, ['rev-parse', '--is-shallow-repository']).then((out) => out.trim() === 'true'),
    git(cwd, ['tag', '--list', ...(pattern === undefined ? [] : [pattern])]).then((out) => out.split('\n').filter(Boolean)),
  ]);
  return { shallow, tags };
}

/**
 * The versions already published, from this clone's tags, for deciding the moving tags of `tag`;
 * refused (see `publishedFromGitTags`) when the clone is shallow, has no tags, or lacks `tag`.
 */
export async function publishedFromClone(cwd: string, tag: string): Promise<string[]> {
  return publishedFromGitTags(tag, await readGitTagFacts(cwd));
}
