import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatError, UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import { createGitHubApi, type GitHubApi } from '@runway/publisher-github';
import { git } from '@runway/git';
import { decideLatest, decideUmbrellaPublication, isOverridableTag, type UmbrellaPublication, type UmbrellaTrigger } from '@runway/release-policy';
import type { ReleasedProject } from '@runway/trust';
import type { LocalAsset } from '../release-context';
import { readReleasePolicy, type ReleasePolicy } from '../policy/policy-config';
import { enforceReleasePolicy } from '../policy/policy-gates';
import { prepareRelease, type PreparedRelease } from '../release-project';
import { runSteps, type Renderer } from '../runner';
import { makeReleaseCommit } from '../source/release-commit';
import { sourceFromWorkingTree } from '../source/working-tree';
import type { Step, StepContext } from '../step';
import { builderId, signReleaseAssets, sourceDateEpochOf, sourceRepository } from '../steps/sign';
import { loadReleaseSigning } from '../targets/release-signing';
import { requireRemote } from '../targets/github-target';
import type { ReleaseOutcome, ReleaseTarget } from '../types';
import { directoryUmbrella } from './directory-umbrella';
import { githubUmbrella } from './github-umbrella';
import { renderUmbrellaBody, serializeUmbrella, umbrellaDocument, UMBRELLA_FILE, type UmbrellaDocument } from './umbrella-document';
import type { UmbrellaTarget } from './umbrella-target';

/** A project the umbrella covers: every runtime and payload is released under it. */
export interface UmbrellaProject {
  root: string;
}

export interface UmbrellaOptions {
  workspaceRoot: string;
  projects: readonly UmbrellaProject[];
  trigger: UmbrellaTrigger;
  /** Glob patterns of umbrella tags that are replaced instead of refused. */
  overridableTags: readonly string[];
  dryRun: boolean;
  /** Where the packages and the umbrella go (same resolution as the per-project `release` target). */
  target: ReleaseTarget;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  renderer?: Renderer;
  /** Injected GitHub adapter (tests); built from `target` otherwise. */
  github?: GitHubApi;
  /** The release policy (changelog gate, signed tags); default: read from the root `project.json`. */
  policy?: ReleasePolicy;
}

export type UmbrellaResult =
  | { status: 'nothing-to-do'; reason: string }
  | { status: 'planned' | 'released'; tag: string; commit: string; releaseCommit: string; outcomes: ReleaseOutcome[]; location?: string };

type Umbrella = Extract<UmbrellaTrigger, { tag: string }>;

/** What the umbrella steps found out; each field is written by exactly one step. */
interface UmbrellaFacts {
  /** checking working tree: the tagged commit (HEAD of a clean tree). */
  tagged?: string;
  /** deciding umbrella. */
  publication?: UmbrellaPublication;
  replaceable?: boolean;
  /** making release commit: the commit every package is built from. */
  releaseCommit?: string;
  /** checking release policy: the policy every package's preflight applies too. */
  policy?: ReleasePolicy;
  /** planning packages: every project's release, preflight done. */
  prepared?: PreparedRelease[];
  /** releasing packages. */
  outcomes?: ReleaseOutcome[];
  location?: string;
}

/**
 * The trust files of the umbrella's own assets (`umbrella.json`): `SHA256SUMS`, and with the key its
 * signature and the provenance naming every project released under it, built from the release
 * commit. The packages are signed by their own releases. A dry run only logs what would be signed.
 */
async function signUmbrella(ctx: UmbrellaContext, doc: UmbrellaDocument, bytes: string): Promise<LocalAsset[]> {
  const { options, facts, trigger } = ctx;
  const projects = options.projects.flatMap((project, i) => {
    const preview = facts.prepared?.[i]?.preview;
    if (!preview?.entry) return [];
    const kind: ReleasedProject['kind'] = project.root.split('/')[0] === 'payloads' ? 'payload' : 'runtime';
    return [{ name: preview.project, kind, version: preview.entry.version, path: project.root }];
  });
  return signReleaseAssets({
    signing: await loadReleaseSigning(options.env, options.workspaceRoot),
    provenance: {
      assets: [{ name: UMBRELLA_FILE, sha256: createHash('sha256').update(bytes).digest('hex') }],
      source: { repository: await sourceRepository(options.workspaceRoot), commit: doc.release_commit, ref: `refs/tags/${trigger.tag}` },
      tag: trigger.tag,
      projects,
      ...sourceDateEpochOf(options.env),
      builder: { id: builderId(options.env) },
    },
    workDir: ctx.workDir, logger: ctx.logger, dryRun: options.dryRun,
    // Every package's own preflight already refused an unsigned release into a signed registry.
    isIndexSigned: async () => false,
  });
}

interface UmbrellaContext extends StepContext {
  readonly options: UmbrellaOptions;
  readonly trigger: Umbrella;
  readonly umbrella: UmbrellaTarget;
  readonly workDir: string;
  readonly facts: UmbrellaFacts;
}

/**
 * The root project's release (KM's top-level `make release`, Joblet's bulk `v*` release), in order:
 */
export const umbrellaSteps: readonly Step<UmbrellaContext>[] = [
  {
    // HEAD of a clean tree is the tagged commit (a dirty tree is refused; a dry run warns).
    name: 'checking working tree',
    mutates: false,
    async run(ctx) {
      const { workspaceRoot, dryRun, target } = ctx.options;
      ctx.facts.tagged = (await sourceFromWorkingTree(workspaceRoot, { dryRun, logger: ctx.logger, target })).commit;
    },
  },
  {
    // Read the umbrella target; replace (overridable, rolling) or refuse (any other existing tag), before any change.
    name: 'deciding umbrella',
    mutates: false,
    async run(ctx) {
      const { trigger } = ctx;
      const replaceable = trigger.kind === 'snapshot' && trigger.rolling ? true : isOverridableTag(trigger.tag, ctx.options.overridableTags);
      const state = await ctx.umbrella.inspect(trigger.tag);
      ctx.facts.replaceable = replaceable;
      ctx.facts.publication = decideUmbrellaPublication({ tag: trigger.tag, replaceable, head: ctx.facts.tagged!, ...state });
    },
  },
  {
    // Bulk vX.Y.Z: the deterministic child of the tagged commit with every manifest at X.Y.Z (git
    // plumbing: objects only, no working-tree change), or the tagged commit when they all say so.
    name: 'making release commit',
    mutates: false,
    async run(ctx) {
      const { trigger } = ctx;
      const tagged = ctx.facts.tagged!;
      if (trigger.kind !== 'bulk') {
        ctx.facts.releaseCommit = tagged;
        return;
      }
      const made = await makeReleaseCommit(ctx.options.workspaceRoot, { tagged, projectRoots: ctx.options.projects.map((p) => p.root), version: trigger.version, tag: trigger.tag });
      ctx.facts.releaseCommit = made.commit;
      ctx.logger.info(made.changed.length === 0
        ? `every manifest already says ${trigger.version}: releasing ${tagged.slice(0, 12)} itself`
        : `release commit ${made.commit.slice(0, 12)}: ${tagged.slice(0, 12)} with ${made.changed.length} manifest(s) set to ${trigger.version}`);
    },
  },
  {
    // The release policy for the umbrella tag (changelog gate at the release commit, the tag's
    // signature); replaced and rolling umbrellas are never signed nor gated.
    name: 'checking release policy',
    mutates: false,
    async run(ctx) {
      const { trigger, facts, options } = ctx;
      const policy = options.policy ?? await readReleasePolicy(options.workspaceRoot);
      // Runway makes the project tags of an umbrella itself: the umbrella tag's signature covers them.
      facts.policy = { ...policy, signedTags: { ...policy.signedTags, project: 'optional' } };
      if (facts.replaceable) {
        ctx.logger.info(`${trigger.tag} is replaced on every run: not gated, no signature needed`);
        return;
      }
      await enforceReleasePolicy({
        workspaceRoot: options.workspaceRoot, policy, tag: trigger.tag, version: trigger.tag.slice(1),
        releaseCommit: facts.releaseCommit!, taggedCommit: facts.tagged!, release: { kind: 'umbrella' }, logger: ctx.logger,
      });
    },
  },
  {
    // Every project's preflight (build, unpack, plan): all refusals reported at once, nothing changed.
    name: 'planning packages',
    mutates: false,
    async run(ctx) {
      const prepared: PreparedRelease[] = [];
      ctx.facts.prepared = prepared;
      const refusals: string[] = [];
      for (const project of ctx.options.projects) {
        try {
          prepared.push(await prepareRelease({
            workspaceRoot: ctx.options.workspaceRoot, projectRoot: project.root, target: ctx.options.target, dryRun: ctx.options.dryRun,
            env: ctx.options.env, logger: ctx.logger, github: ctx.options.github, renderer: 'silent',
            // The umbrella ref is not any project's tag; the release commit's manifests rule.
            ref: undefined,
            source: { commit: ctx.facts.releaseCommit!, pushed: ctx.facts.tagged! },
            policy: ctx.facts.policy,
          }));
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          refusals.push(`  ${project.root}: ${formatError(err).replace(/^error: /, '').replace(/\n/g, '\n    ')}`);
        }
      }
      const { trigger, facts } = ctx;
      if (refusals.length > 0) {
        throw new UserError(`umbrella ${trigger.tag} refused before changing anything: ${refusals.length} project(s) cannot be released\n${refusals.join('\n')}`, {
          hint: 'a published <name>@<version> is immutable: bump the umbrella version (a new v tag) or fix the projects above',
        });
      }
      const doc = umbrellaDocument(trigger.tag, facts.tagged!, facts.releaseCommit!, prepared.map((p) => p.preview));
      ctx.logger.info(`umbrella ${trigger.tag} (${facts.replaceable ? 'replaceable' : 'immutable'}): tag ${facts.publication!.tag}, release ${facts.publication!.release}`
        + `${trigger.kind === 'bulk' ? `, every manifest set to ${trigger.version}` : ''}\n${renderUmbrellaBody(doc)}`);
      if (ctx.options.dryRun) await signUmbrella(ctx, doc, serializeUmbrella(doc));
    },
  },
  {
    // One project after the other (they share registry.json): tag, publish, verify, registry entry.
    name: 'releasing packages',
    mutates: true,
    async run(ctx) {
      const outcomes: ReleaseOutcome[] = [];
      for (const prepared of ctx.facts.prepared!) outcomes.push(await prepared.publish());
      ctx.facts.outcomes = outcomes;
    },
  },
  {
    // The umbrella release listing every package (GitHub: tag + release with umbrella.json; directory: umbrella.json).
    name: 'publishing umbrella',
    mutates: true,
    async run(ctx) {
      const { trigger, facts } = ctx;
      const doc = umbrellaDocument(trigger.tag, facts.tagged!, facts.releaseCommit!, facts.outcomes!);
      const trust = await signUmbrella(ctx, doc, serializeUmbrella(doc));
      // "Latest" from the one latest decision over the stable umbrella tags: a hotfix vX.Y.Z of an older line never takes it.
      const published = trigger.kind === 'bulk' ? (await git(ctx.options.workspaceRoot, ['tag', '--list', 'v*'])).split('\n').filter(Boolean) : [];
      const makeLatest = trigger.kind === 'bulk' && decideLatest({ version: trigger.version, published }).latest;
      facts.location = await ctx.umbrella.publish(facts.publication!, doc, { prerelease: trigger.kind !== 'bulk', makeLatest, trust });
      ctx.logger.info(`umbrella ${trigger.tag} published: ${facts.location}`);
    },
  },
];

/**
 * Runs the umbrella release (`umbrellaSteps`, through the one runner). Not an umbrella trigger →
 * nothing to do, so `nx run-many -t release` does not release everything twice. A dry run stops
 * after planning every package: the working tree, the registry and every ref stay untouched.
 */
export async function releaseUmbrella(options: UmbrellaOptions): Promise<UmbrellaResult> {
  const { trigger, logger, workspaceRoot, target } = options;
  if (trigger.kind === 'none') return { status: 'nothing-to-do', reason: trigger.reason };
  const workDir = await mkdtemp(join(tmpdir(), 'runway-umbrella-'));
  const facts: UmbrellaFacts = {};
  try {
    let umbrella: UmbrellaTarget;
    let github: GitHubApi | undefined;
    if (target.kind === 'directory') umbrella = directoryUmbrella(target.dir, workDir);
    else {
      await requireRemote(workspaceRoot, 'origin', target.repository, target.serverUrl);
      // One client for the umbrella and every package release: one retry and pacing budget.
      github = options.github ?? createGitHubApi({ token: target.token, repository: target.repository, apiUrl: target.apiUrl, logger });
      umbrella = githubUmbrella({ api: github, workspaceRoot, workDir, logger });
    }
    const ctx: UmbrellaContext = { options: { ...options, github }, trigger, umbrella, workDir, facts, logger };
    await runSteps(umbrellaSteps, ctx, { dryRun: options.dryRun, renderer: options.renderer ?? 'simple' });
    const base = { tag: trigger.tag, commit: facts.tagged!, releaseCommit: facts.releaseCommit! };
    if (options.dryRun) return { status: 'planned', ...base, outcomes: facts.prepared!.map((p) => p.preview) };
    return { status: 'released', ...base, outcomes: facts.outcomes!, location: facts.location };
  } finally {
    await Promise.all((facts.prepared ?? []).map((p) => p.dispose()));
    await rm(workDir, { recursive: true, force: true });
  }
}
