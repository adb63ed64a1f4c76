import { UserError } from '@runway/errors';
import { parseReleaseRef } from './release-ref';
import { formatSemver } from './semver';

/** Pure: the release tag of one project version, `<name>@<version>`. */
export function projectReleaseTag(name: string, version: string): string {
  return `${name}@${version}`;
}

/** Whether a triggering ref concerns a project: go ahead, or skip with the reason. */
export type RefDecision = { release: true } | { release: false; reason: string };

/**
 * Pure: may the release of `project` at `version` proceed for the triggering `ref` (`GITHUB_REF`)?
 * - no ref, or a branch: yes (a manual or branch-triggered release);
 * - `refs/tags/<project>@X.Y.Z`: yes when X.Y.Z is the manifest version;
 * - a tag of another project, or an umbrella `v*` tag: no, with the reason (the umbrella release
 *   has its own executor).
 * @throws UserError "version mismatch" when the project's own tag names another version.
 */
export function decideReleaseForRef(ref: string | undefined, project: { name: string; version: string; manifestPath: string }): RefDecision {
  if (ref === undefined || ref.trim() === '' || !ref.startsWith('refs/tags/')) return { release: true };
  const parsed = parseReleaseRef(ref, '');
  if (parsed.kind === 'version-tag') {
    return { release: false, reason: `${parsed.tag} is an umbrella tag: released by the root "release" target, not per project` };
  }
  if (parsed.kind !== 'project-tag' || parsed.project !== project.name) {
    return { release: false, reason: `tag ${ref.slice('refs/tags/'.length)} releases another project` };
  }
  const tagged = formatSemver(parsed.version);
  if (tagged !== project.version || parsed.version.build.length > 0) {
    throw new UserError(`version mismatch: tag ${parsed.tag} says ${tagged}, ${project.manifestPath} says ${project.version}`, {
      hint: `tag the manifest version (${projectReleaseTag(project.name, project.version)}), or set "version: ${tagged}" in ${project.manifestPath}, commit, and tag again`,
    });
  }
  return { release: true };
}
