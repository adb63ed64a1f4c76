import { UserError } from '@runway/errors';
import { parseSemver } from './semver';

/** Umbrella tags that may be replaced by default: KM's test tag. */
export const DEFAULT_OVERRIDABLE_TAGS: readonly string[] = ['v0.1-test'];

/** What a git ref asks of the root `release` target. */
export type UmbrellaTrigger =
  | { kind: 'none'; reason: string }
  /** `vX.Y.Z` (stable): every manifest is set to X.Y.Z, released, and listed under the tag. */
  | { kind: 'bulk'; tag: string; version: string }
  /**
   * `vX.Y.Z-rc.N`: a release candidate of X.Y.Z (packages/release-policy/VERSIONS.md). Every project
   * is built as for `bulk` (manifests at X.Y.Z) but published only as assets of the one prerelease
   * `vX.Y.Z-rc.N`, with an RC-scoped registry file: no `<name>@X.Y.Z` tag, no main registry entry.
   */
  | { kind: 'rc'; tag: string; version: string }
  /**
   * Any other `v…` tag (`v0.1-test`, `v0.10-daily`, `v1.2.0-beta.1`) or a `releases/<a>/<b>`
   * branch: every project is released at its manifest version and listed under the tag.
   * `rolling` umbrellas (branch snapshots) are replaced on every run, like overridable tags.
   */
  | { kind: 'snapshot'; tag: string; rolling: boolean };

const UMBRELLA_TAG = /^v\d[0-9A-Za-z._-]*$/;
const BRANCH_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Pure: classifies the triggering ref (`GITHUB_REF`) or an explicit `--tag`. Triggers are `v*`
 * tags starting with a digit after the `v`, and `releases/<a>/<b>` branches (whose umbrella tag is
 * `releases-<a>-<b>`, because a tag named like the branch would make `git` refs ambiguous).
 * Everything else, including `<name>@X.Y.Z` project tags, is not an umbrella trigger.
 * @throws UserError (exit code 2) for an explicit tag that is not an umbrella tag.
 */
export function umbrellaTrigger(ref: string | undefined, explicitTag?: string): UmbrellaTrigger {
  if (explicitTag !== undefined) {
    const tag = explicitTag.replace(/^refs\/tags\//, '');
    if (!UMBRELLA_TAG.test(tag)) {
      throw new UserError(`"${explicitTag}" is not an umbrella tag`, {
        hint: 'umbrella tags start with "v" and a digit, using letters, digits, ".", "_" and "-": e.g. v1.4.0 or v0.1-test',
        exitCode: 2,
      });
    }
    return classifyTag(tag);
  }
  if (!ref) return { kind: 'none', reason: 'no triggering ref (GITHUB_REF is not set)' };
  if (ref.startsWith('refs/tags/')) {
    const tag = ref.slice('refs/tags/'.length);
    return UMBRELLA_TAG.test(tag) ? classifyTag(tag) : { kind: 'none', reason: `tag ${tag} is not a v* umbrella tag` };
  }
  const branch = ref.replace(/^refs\/heads\//, '');
  const parts = branch.split('/');
  if (parts.length === 3 && parts[0] === 'releases' && BRANCH_PART.test(parts[1]) && BRANCH_PART.test(parts[2])) {
    return { kind: 'snapshot', tag: `releases-${parts[1]}-${parts[2]}`, rolling: true };
  }
  return { kind: 'none', reason: `branch ${branch} is not a releases/<a>/<b> branch` };
}

function classifyTag(tag: string): UmbrellaTrigger {
  const version = parseSemver(tag.slice(1));
  if (version && version.prerelease.length === 0 && version.build.length === 0) {
    return { kind: 'bulk', tag, version: tag.slice(1) };
  }
  // Only `-rc.N` proposes a version for promotion; other prereleases stay snapshots.
  if (version && version.build.length === 0 && version.prerelease.length === 2 && version.prerelease[0] === 'rc' && /^\d+$/.test(version.prerelease[1])) {
    return { kind: 'rc', tag, version: `${version.major}.${version.minor}.${version.patch}` };
  }
  return { kind: 'snapshot', tag, rolling: false };
}

/** Pure: does `tag` match one of the patterns (`*` any run of characters, `?` one character)? */
export function isOverridableTag(tag: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => {
    const source = pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()[\]{}|]/g, '\\$&'))).join('');
    return new RegExp(`^${source}$`).test(tag);
  });
}

/** What the umbrella target already holds for the tag. */
export interface ExistingUmbrella {
  /** The commit the existing umbrella release was made from, when it recorded one. */
  commit?: string;
  /** An unpublished (draft) release left by an interrupted run: never visible, always replaceable. */
  draft: boolean;
}

export interface UmbrellaPublicationInput {
  tag: string;
  /** Overridable (by pattern) or rolling: release and tag are replaced at the new commit. */
  replaceable: boolean;
  /** The commit being released. */
  head: string;
  /** Where the tag points now, undefined when it does not exist (or the target has no tags). */
  tagSha?: string;
  existing?: ExistingUmbrella;
}

/** What to do with the umbrella tag and release. */
export interface UmbrellaPublication {
  tag: 'keep' | 'create' | 'move';
  /** `update`: same commit, converge in place; `replace`: delete the old release, make a new one. */
  release: 'create' | 'update' | 'replace';
}

/**
 * Pure: decides how to publish an umbrella release, or refuses. Overridable and rolling tags are
 * moved to `head` and their release replaced (KM's test tag). Any other tag is immutable: it must
 * already point at `head` (or not exist yet), and an existing published release is only
 * converged when it was made from the same commit (a repair); otherwise this refuses.
 * @throws UserError naming the tag, the two commits and what to do instead.
 */
export function decideUmbrellaPublication(input: UmbrellaPublicationInput): UmbrellaPublication {
  const { tag, head, tagSha, existing, replaceable } = input;
  const tagAction = tagSha === undefined ? 'create' : tagSha === head ? 'keep' : 'move';
  const sameCommit = existing?.commit === head && !existing.draft;
  if (replaceable) {
    return { tag: tagAction, release: existing === undefined ? 'create' : sameCommit ? 'update' : 'replace' };
  }
  const fix = 'umbrella tags are immutable: release a new version tag instead, or, if this tag is meant to roll, '
    + 'add it (or a pattern such as "*-daily") to overridableTags of the root project\'s release target';
  if (tagAction === 'move') {
    throw new UserError(`umbrella tag ${tag} points at ${short(tagSha)}, not at the commit being released (${short(head)})`, { hint: fix });
  }
  if (existing === undefined) return { tag: tagAction, release: 'create' };
  if (existing.draft) return { tag: tagAction, release: 'replace' };
  if (sameCommit) return { tag: tagAction, release: 'update' };
  throw new UserError(
    `umbrella release ${tag} already exists (made from ${existing.commit ? short(existing.commit) : 'an unknown commit'}, this is ${short(head)})`,
    { hint: fix },
  );
}

function short(sha: string | undefined): string {
  return (sha ?? '').slice(0, 12);
}
