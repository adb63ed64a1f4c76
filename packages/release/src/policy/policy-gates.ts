import { gateFilesFor, type GatedRelease } from '@runway/changelog';
import { checkChangelogGateAt } from '@runway/changelog-file';
import { UserError } from '@runway/errors';
import { git, localTagCommit } from '@runway/git';
import type { Logger } from '@runway/log';
import { isSignatureRequired, isStable, parseSemver, previousStable } from '@runway/release-policy';
import { readTrustedSigners, signatureVerdict, verifyTagSignature, type TrustedSigners } from '@runway/tag-signatures';
import type { ReleasePolicy } from './policy-config';
import { readGitTagFacts } from './published-versions';

/** One reason the policy refuses a release: what failed and how to fix it. */
export interface PolicyProblem {
  message: string;
  fix: string;
}

/** What the release policy is asked about: one release tag, built from one commit. */
export interface PolicyGateInput {
  workspaceRoot: string;
  policy: ReleasePolicy;
  /** The release tag: `vX.Y.Z[-pre]` (umbrella) or `<name>@X.Y.Z` (project). */
  tag: string;
  /** The version released, `X.Y.Z[-pre]`. */
  version: string;
  /** The commit whose files the changelog gate reads (the release commit). */
  releaseCommit: string;
  /** The commit the release tag must name for its signature to count. */
  taggedCommit: string;
  release: GatedRelease;
  logger: Logger;
}

/**
 * The release policy's read-only checks for one release, before anything is published: the
 * changelog and upgrade-notes gate (stable versions, where the configuration applies it) and the
 * tag's signature against the trusted signers of `policy.signersRef`. Reports every problem at once.
 * @throws UserError listing each problem with its fix.
 */
export async function enforceReleasePolicy(input: PolicyGateInput): Promise<void> {
  const problems = [...await changelogProblems(input), ...await signatureProblems(input)];
  if (problems.length === 0) return;
  const list = problems.map((p, i) => `  ${i + 1}. ${p.message}\n     fix: ${p.fix}`).join('\n');
  throw new UserError(`the release policy refuses ${input.tag}: ${problems.length} problem(s)\n${list}`, {
    hint: 'fix the problems above and release again; nothing was changed',
  });
}

async function changelogProblems(input: PolicyGateInput): Promise<PolicyProblem[]> {
  const version = parseSemver(input.version);
  if (!version || !isStable(version)) return [];
  // Most releases are outside the gate's scope (by default it covers the umbrella only): no git reads for them.
  if (!gateFilesFor(input.policy.changelog, input.release)) return [];
  const prefix = input.release.kind === 'umbrella' ? 'v' : `${input.release.name}@`;
  const tags = await readGitTagFacts(input.workspaceRoot, `${prefix}*`);
  const published = tags.tags.map((t) => t.slice(prefix.length));
  const problems = await checkChangelogGateAt({
    root: input.workspaceRoot, rev: input.releaseCommit, version: input.version,
    previousVersion: previousStable(published, input.version), release: input.release, config: input.policy.changelog,
  });
  if (problems === undefined) return [];
  // A shallow clone may lack the previous version's tag: the step, hence what the gate asks, would be misjudged.
  if (tags.shallow) {
    return [{
      message: `changelog gate: cannot tell the version before ${input.version}: this clone is shallow, so it may lack the tags of published versions`,
      fix: 'fetch every tag first (git fetch --tags --unshallow, or actions/checkout with fetch-depth: 0)',
    }];
  }
  if (problems.length === 0) input.logger.info(`changelog gate: ${input.version} has its changelog section and notes`);
  return problems.map((p) => ({ message: `changelog gate: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`, fix: p.fix }));
}

async function signatureProblems(input: PolicyGateInput): Promise<PolicyProblem[]> {
  const { workspaceRoot: root, tag, policy, logger } = input;
  const required = isSignatureRequired(tag, policy.signedTags);
  const signTag = `create it signed on ${input.taggedCommit.slice(0, 12)} (runway release tag --sign, or git tag -s ${tag} ${input.taggedCommit.slice(0, 12)}) and push it`;
  const tagged = await localTagCommit(root, tag);
  if (tagged === undefined) {
    return required ? [{ message: `${tag} must be a signed tag, and this clone has no tag ${tag}`, fix: `${signTag}; in CI fetch the tags (actions/checkout with fetch-depth: 0)` }] : [];
  }
  if (tagged !== input.taggedCommit) {
    if (!required) return [];
    return [{ message: `${tag} names ${tagged.slice(0, 12)}, but this release is of ${input.taggedCommit.slice(0, 12)}: its signature does not vouch for it`, fix: `release from the tagged commit (git checkout ${tag})` }];
  }
  // A lightweight tag carries no signature, which an optional policy accepts: no signers to read.
  if (!required && (await git(root, ['cat-file', '-t', `refs/tags/${tag}`])).trim() !== 'tag') return [];
  const signers = await trustedSigners(root, policy.signersRef, required);
  if ('problem' in signers) return [signers.problem];
  const result = await verifyTagSignature(root, tag, signers);
  const verdict = signatureVerdict(result, required);
  if (!verdict.ok) return [{ message: verdict.error.message, fix: verdict.error.hint ?? signTag }];
  if (verdict.warning) logger.warn(`${verdict.warning} (a signature is optional for ${tag})`);
  else if (result.status === 'verified') logger.info(result.message);
  return [];
}

/** The trusted signers at `ref`; none (every signature unknown) when `ref` is absent and no signature is required. */
export async function trustedSigners(root: string, ref: string, required: boolean): Promise<TrustedSigners | { problem: PolicyProblem }> {
  const commit = await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => undefined);
  if (commit) return readTrustedSigners(root, commit);
  if (!required) return { source: `no ${ref} in this clone` };
  return {
    problem: {
      message: `cannot read the trusted tag signers: this clone has no ${ref}`,
      fix: `fetch it (git fetch origin), or set "signersRef" under the release policy in project.json to the protected default branch`,
    },
  };
}
