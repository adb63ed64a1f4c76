import { compare, parse, type SemVer } from 'semver';
import type { RepoView } from './repo-view';
import type { MakeLatest, ServerState, StoredRelease } from './server-state';

/**
 * Gives a release that becomes visible its tag, as GitHub does when it publishes: an existing tag
 * is used as it is and never moved; a missing one is created, lightweight, at `targetCommitish`
 * resolved now (for a branch: its tip at this moment, which is how a release without
 * `target_commitish` ends up tagging whatever was pushed last). False when the target names no
 * commit.
 */
export async function placeTag(git: RepoView, release: Pick<StoredRelease, 'tagName' | 'targetCommitish'>): Promise<boolean> {
  const name = `refs/tags/${release.tagName}`;
  if ((await git.refs()).has(name)) return true;
  const sha = await git.targetCommit(release.targetCommitish);
  if (!sha) return false;
  const created = await git.repo.updateRef(name, sha, undefined);
  git.changed();
  // Losing a race against a push of the same tag leaves the pushed tag standing, as on GitHub.
  if (!created && !(await git.refs()).has(name)) throw new Error(`could not create ${name}`);
  return true;
}

/** Drafts and prereleases can never be latest. */
function eligible(r: StoredRelease): boolean {
  return !r.draft && !r.prerelease;
}

/**
 * Applies `make_latest` to a release that has just been published (with its stored value) or
 * that was patched with one while published: `true` makes it latest, `legacy` hands the choice
 * to the legacy rule, `false` takes it back if it was latest.
 */
export function applyMakeLatest(state: ServerState, release: StoredRelease, value: MakeLatest): void {
  if (!eligible(release)) return;
  if (value === 'true') state.latestId = release.id;
  else if (value === 'legacy' || state.latestId === release.id) state.latestId = undefined;
}

/** The version in a tag (`node@1.2.3`, `v1.2.3`), or null. */
function tagVersion(tag: string): SemVer | null {
  return parse(tag.slice(tag.lastIndexOf('@') + 1).replace(/^v/, ''));
}

function compareVersions(a: SemVer | null, b: SemVer | null): number {
  if (a && b) return compare(a, b);
  return a ? 1 : b ? -1 : 0;
}

/**
 * The release `GET /releases/latest` answers: the one made latest explicitly, while it is still
 * published and not a prerelease; otherwise GitHub's legacy rule over the published
 * non-prereleases not marked `make_latest: false`: the newest by the date of the commit the tag
 * points at (GitHub's documented meaning of a release's `created_at`), then the higher SemVer of
 * the tag, then the newer release.
 */
export async function latestRelease(state: ServerState, git: RepoView): Promise<StoredRelease | undefined> {
  const pinned = state.latestId === undefined ? undefined : state.findRelease(state.latestId);
  if (pinned && eligible(pinned)) return pinned;
  const candidates = state.releases.filter((r) => eligible(r) && r.makeLatest !== 'false');
  if (!candidates.length) return undefined;
  const refs = await git.refs();
  const date = (r: StoredRelease) => refs.get(`refs/tags/${r.tagName}`)?.commitDate ?? 0;
  return [...candidates].sort((a, b) => date(b) - date(a) || compareVersions(tagVersion(b.tagName), tagVersion(a.tagName)) || b.id - a.id)[0];
}
