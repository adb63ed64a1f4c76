import { UserError } from '@runway/errors';
import { versionTags } from './image-tags';
import { compareSemver, formatSemver, isStable, parseSemver, type SemVer } from './semver';

export interface RetagPlan {
  /** The version whose image the rolling tags will point at. */
  version: string;
  /** Rolling tags to move (`X.Y`, `X`, `latest`, as the tag policy decides). */
  tags: string[];
  /** Published versions treated as withdrawn: they no longer count when deciding what is highest. */
  withdrawn: string[];
}

/**
 * Pure: which rolling tags a rollback to `version` moves. The versions in `withdrawn` (default:
 * every published stable version above `version`, the usual rollback of the newest releases) are
 * left out, and the SPEC §7 tag rules are applied to what remains, so `latest`, `X.Y` and `X` go
 * back exactly where a fresh release of `version` would have put them.
 * @throws UserError when `version` is not a stable version or is not among `published`.
 */
export function planRetag(version: string, published: readonly string[], withdrawn?: readonly string[]): RetagPlan {
  const target = parseStable(version, '--to');
  const stable = published.map((p) => parseSemver(p.replace(/^v/, ''))).filter((v): v is SemVer => !!v && isStable(v));
  if (!stable.some((v) => compareSemver(v, target) === 0)) {
    throw new UserError(`version ${version} is not published`, { hint: `published stable versions: ${stable.map(formatSemver).join(', ') || 'none'}` });
  }
  const out = withdrawn
    ? withdrawn.map((w) => parseStable(w, '--withdraw'))
    : stable.filter((v) => compareSemver(v, target) > 0);
  if (out.some((w) => compareSemver(w, target) === 0)) {
    throw new UserError(`cannot roll back to ${version} while withdrawing it`, { hint: `remove ${version} from --withdraw` });
  }
  const remaining = stable.filter((v) => !out.some((w) => compareSemver(w, v) === 0));
  return { version: formatSemver(target), tags: versionTags(target, remaining).slice(1), withdrawn: out.map(formatSemver) };
}

function parseStable(text: string, option: string): SemVer {
  const v = parseSemver(text.replace(/^v/, ''));
  if (!v || !isStable(v)) {
    throw new UserError(`${option} ${text} is not a stable version`, { hint: 'use MAJOR.MINOR.PATCH, e.g. 1.2.3', exitCode: 2 });
  }
  return v;
}
