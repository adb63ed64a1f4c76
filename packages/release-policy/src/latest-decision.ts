import { UserError } from '@runway/errors';
import { versionTags } from './image-tags';
import { compareSemver, describeSemverProblem, formatSemver, isStable, parseSemver, type SemVer } from './semver';

/** The moving names a stable version can hold: `X.Y`, `X` (from 1.0 on) and `latest`. */
export interface LatestDecision {
  /** The version decided on, normalised (no `v`, no build metadata). */
  version: string;
  /**
   * Whether it becomes `latest`: the registry's `@latest`, the images' `latest` tag and GitHub's
   * "Latest" badge (set explicitly from this, never left to GitHub's heuristic).
   */
  latest: boolean;
  /** `X.Y` when the version is the highest of its minor line, else undefined. */
  minorAlias?: string;
  /** `X` when X ≥ 1 and the version is the highest of its major line, else undefined. */
  majorAlias?: string;
  /** The moving image tags it takes, in the order `X.Y`, `X`, `latest`. */
  movingTags: string[];
}

export interface LatestDecisionInput {
  /** The version being released or promoted (bare or `v`-prefixed). */
  version: string;
  /**
   * Versions already published in the same stream (bare or `v`-prefixed, with or without
   * `version` itself). Prereleases and unparsable entries (`edge`, `sha-…`) are ignored.
   */
  published: readonly string[];
  /** Published versions that are deprecated: they never hold a moving name. */
  deprecated?: readonly string[];
}

/**
 * Pure: the one rule for `latest`, `X.Y` and `X`, shared by the registry's latest, the images'
 * moving tags and GitHub's "Latest" badge. It is the SPEC §7 rule of `versionTags` (the image tag
 * function) applied to the published stable, non-deprecated versions: a version takes a name only
 * when no counted version of that line is higher, so a hotfix patch from a branch (`1.2.4` after
 * `1.3.0`) takes `1.2` but never moves `1` or `latest` backwards. A prerelease or a deprecated
 * version takes nothing. Deciding again for an already published version gives the same answer.
 * @throws UserError (exit code 2) when `version` is not strict SemVer.
 */
export function decideLatest(input: LatestDecisionInput): LatestDecision {
  const raw = input.version.replace(/^v/, '');
  const version = parseSemver(raw);
  if (!version) throw new UserError(`version "${input.version}" ${describeSemverProblem(raw)}`, { hint: 'use MAJOR.MINOR.PATCH, e.g. 1.2.3', exitCode: 2 });
  const counted = countedVersions(input.published, input.deprecated ?? []);
  const withdrawn = parseAll(input.deprecated ?? []).some((d) => compareSemver(d, version) === 0);
  const movingTags = withdrawn ? [] : versionTags(version, counted).slice(1);
  const minor = `${version.major}.${version.minor}`;
  const major = `${version.major}`;
  return {
    version: formatSemver(version),
    latest: movingTags.includes('latest'),
    ...(movingTags.includes(minor) && { minorAlias: minor }),
    ...(movingTags.includes(major) && { majorAlias: major }),
    movingTags,
  };
}

/**
 * Pure: where every moving name should point for a published set: moving tag (`latest`, `X.Y`,
 * `X`) → the version holding it, by the same rule as `decideLatest`. Deprecated versions do not
 * count, so comparing the answer before and after a deprecation gives exactly the names to move.
 */
export function movingTagTargets(published: readonly string[], deprecated: readonly string[] = []): Record<string, string> {
  const counted = countedVersions(published, deprecated);
  const targets: Record<string, string> = {};
  for (const v of counted) {
    for (const tag of versionTags(v, counted).slice(1)) targets[tag] = formatSemver(v);
  }
  return targets;
}

/** Stable, non-deprecated versions of `published`, once each. */
function countedVersions(published: readonly string[], deprecated: readonly string[]): SemVer[] {
  const out = parseAll(deprecated);
  const counted: SemVer[] = [];
  for (const v of parseAll(published)) {
    if (!isStable(v) || out.some((d) => compareSemver(d, v) === 0) || counted.some((c) => compareSemver(c, v) === 0)) continue;
    counted.push(v);
  }
  return counted;
}

function parseAll(entries: readonly string[]): SemVer[] {
  return entries.map((e) => parseSemver(e.trim().replace(/^v/, ''))).filter((v): v is SemVer => v !== undefined);
}
