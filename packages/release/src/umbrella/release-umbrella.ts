import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatError, UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import { createGitHubApi, type GitHubApi } from '@runway/publisher-github';
import { git } from '@runway/git';
import { addEntry, emptyRegistry, REGISTRY_FILE } from '@runway/registry';
import { decideLatest, decideUmbrellaPublication, isOverridableTag, type UmbrellaPublication, type UmbrellaTrigger } from '@runway/release-policy';
import { nextIndexFiles, TRUST_FILES, type ReleasedProject } from '@runway/trust';
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
import { prepareCandidate, type PreparedCandidate } from './rc-candidate';
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
  /** planning packages of an RC: every project built and checked, to publish as RC assets only. */
  candidates?: PreparedCandidate[];
  /** deciding umbrella of an RC: why nothing is done (it is already released from this commit). */
  rcDone?: string;
  /** releasing packages. */
  outcomes?: ReleaseOutcome[];
  location?: string;
}

/**
 * The trust files of the umbrella's own assets (`umbrella.json`): `SHA256SUMS`, and with the key its
 * signature and the provenance naming every project released under it, built from the release
 * commit. The packages are signed by their own releases. A dry run only logs what would be signed.
 */
async function signUmbrella(ctx: UmbrellaContext, doc: UmbrellaDocument, bytes: string, rcAssets: readonly LocalAsset[] = []): Promise<LocalAsset[]> {
  const { options, facts, trigger } = ctx;
  const projects: ReleasedProject[] = facts.candidates?.map((c) => ({ name: c.project, kind: c.kind, version: c.entry.version, path: c.projectRoot }))
    ?? options.projects.flatMap((project, i) => {
      const preview = facts.prepared?.[i]?.preview;
      if (!preview?.entry) return [];
      const kind: ReleasedProject['kind'] = project.root.split('/')[0] === 'payloads' ? 'payload' : 'runtime';
      return [{ name: preview.project, kind, version: preview.entry.version, path: project.root }];
    });
  const inputs = facts.candidates?.flatMap((c) => c.buildInputs) ?? [];
  return signReleaseAssets({
    signing: await loadReleaseSigning(options.env, options.workspaceRoot),
    provenance: {
      // An RC's one SHA256SUMS lists every file it publishes except the trust files themselves.
      assets: [
        { name: UMBRELLA_FILE, sha256: createHash('sha256').update(bytes).digest('hex') },
        ...rcAssets.filter((a) => a.name !== TRUST_FILES.indexSignature).map(({ name, sha256 }) => ({ name, sha256 })),
      ],
      ...(inputs.length > 0 && { inputs }),
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
      // An RC is never replaced: what was validated must stay what is promoted.
      const replaceable = trigger.kind === 'rc' ? false : trigger.kind === 'snapshot' && trigger.rolling ? true : isOverridableTag(trigger.tag, ctx.options.overridableTags);
      const state = await ctx.umbrella.inspect(trigger.tag);
      ctx.facts.replaceable = replaceable;
      ctx.facts.publication = decideUmbrellaPublication({ tag: trigger.tag, replaceable, head: ctx.facts.tagged!, ...state });
      if (trigger.kind === 'rc' && ctx.facts.publication.release === 'update') {
        ctx.facts.rcDone = `${trigger.tag} is already released from ${ctx.facts.tagged!.slice(0, 12)}: a release candidate is never rebuilt (tag the next rc.N for new bytes)`;
        ctx.logger.info(ctx.facts.rcDone);
      }
    },
  },
  {
    // Bulk vX.Y.Z: the deterministic child of the tagged commit with every manifest at X.Y.Z (git
    // plumbing: objects only, no working-tree change), or the tagged commit when they all say so.
    name: 'making release commit',
    mutates: false,
    skip: (ctx) => ctx.facts.rcDone,
    async run(ctx) {
      const { trigger } = ctx;
      const tagged = ctx.facts.tagged!;
      if (trigger.kind !== 'bulk' && trigger.kind !== 'rc') {
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
    skip: (ctx) => ctx.facts.rcDone,
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
    skip: (ctx) => ctx.facts.rcDone,
    async run(ctx) {
      const prepared: PreparedRelease[] = [];
      const { trigger, facts } = ctx;
      if (trigger.kind === 'rc') facts.candidates = [];
      else facts.prepared = prepared;
      const refusals: string[] = [];
      for (const project of ctx.options.projects) {
        const releaseOptions = {
          workspaceRoot: ctx.options.workspaceRoot, projectRoot: project.root, target: ctx.options.target, dryRun: ctx.options.dryRun,
          env: ctx.options.env, logger: ctx.logger, github: ctx.options.github, renderer: 'silent' as const,
          // The umbrella ref is not any project's tag; the release commit's manifests rule.
          ref: undefined,
          source: { commit: facts.releaseCommit!, pushed: facts.tagged! },
          policy: facts.policy,
        };
        try {
          if (facts.candidates) facts.candidates.push(await prepareCandidate(releaseOptions, (file) => ctx.umbrella.fileUrl(trigger.tag, file)));
          else prepared.push(await prepareRelease(releaseOptions));
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          refusals.push(`  ${project.root}: ${formatError(err).replace(/^error: /, '').replace(/\n/g, '\n    ')}`);
        }
      }
      if (refusals.length > 0) {
        throw new UserError(`umbrella ${trigger.tag} refused before changing anything: ${refusals.length} project(s) cannot be released\n${refusals.join('\n')}`, {
          hint: 'a published <name>@<version> is immutable: bump the umbrella version (a new v tag) or fix the projects above',
        });
      }
      const doc = umbrellaDocument(trigger.tag, facts.tagged!, facts.releaseCommit!, packagesOf(facts));
      ctx.logger.info(`umbrella ${trigger.tag} (${trigger.kind === 'rc' ? 'release candidate' : facts.replaceable ? 'replaceable' : 'immutable'}): tag ${facts.publication!.tag}, release ${facts.publication!.release}`
        + `${trigger.kind === 'bulk' || trigger.kind === 'rc' ? `, every manifest set to ${trigger.version}` : ''}\n${renderUmbrellaBody(doc)}`);
      if (trigger.kind === 'rc') {
        ctx.logger.info(`${trigger.tag} publishes every file above as its own assets with an RC registry file; no <name>@${trigger.version} tag, no entry in the main registry`);
      }
      if (ctx.options.dryRun) {
        const rcAssets = facts.candidates ? await rcRegistryAssets(ctx) : [];
        await signUmbrella(ctx, doc, serializeUmbrella(doc), rcAssets);
      }
    },
  },
  {
    // One project after the other (they share registry.json): tag, publish, verify, registry entry.
    name: 'releasing packages',
    mutates: true,
    skip: (ctx) => ctx.facts.rcDone ?? (ctx.facts.candidates ? 'a release candidate publishes its packages as its own assets only' : undefined),
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
    skip: (ctx) => ctx.facts.rcDone,
    async run(ctx) {
      const { trigger, facts } = ctx;
      const doc = umbrellaDocument(trigger.tag, facts.tagged!, facts.releaseCommit!, facts.outcomes ?? packagesOf(facts));
      const rcAssets = facts.candidates ? await rcRegistryAssets(ctx) : [];
      const trust = [...rcAssets, ...await signUmbrella(ctx, doc, serializeUmbrella(doc), rcAssets)];
      // "Latest" from the one latest decision over the stable umbrella tags: a hotfix vX.Y.Z of an older line never takes it.
      const published = trigger.kind === 'bulk' ? (await git(ctx.options.workspaceRoot, ['tag', '--list', 'v*'])).split('\n').filter(Boolean) : [];
      const makeLatest = trigger.kind === 'bulk' && decideLatest({ version: trigger.version, published }).latest;
      facts.location = await ctx.umbrella.publish(facts.publication!, doc, { prerelease: trigger.kind !== 'bulk', makeLatest, assets: trust });
      ctx.logger.info(`umbrella ${trigger.tag} published: ${facts.location}`);
    },
  },
];

/** The packages planned so far, as outcomes: the previews of prepared releases, or the RC's candidates (status `planned`). */
function packagesOf(facts: UmbrellaFacts): ReleaseOutcome[] {
  if (!facts.candidates) return facts.prepared!.map((p) => p.preview);
  return facts.candidates.map((c) => ({
    project: c.project, tag: c.tag, status: 'planned', commit: facts.releaseCommit, entry: c.entry,
    assets: c.assets.map(({ name, sha256, size }) => ({ name, sha256, size })),
  }));
}

/**
 * An RC's own assets besides `umbrella.json` and its trust files: every project's files and the
 * RC-scoped `registry.json` listing each project's X.Y.Z entry (URLs into the RC release), signed
 * with the release key like the main index (`registry.json.sig`) so `runway release validate` can
 * install from it with the pinned key.
 */
async function rcRegistryAssets(ctx: UmbrellaContext): Promise<LocalAsset[]> {
  const candidates = ctx.facts.candidates!;
  const signing = await loadReleaseSigning(ctx.options.env, ctx.options.workspaceRoot);
  const now = new Date();
  let registry = emptyRegistry(now);
  for (const c of candidates) registry = addEntry(registry, c.project, c.entry, now, c.section).registry;
  const index = nextIndexFiles({ next: registry, previous: undefined, key: signing.key, now });
  const written: LocalAsset[] = [];
  for (const [name, text] of [[REGISTRY_FILE, index.registry], [TRUST_FILES.indexSignature, index.signature]] as const) {
    if (text === undefined) continue;
    const path = join(ctx.workDir, name);
    await writeFile(path, text);
    written.push({ name, path, sha256: createHash('sha256').update(text).digest('hex'), size: Buffer.byteLength(text) });
  }
  const files = candidates.flatMap((c) => c.assets);
  const names = new Set<string>();
  for (const file of [...files, ...written]) {
    if (names.has(file.name)) throw new UserError(`two files of ${ctx.trigger.tag} are named ${file.name}`, { hint: 'every project of an RC must have its own file names (they share one release)' });
    names.add(file.name);
  }
  return [...files, ...written];
}

/**
 * Runs the umbrella release (`umbrellaSteps`, through the one runner). Not an umbrella trigger →
 * nothing to do, so `nx run-many -t release` does not release everything twice. A release
 * candidate `vX.Y.Z-rc.N` publishes its packages only as assets of the RC (with an RC registry
 * file), and an RC already released from the same commit is never rebuilt (nothing to do). A dry run stops
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
      umbrella = githubUmbrella({ api: github, workspaceRoot, workDir, logger, repository: target.repository, serverUrl: target.serverUrl });
    }
    const ctx: UmbrellaContext = { options: { ...options, github }, trigger, umbrella, workDir, facts, logger };
    await runSteps(umbrellaSteps, ctx, { dryRun: options.dryRun, renderer: options.renderer ?? 'simple' });
    if (facts.rcDone) return { status: 'nothing-to-do', reason: facts.rcDone };
    const base = { tag: trigger.tag, commit: facts.tagged!, releaseCommit: facts.releaseCommit! };
    if (options.dryRun) return { status: 'planned', ...base, outcomes: packagesOf(facts) };
    return { status: 'released', ...base, outcomes: facts.outcomes ?? packagesOf(facts).map((o) => ({ ...o, status: 'released' as const })), location: facts.location };
  } finally {
    await Promise.all([...facts.prepared ?? [], ...facts.candidates ?? []].map((p) => p.dispose()));
    await rm(workDir, { recursive: true, force: true });
  }
}
