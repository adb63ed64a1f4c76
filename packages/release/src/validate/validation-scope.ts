import { UserError } from '@runway/errors';
import { formatSemver, parseReleaseRef } from '@runway/release-policy';

/**
 * What a tag covers, decided from its name alone:
 * - `<name>@X.Y.Z`: that project, its main registry entry X.Y.Z, its image tag X.Y.Z;
 * - `vX.Y.Z`: the projects of the release's `umbrella.json`, main registry, image tag X.Y.Z;
 * - a prerelease (`vX.Y.Z-rc.N`, `<name>@X.Y.Z-rc.N`): the RC release's own `registry.json`, whose
 *   entries are version X.Y.Z and download from the RC release; image tag `X.Y.Z-rc.N`.
 */
export interface ValidationScope {
  tag: string;
  /** One project (`<name>@…`), or every project of the umbrella release. */
  projects: { kind: 'one'; name: string } | { kind: 'umbrella' };
  /** Where the entries are installed from. */
  registry: 'main' | 'release';
  /** The version the registry entries carry (never a prerelease). */
  version: string;
  /** The tag each payload image was published under. */
  imageTag: string;
}

/**
 * Pure: the scope of `runway release validate <tag>`.
 * @throws UserError (exit 2) for something that is no release tag (a branch name, a malformed version).
 */
export function validationScope(tag: string): ValidationScope {
  const ref = parseReleaseRef(`refs/tags/${tag}`, '');
  if (ref.kind === 'branch') throw new UserError(`"${tag}" is not a release tag`, { hint: 'name a tag such as v1.3.0, v1.3.0-rc.1 or python-3.11@1.3.0', exitCode: 2 });
  const version = formatSemver({ ...ref.version, prerelease: [] });
  return {
    tag,
    projects: ref.kind === 'project-tag' ? { kind: 'one', name: ref.project } : { kind: 'umbrella' },
    registry: ref.version.prerelease.length > 0 ? 'release' : 'main',
    version,
    imageTag: formatSemver(ref.version),
  };
}
