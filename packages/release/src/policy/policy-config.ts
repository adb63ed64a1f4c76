import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mapFsError } from '@runway/atomic-write';
import { normalizeChangelogGateConfig, type ChangelogGateConfig, type ChangelogGateConfigInput } from '@runway/changelog';
import { UserError } from '@runway/errors';
import { normalizeTagSigningPolicy, type TagSigningPolicy, type TagSigningPolicyInput } from '@runway/release-policy';

/** Where the release policy is configured: the options of the root project's `release` target. */
export const POLICY_CONFIG_FILE = 'project.json';
const POLICY_KEY = 'targets.release.options.policy';

/** Default branch ref the trusted tag signers are read from: a commit the tag cannot choose. */
export const DEFAULT_SIGNERS_REF = 'origin/main';

/** The `policy` object as written in `project.json` (everything optional). */
export interface ReleasePolicyInput {
  changelog?: ChangelogGateConfigInput;
  signedTags?: TagSigningPolicyInput;
  /** The commit-ish `.github/allowed_signers` and `.github/signers.asc` are read from. */
  signersRef?: string;
}

/** The normalised release policy (defaults applied). */
export interface ReleasePolicy {
  changelog: ChangelogGateConfig;
  signedTags: TagSigningPolicy;
  signersRef: string;
}

/**
 * Applies the defaults to a written policy (changelog gate on stable umbrella releases, stable
 * `v*` tags signed, signers from `origin/main`) and checks every value.
 * @throws UserError naming the bad setting.
 */
export function normalizeReleasePolicy(input: ReleasePolicyInput = {}): ReleasePolicy {
  const signersRef = input.signersRef ?? DEFAULT_SIGNERS_REF;
  if (typeof signersRef !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(signersRef)) {
    throw new UserError(`release policy setting signersRef "${String(signersRef)}" is not a branch name`, { hint: `e.g. "signersRef": "${DEFAULT_SIGNERS_REF}" (the protected default branch)` });
  }
  return { changelog: normalizeChangelogGateConfig(input.changelog), signedTags: normalizeTagSigningPolicy(input.signedTags), signersRef };
}

/**
 * Reads the release policy from `<workspaceRoot>/project.json` (`targets.release.options.policy`,
 * beside `overridableTags`); the defaults when the file or the key is absent.
 * @throws UserError for unreadable JSON or a bad setting, naming the file.
 */
export async function readReleasePolicy(workspaceRoot: string): Promise<ReleasePolicy> {
  const text = await readFile(join(workspaceRoot, POLICY_CONFIG_FILE), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw mapFsError(err, `read ${POLICY_CONFIG_FILE}`);
  });
  if (text === undefined) return normalizeReleasePolicy();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new UserError(`${POLICY_CONFIG_FILE} is not valid JSON: ${(cause as Error).message}`, { hint: 'fix the file (it is the root project\'s Nx configuration)', cause });
  }
  const policy = (parsed as { targets?: { release?: { options?: { policy?: unknown } } } })?.targets?.release?.options?.policy;
  if (policy !== undefined && (typeof policy !== 'object' || policy === null || Array.isArray(policy))) {
    throw new UserError(`${POLICY_CONFIG_FILE}: ${POLICY_KEY} must be an object`, { hint: 'e.g. "policy": { "changelog": { "scope": "umbrella" }, "signedTags": { "stable": "required" } }' });
  }
  try {
    return normalizeReleasePolicy(policy as ReleasePolicyInput | undefined);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${POLICY_CONFIG_FILE} (${POLICY_KEY}): ${err.message}`, { hint: err.hint, cause: err });
    throw err;
  }
}
