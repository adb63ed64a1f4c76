import { UserError } from '@runway/errors';

/** What a clone can tell about the published versions: its tags, and whether its history is cut. */
export interface GitTagFacts {
  /** `git rev-parse --is-shallow-repository` said true. */
  shallow: boolean;
  /** Every local tag name (`git tag --list`). */
  tags: readonly string[];
}

const FIX = 'fetch every tag first (git fetch --tags --unshallow, or actions/checkout with fetch-depth: 0), '
  + 'or pass the published versions explicitly (--published 1.2.0 1.3.0, or --published-file <file>)';

/**
 * Pure: the published versions for the image tags of `tag` (e.g. `v1.2.3`, `python@1.2.3`), read
 * from a clone's tags, or a refusal when the clone cannot know them. A clone's tags are trusted
 * only when nothing shows they are incomplete:
 * - a shallow clone (CI's default checkout) holds only the tags it happened to fetch;
 * - a clone with no tag at all was made without tags (`--no-tags`, `fetch-tags: false`);
 * - a clone without the very tag being published has not fetched since it was pushed.
 * Guessing instead would make every backport the highest version and give it `latest`.
 * @throws UserError naming what is missing and how to fetch it or pass the versions.
 */
export function publishedFromGitTags(tag: string, facts: GitTagFacts): string[] {
  const refuse = (why: string) => new UserError(`cannot tell which versions are already published, so not deciding X.Y, X and latest for ${tag}: ${why}`, { hint: FIX });
  if (facts.shallow) throw refuse('this clone is shallow, so it may lack the tags of newer versions');
  if (facts.tags.length === 0) throw refuse('this clone has no tags at all');
  if (!facts.tags.includes(tag)) throw refuse(`this clone does not have the tag ${tag} itself, so its tags are not up to date`);
  return [...facts.tags];
}
