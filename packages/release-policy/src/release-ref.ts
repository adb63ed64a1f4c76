import { UserError } from '@runway/errors';
import { describeSemverProblem, parseSemver, type SemVer } from './semver';

/** What a git ref means for publishing. */
export type ReleaseRef =
  | { kind: 'branch'; branch: string; isDefault: boolean }
  /** `vX.Y.Z[-pre][+build]`: the whole repository (umbrella) at that version. */
  | { kind: 'version-tag'; tag: string; version: SemVer }
  /** `<name>@X.Y.Z`: one project at that version. */
  | { kind: 'project-tag'; tag: string; project: string; version: SemVer };

const PROJECT_NAME = /^[a-z0-9][a-z0-9.-]*$/;

function invalidRef(ref: string, why: string, hint: string): UserError {
  return new UserError(`invalid git ref "${ref}": ${why}`, { hint, exitCode: 2 });
}

/**
 * Pure: classifies a git ref. Full refs (`refs/heads/main`, `refs/tags/v1.2.3`) are read as
 * such; a short ref is a tag when it looks like one (`v1…`, a leading digit, or `name@…`) and a
 * branch otherwise. Tags must be `vX.Y.Z` or `<name>@X.Y.Z` in strict SemVer.
 * @throws UserError (exit code 2) for an empty ref or a malformed tag.
 */
export function parseReleaseRef(ref: string, defaultBranch: string): ReleaseRef {
  const trimmed = ref.trim();
  if (trimmed === '') throw invalidRef(ref, 'it is empty', 'pass a ref such as refs/heads/main or refs/tags/v1.2.3');
  if (trimmed.startsWith('refs/heads/')) {
    const branch = trimmed.slice('refs/heads/'.length);
    if (!branch) throw invalidRef(ref, 'the branch name is empty', 'e.g. refs/heads/main');
    return { kind: 'branch', branch, isDefault: branch === defaultBranch };
  }
  if (trimmed.startsWith('refs/tags/')) return parseTag(ref, trimmed.slice('refs/tags/'.length));
  if (trimmed.startsWith('refs/')) {
    throw invalidRef(ref, 'only branches (refs/heads/…) and tags (refs/tags/…) can be published', 'run the publish on a branch push or a tag');
  }
  if (/^v?\d/.test(trimmed) || trimmed.includes('@')) return parseTag(ref, trimmed);
  return { kind: 'branch', branch: trimmed, isDefault: trimmed === defaultBranch };
}

function parseTag(ref: string, tag: string): ReleaseRef {
  const at = tag.lastIndexOf('@');
  if (at > 0) {
    const project = tag.slice(0, at);
    const raw = tag.slice(at + 1);
    if (!PROJECT_NAME.test(project)) {
      throw invalidRef(ref, `"${project}" is not a valid project name`, 'project names use lowercase letters, digits, "." and "-"');
    }
    const version = parseSemver(raw);
    if (!version) throw invalidRef(ref, `version "${raw}" ${describeSemverProblem(raw)}`, `tag releases as ${project}@MAJOR.MINOR.PATCH, e.g. ${project}@1.2.3`);
    return { kind: 'project-tag', tag, project, version };
  }
  if (!tag.startsWith('v')) {
    throw invalidRef(ref, 'version tags start with "v"', `e.g. v${tag.replace(/^\D*/, '') || '1.2.3'}; or tag one project as <name>@X.Y.Z`);
  }
  const raw = tag.slice(1);
  const version = parseSemver(raw);
  if (!version) throw invalidRef(ref, `"${raw}" ${describeSemverProblem(raw)}`, 'version tags are strict SemVer 2.0.0: vMAJOR.MINOR.PATCH[-prerelease][+build], e.g. v1.2.3 or v1.3.0-rc.1');
  return { kind: 'version-tag', tag, version };
}
