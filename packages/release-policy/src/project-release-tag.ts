import { UserError } from '@runway/errors';
import { parseReleaseRef } from './release-ref';
import { formatSemver } from './semver';
import { umbrellaTrigger } from './umbrella-tags';

/** Pure: the release tag of one project version, `<name>@<version>`. */
export function projectReleaseTag(name: string, version: string): string {
  return `${name}@${version}`;
}

/** Whether a triggering ref concerns a project: go ahead, or skip with the reason. */
export type RefDecision = { release: true } | { release: false; reason: string };

const ROOT_RELEASE = "released by the root project's release target (nx run runway:release)";

/**
 * Pure: may the release of `project` at `version` proceed for the triggering `ref` (`GITHUB_REF`)?
 * - no ref, or an ordinary branch: yes (a manual or branch-triggered release);
 * - `refs/tags/<project>@X.Y.Z`: yes when X.Y.Z is the manifest version;
 * - an umbrella trigger (`refs/tags/v<digit>…`, `refs/heads/releases/<a>/<b>`): no. The root
 *   project's target releases every project for it, so `nx run-many -t release` on that ref must
 *   not. Umbrella tags are matched by prefix, not parsed: `v0.1-test` is no SemVer but valid here;
 * - a tag of another project, or any other tag: no, with the reason.
 * @throws UserError "version mismatch" when the project's own tag names another version, and
 *   "invalid git ref" for a malformed `<name>@…` tag.
 */
export function decideReleaseForRef(ref: string | undefined, project: { name: string; version: string; manifestPath: string }): RefDecision {
  if (ref === undefined || ref.trim() === '') return { release: true };
  const trimmed = ref.trim();
  if (trimmed.startsWith('refs/heads/')) {
    return umbrellaTrigger(trimmed).kind === 'none'
      ? { release: true }
      : { release: false, reason: `umbrella branch ${trimmed.slice('refs/heads/'.length)}: ${ROOT_RELEASE}` };
  }
  if (!trimmed.startsWith('refs/tags/')) return { release: true };
  const tag = trimmed.slice('refs/tags/'.length);
  if (/^v\d/.test(tag)) return { release: false, reason: `umbrella tag ${tag}: ${ROOT_RELEASE}` };
  if (!tag.includes('@')) return { release: false, reason: `tag ${tag} is not a release tag (<name>@X.Y.Z or v…)` };
  const parsed = parseReleaseRef(trimmed, '');
  if (parsed.kind !== 'project-tag' || parsed.project !== project.name) {
    return { release: false, reason: `tag ${tag} releases another project` };
  }
  const tagged = formatSemver(parsed.version);
  if (tagged !== project.version || parsed.version.build.length > 0) {
    throw new UserError(`version mismatch: tag ${parsed.tag} says ${tagged}, ${project.manifestPath} says ${project.version}`, {
      hint: `tag the manifest version (${projectReleaseTag(project.name, project.version)}), or set "version: ${tagged}" in ${project.manifestPath}, commit, and tag again`,
    });
  }
  return { release: true };
}
