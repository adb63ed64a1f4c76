import { UserError } from '@runway/errors';
import { isStable, parseSemver } from './semver';

/** Whether a kind of tag must carry a verified signature. */
export type SignatureRequirement = 'required' | 'optional';

/** The signing policy as written (everything optional), e.g. under `policy.signedTags`. */
export interface TagSigningPolicyInput {
  /** Stable umbrella tags `vX.Y.Z`. */
  stable?: SignatureRequirement;
  /** Prerelease umbrella tags `vX.Y.Z-rc.N`. */
  prerelease?: SignatureRequirement;
  /** Project tags `<name>@X.Y.Z[-pre]`. */
  project?: SignatureRequirement;
}

export type TagSigningPolicy = Required<TagSigningPolicyInput>;

/**
 * The default (RustShare's rule): stable `v*` tags must be signed by a trusted signer; release
 * candidates and project tags may be unsigned (when they are signed, the signature must still
 * verify: see `signatureVerdict` in `@runway/tag-signatures`).
 */
export const DEFAULT_TAG_SIGNING_POLICY: TagSigningPolicy = { stable: 'required', prerelease: 'optional', project: 'optional' };

/**
 * Pure: applies the defaults to a written policy and checks its values. Returns a new object.
 * @throws UserError naming the bad setting.
 */
export function normalizeTagSigningPolicy(input: TagSigningPolicyInput = {}): TagSigningPolicy {
  const policy = { ...DEFAULT_TAG_SIGNING_POLICY, ...input };
  for (const [key, value] of Object.entries(policy)) {
    if (value !== 'required' && value !== 'optional') {
      throw new UserError(`signed tag setting ${key} "${String(value)}" is not "required" or "optional"`, { hint: `e.g. "${key}": "required"` });
    }
  }
  return policy;
}

/**
 * Pure: whether `tag` must carry a verified signature under `policy`. `vX.Y.Z` is `stable`,
 * `vX.Y.Z-pre` is `prerelease`, `<name>@…` is `project`; any other tag (overridable test tags such
 * as `v0.1-test`, rolling `*-daily`) is never required to be signed.
 */
export function isSignatureRequired(tag: string, policy: TagSigningPolicy = DEFAULT_TAG_SIGNING_POLICY): boolean {
  const name = tag.replace(/^refs\/tags\//, '');
  if (name.lastIndexOf('@') > 0) return policy.project === 'required';
  const version = name.startsWith('v') ? parseSemver(name.slice(1)) : undefined;
  if (!version) return false;
  return (isStable(version) ? policy.stable : policy.prerelease) === 'required';
}
