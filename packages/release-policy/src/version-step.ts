import { UserError } from '@runway/errors';
import { compareSemver, describeSemverProblem, formatSemver, isStable, parseSemver, type SemVer } from './semver';

/** Which part of `MAJOR.MINOR.PATCH` moved between two releases; `initial` when there was none before. */
export type CoreStep = 'initial' | 'major' | 'minor' | 'patch';

/** How a new version relates to the previous stable release (see `classifyVersionStep`). */
export interface VersionStep {
  /** `prerelease` when `next` is a prerelease (`1.3.0-rc.1`), otherwise the part of X.Y.Z that moved. */
  kind: CoreStep | 'prerelease';
  /** The part of X.Y.Z that moved, also for a prerelease (`1.2.0` → `2.0.0-rc.1` is `major`). */
  core: CoreStep;
  /**
   * True when users must expect incompatible changes: a MAJOR step, and before 1.0 a MINOR step
   * (SemVer §4 puts no promise on 0.y.z; the RustShare pre-1.0 policy reads MINOR as "may break").
   */
  breaking: boolean;
  /**
   * True when the release needs upgrade notes (`docs/upgrading.md` mentions the version): every
   * MAJOR or MINOR step, also before 1.0. A first release has nothing to upgrade from.
   */
  needsUpgradeNotes: boolean;
  /** The previous stable version (normalised), absent for a first release. */
  previous?: string;
  /** `next`, normalised (no `v`, no build metadata). */
  next: string;
}

/**
 * Pure: classifies the step from the previous stable release to `next` (both bare versions or
 * `v`-prefixed). Use `previousStable` to find `previous` in a published set, so that a hotfix
 * `1.2.1` released after `1.3.0` is compared with `1.2.0` and is a patch.
 * @throws UserError when a version is not strict SemVer, `previous` is a prerelease, or `next` does
 * not come after `previous`.
 */
export function classifyVersionStep(previous: string | undefined, next: string): VersionStep {
  const to = parseVersion(next, 'version');
  const from = previous === undefined ? undefined : parseVersion(previous, 'previous version');
  if (!from) {
    return { kind: isStable(to) ? 'initial' : 'prerelease', core: 'initial', breaking: false, needsUpgradeNotes: false, next: formatSemver(to) };
  }
  if (!isStable(from)) {
    throw new UserError(`previous version ${previous} is a prerelease`, { hint: 'compare with the previous stable release (previousStable of the published versions)' });
  }
  // A prerelease of the same core (2.0.0-rc.1 after 2.0.0) sorts below it: it cannot follow it.
  if (compareSemver(to, from) <= 0) {
    throw new UserError(`version ${formatSemver(to)} does not come after ${formatSemver(from)}`, { hint: 'versions only move forward: pick a higher version, or compare with the previous stable release of its line' });
  }
  const core: CoreStep = to.major !== from.major ? 'major' : to.minor !== from.minor ? 'minor' : 'patch';
  const breaking = core === 'major' || (core === 'minor' && from.major === 0);
  return {
    kind: isStable(to) ? core : 'prerelease',
    core,
    breaking,
    needsUpgradeNotes: core === 'major' || core === 'minor',
    previous: formatSemver(from),
    next: formatSemver(to),
  };
}

/**
 * Pure: the previous stable release of `next` among `published` (bare versions or `v` tags;
 * prereleases and unparsable entries ignored): the highest stable version below `next`. For a
 * hotfix `1.2.1` with `1.2.0` and `1.3.0` published that is `1.2.0`; undefined for a first release.
 */
export function previousStable(published: readonly string[], next: string): string | undefined {
  const to = parseVersion(next, 'version');
  let best: SemVer | undefined;
  for (const entry of published) {
    const v = parseSemver(entry.replace(/^v/, ''));
    if (!v || !isStable(v) || compareSemver(v, to) >= 0) continue;
    if (!best || compareSemver(v, best) > 0) best = v;
  }
  return best && formatSemver(best);
}

function parseVersion(text: string, what: string): SemVer {
  const raw = text.replace(/^v/, '');
  const v = parseSemver(raw);
  if (!v) throw new UserError(`${what} "${text}" ${describeSemverProblem(raw)}`, { hint: 'use strict SemVer MAJOR.MINOR.PATCH[-prerelease], e.g. 1.4.0 or 1.4.0-rc.1', exitCode: 2 });
  return v;
}
