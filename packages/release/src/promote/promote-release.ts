import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { UserError } from '@runway/errors';
import { releaseNotes } from '@runway/changelog';
import { git, readFileAt } from '@runway/git';
import type { Logger } from '@runway/log';
import { createGitHubApi, type GitHubApi } from '@runway/publisher-github';
import { parseRcTag, planPromotion, type PromotionAction, type PromotionPlan, type PromotionProblem } from '@runway/release-policy';
import { readPinnedKeys } from '@runway/signing';
import { createTrustedSignedTag, type TrustedSigners } from '@runway/tag-signatures';
import { serializeSha256Sums, signSshsig, SUMS_NAMESPACE, TRUST_FILES, type PublicKey, type SigningKey } from '@runway/trust';
import { readReleasePolicy, type ReleasePolicy } from '../policy/policy-config';
import { trustedSigners } from '../policy/policy-gates';
import type { LocalAsset } from '../release-context';
import { makeReleaseCommit } from '../source/release-commit';
import { createTargetAdapter } from '../targets/create-target';
import { requireRemote } from '../targets/github-target';
import type { TargetAdapter } from '../targets/target-adapter';
import type { ReleaseTarget } from '../types';
import { formatProblems, formatPromotionPlan, describeAction } from './format-promotion';
import { gatherPromotionFacts, type GatheredFacts } from './gather-facts';
import { githubStore } from './github-store';
import { imageRegistriesFrom, pointImageTag, type ImageRegistries } from './rc-images';
import { directoryStore, type ReleaseStore } from './release-store';

export interface PromoteOptions {
  workspaceRoot: string;
  /** Same resolution as `release`: the directory registry by default, GitHub from the environment. */
  target: ReleaseTarget;
  /** `vX.Y.Z-rc.N`. */
  rcTag: string;
  /** Print the plan and change nothing. */
  dryRun: boolean;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Public keys (`ssh-ed25519 …` or files of them) trusted for the RC's `SHA256SUMS.sig`, beside the key of `RUNWAY_SIGNING_KEY`. */
  keys?: readonly string[];
  /** The release policy (signed tags); default: read from the root `project.json`. */
  policy?: ReleasePolicy;
  /** Injected GitHub adapter (tests); built from `target` otherwise. */
  github?: GitHubApi;
  /** The image registries (tests); default from `RUNWAY_IMAGE_REGISTRY` and the Docker credentials. */
  images?: ImageRegistries;
  now?: () => Date;
}

export type PromoteResult = { status: 'planned' | 'promoted' | 'already-promoted'; plan: Extract<PromotionPlan, { kind: 'planned' }> };

/**
 * `runway promote vX.Y.Z-rc.N`: gathers the facts read-only (`gatherPromotionFacts`), plans with
 * `planPromotion`, prints the plan, refuses with every problem before anything changes, then
 * carries the actions out in order: tags, byte-identical releases, image tags at the verified
 * digests, registry entries. Each action
 * converges when repeated, and a complete promotion plans nothing.
 * @throws UserError listing every problem when the promotion is refused; nothing has changed then.
 */
export async function promoteRelease(options: PromoteOptions): Promise<PromoteResult> {
  const { rcTag, logger, workspaceRoot } = options;
  const { project, version } = parseRcTag(rcTag);
  if (project !== undefined) {
    throw new UserError(`promoting a project RC (${rcTag}) is not supported yet`, { hint: 'promote an umbrella RC vX.Y.Z-rc.N', exitCode: 2 });
  }
  const now = options.now ?? (() => new Date());
  // One GitHub client for the store and the registry writer: one retry and pacing budget.
  const github = options.target.kind === 'github'
    ? options.github ?? createGitHubApi({ token: options.target.token, repository: options.target.repository, apiUrl: options.target.apiUrl, logger })
    : undefined;
  const target = createTargetAdapter({ ...options, github, projectRoot: '.' }, now);
  const store = await storeFor(options.target, workspaceRoot, github);
  const workDir = await mkdtemp(join(tmpdir(), 'runway-promote-'));
  try {
    const signing = await target.signing();
    const pinnedKeys = await pinned(signing.key, options.keys ?? [], workspaceRoot);
    const registries = options.images ?? await imageRegistriesFrom(options.env);
    const gathered = await gatherPromotionFacts({ rcTag, version, store, target, pinnedKeys, workDir, workspaceRoot, registries });
    if (!registries && gathered.facts.rc.projects.some((p) => p.section === 'payloads')) {
      logger.warn('RUNWAY_IMAGE_REGISTRY is not set: the payloads\' images are not looked at nor promoted');
    }
    const policy = options.policy ?? await readReleasePolicy(workspaceRoot);
    const plan = planPromotion(gathered.facts, { signing: policy.signedTags });
    const problems = [...(plan.kind === 'refused' ? plan.problems : []), ...gathered.problems];
    // A signed tag is checked against the policy's signers before it is pushed, as the release will check it.
    const signsTags = plan.kind === 'planned' && plan.actions.some((a) => a.kind === 'create-tag' && a.signatureRequired);
    const signers = signsTags ? await trustedSigners(workspaceRoot, policy.signersRef, true) : undefined;
    if (signers && 'problem' in signers) problems.push(signers.problem);
    if (plan.kind === 'planned') problems.push(...await executionProblems(plan, gathered, { workspaceRoot, key: signing.key, version }));
    if (problems.length > 0) {
      throw new UserError(`promotion of ${rcTag} refused, nothing changed:\n${formatProblems(problems)}`, { hint: 'fix every problem above, then run runway promote again' });
    }
    const planned = plan as Extract<PromotionPlan, { kind: 'planned' }>;
    logger.info(formatPromotionPlan(planned));
    if (planned.actions.length === 0) return { status: 'already-promoted', plan: planned };
    if (options.dryRun) {
      logger.info('dry run: nothing changed');
      return { status: 'planned', plan: planned };
    }
    const notes = await releaseNotesOf(workspaceRoot, gathered.facts.rc.commit!, policy.changelog.umbrella.changelog, planned);
    for (const action of planned.actions) await carryOut(action, { planned, gathered, store, target, signers: signers && !('problem' in signers) ? signers : undefined, key: signing.key, workDir, workspaceRoot, logger, registries, notes });
    logger.info(`promoted ${rcTag} to ${planned.stableTag}`);
    return { status: 'promoted', plan: planned };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The releases and tags of the target: the directory registry's folders and the clone's tags, or GitHub's releases and origin's tags. */
async function storeFor(target: ReleaseTarget, workspaceRoot: string, github: GitHubApi | undefined): Promise<ReleaseStore> {
  if (target.kind === 'directory') return directoryStore(target.dir, workspaceRoot);
  await requireRemote(workspaceRoot, 'origin', target.repository, target.serverUrl);
  return githubStore(github!, workspaceRoot);
}

/** The keys that may have signed the RC: the release key's public half and every `--key`. */
async function pinned(key: SigningKey | undefined, values: readonly string[], cwd: string): Promise<PublicKey[]> {
  return [...(key ? [key.publicKey] : []), ...await readPinnedKeys(values, cwd)];
}

/**
 * What the planner cannot know but would make an action fail half-way: a signed tag with no
 * signing configured, per-project releases that need a fresh signed `SHA256SUMS` without the
 * release key, a release commit this clone does not have and cannot make again.
 */
async function executionProblems(plan: Extract<PromotionPlan, { kind: 'planned' }>, gathered: GatheredFacts, at: { workspaceRoot: string; key: SigningKey | undefined; version: string }): Promise<PromotionProblem[]> {
  const problems: PromotionProblem[] = [];
  const signed = plan.actions.filter((a) => a.kind === 'create-tag' && a.signatureRequired).map((a) => (a as { tag: string }).tag);
  if (signed.length > 0 && (await git(at.workspaceRoot, ['config', '--get', 'user.signingkey']).catch(() => '')).trim() === '') {
    problems.push({ message: `${signed.join(', ')} must be a signed tag, but git has no signing key configured`, fix: 'git config gpg.format ssh && git config user.signingkey <your key.pub> (listed in .github/allowed_signers), or a GPG key id, then promote again' });
  }
  const projectReleases = plan.actions.some((a) => a.kind === 'publish-release' && a.tag !== plan.stableTag);
  if (projectReleases && gathered.facts.rc.checksums && !at.key) {
    problems.push({ message: 'the per-project releases need a SHA256SUMS signed with the release key, but RUNWAY_SIGNING_KEY is not set', fix: 'set RUNWAY_SIGNING_KEY to the release private key (or the path of its file)' });
  }
  const { commit, releaseCommit } = gathered.facts.rc;
  const tagsReleaseCommit = plan.actions.some((a) => a.kind === 'create-tag' && a.commit === releaseCommit && a.commit !== commit);
  if (tagsReleaseCommit && commit && releaseCommit && !(await hasCommit(at.workspaceRoot, releaseCommit))) {
    // The bulk release commit is deterministic: made again from the tagged commit, it must be the RC's.
    const roots = gathered.facts.rc.projects.map((p) => `${p.section}/${p.name}`);
    const made = await makeReleaseCommit(at.workspaceRoot, { tagged: commit, projectRoots: roots, version: at.version, tag: gathered.facts.rcTag }).catch((err: unknown) => {
      if (err instanceof UserError) return undefined;
      throw err;
    });
    if (made?.commit !== releaseCommit) problems.push({ message: `the RC's release commit ${releaseCommit.slice(0, 12)} is not in this clone and making it again gives ${made?.commit.slice(0, 12) ?? 'nothing'}`, fix: 'fetch the RC tag and its history (git fetch --tags origin) and promote again' });
  }
  return problems;
}

async function hasCommit(root: string, sha: string): Promise<boolean> {
  return git(root, ['cat-file', '-e', `${sha}^{commit}`]).then(() => true, () => false);
}

interface CarryContext {
  planned: Extract<PromotionPlan, { kind: 'planned' }>;
  gathered: GatheredFacts;
  store: ReleaseStore;
  target: TargetAdapter;
  /** The policy's trusted tag signers, when a tag is to be signed. */
  signers: TrustedSigners | undefined;
  key: SigningKey | undefined;
  workDir: string;
  workspaceRoot: string;
  logger: Logger;
  registries: ImageRegistries | undefined;
  /** The body of every stable release. */
  notes: string;
}

/**
 * The stable releases' notes: the changelog's `X.Y.Z` section at the RC's commit (what `runway
 * changelog notes X.Y.Z` prints), and where they came from; without a section, that line alone.
 */
async function releaseNotesOf(root: string, commit: string, changelog: string, plan: Extract<PromotionPlan, { kind: 'planned' }>): Promise<string> {
  const origin = `Promoted from the release candidate ${plan.rcTag} without rebuilding: every file is byte-identical to the validated one.`;
  const section = releaseNotes((await readFileAt(root, commit, changelog)) ?? '', plan.version);
  return section === undefined ? `${origin}\n` : `${section.trimEnd()}\n\n${origin}\n`;
}

/** Carries out one action; each converges when repeated. */
async function carryOut(action: PromotionAction, ctx: CarryContext): Promise<void> {
  ctx.logger.info(`→ ${describeAction(action)}`);
  switch (action.kind) {
    case 'create-tag': {
      const sign = action.signatureRequired
        ? (tag: string, commit: string) => createTrustedSignedTag(ctx.workspaceRoot, tag, `${tag}\n\nPromoted from ${ctx.planned.rcTag} without rebuilding.`, ctx.signers!, { rev: commit })
        : undefined;
      await ctx.store.createTag(action.tag, action.commit, sign, ctx.logger);
      return;
    }
    case 'publish-release': {
      const files = action.assets.map((a) => {
        const file = ctx.gathered.files.get(a.name);
        // The planner checked each against the signed SHA256SUMS; the copy is checked again on upload.
        if (!file || file.sha256 !== a.sha256) throw new UserError(`${a.name} of ${action.from} changed while promoting`, { hint: 'promote again' });
        return file;
      });
      const assets = action.tag === ctx.planned.stableTag ? files : [...files, ...await projectTrustFiles(action.tag, files, ctx)];
      await ctx.store.publish(action.tag, action.commit, assets, { makeLatest: action.makeLatest, notes: ctx.notes }, ctx.logger);
      return;
    }
    case 'add-registry-entry':
      await ctx.target.updateRegistry(action.section, action.name, action.entry, ctx.logger);
      return;
    case 'point-image-tag':
      // Planned only from facts the registries gave, so they are configured here.
      await pointImageTag(ctx.registries!, action, ctx.planned.rcTag, ctx.logger);
      return;
  }
}

/**
 * A project's stable release carries its own `SHA256SUMS` over its files (signed with the release
 * key) and the RC's provenance, whose subjects include those files: a client checks both next to
 * the package it downloads.
 */
async function projectTrustFiles(tag: string, files: readonly LocalAsset[], ctx: CarryContext): Promise<LocalAsset[]> {
  const sums = Buffer.from(serializeSha256Sums(files.map(({ name, sha256 }) => ({ name, sha256 }))));
  const made: Array<{ name: string; bytes: Buffer }> = [{ name: TRUST_FILES.sums, bytes: sums }];
  if (ctx.key) made.push({ name: TRUST_FILES.sumsSignature, bytes: Buffer.from(signSshsig(sums, ctx.key, SUMS_NAMESPACE)) });
  const out: LocalAsset[] = [];
  for (const [i, file] of made.entries()) {
    const path = join(ctx.workDir, `${tag.replace(/[^A-Za-z0-9.-]/g, '_')}-${i}`);
    await writeFile(path, file.bytes);
    out.push({ name: file.name, path, sha256: createHash('sha256').update(file.bytes).digest('hex'), size: file.bytes.length });
  }
  const provenance = ctx.gathered.files.get(TRUST_FILES.provenance);
  return provenance ? [...out, provenance] : out;
}
