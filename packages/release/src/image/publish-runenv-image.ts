import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@runway/errors';
import { git } from '@runway/git';
import type { Logger } from '@runway/log';
import type { Manifest } from '@runway/manifest';
import { readManifest } from '@runway/project-files';
import { createDockerApi, imagePublishSteps, openRegistryAccess, type PublishResult } from '@runway/publisher-docker';
import { formatSemver, needsPublishedVersions, parseReleaseRef, planImagePublish, type ImagePublishPlan } from '@runway/release-policy';
import { SIGNING_KEY_ENV } from '@runway/signing';
import type { SigningKey } from '@runway/trust';
import { publishedFromClone } from '../policy/published-versions';
import { runSteps, type Renderer } from '../runner';
import type { Step, StepContext } from '../step';
import { loadReleaseSigning, requireKeyIfConfigured } from '../targets/release-signing';
import { attachImageProvenance, imageProvenanceEnvelope } from './image-provenance';
import { environmentLabels, hostDebianPlatform, locateRuntimeEnvironment, RUNTIME_CONTEXT_DIR, stageBuildContext, type RuntimeEnvironment } from './runtime-environment';

/** The options of the `publish-runenv-image` target (the Nx executor's schema is this type). */
export interface RunenvImageOptions {
  /** Print the images, tags and labels that would be published; build and push nothing. */
  dryRun?: boolean;
  /** Registry prefix, e.g. ghcr.io/acme; default RUNWAY_IMAGE_REGISTRY. */
  registry?: string;
  /** KM mode: `latest` and the full commit SHA whatever the ref. */
  km?: boolean;
  /** The branch whose pushes publish edge and nightly tags (default `main`). */
  defaultBranch?: string;
  /** Versions already published (tags or bare versions); default: the repository's git tags. */
  published?: string[];
  /** The Debian platform of the image's runtime environment; default: this machine's (`debian-amd64` on x86-64). */
  platform?: string;
  /** Where the runtime's `build` put its environments, relative to the workspace; default `dist/runtimes/<runtime>`. */
  environmentDir?: string;
}

export interface PublishRunenvImageInput {
  workspaceRoot: string;
  projectRoot: string;
  options: RunenvImageOptions;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  now: Date;
  renderer?: Renderer;
}

export type PublishRunenvImageOutcome =
  | { status: 'skipped'; reason: string }
  | { status: 'planned'; plan: ImagePublishPlan }
  | { status: 'published'; plan: ImagePublishPlan; result: PublishResult };

interface ImageContext extends StepContext {
  readonly input: PublishRunenvImageInput;
  readonly facts: {
    manifest?: Manifest; skip?: string; plan?: ImagePublishPlan; environment?: RuntimeEnvironment; result?: PublishResult;
    /** Set for a release tag (not a branch push, not KM mode): what the image's provenance states. */
    release?: { tag: string; version: string; commit: string };
    /** The key the image's provenance is signed with, when one is configured. */
    key?: SigningKey;
  };
}

/** The steps before Docker is contacted: what to build and which tags to push. */
const planningSteps: readonly Step<ImageContext>[] = [
  {
    // A runtime has no Dockerfile and no image: skipped with the reason.
    name: 'reading payload',
    mutates: false,
    async run(ctx) {
      const { workspaceRoot, projectRoot } = ctx.input;
      const { manifest, errors } = await readManifest(workspaceRoot, projectRoot);
      if (!manifest) throw new UserError(`${projectRoot}/manifest.yaml is invalid: ${errors.map((e) => e.message).join('; ')}`, { hint: 'run nx run <project>:validate for details' });
      ctx.facts.manifest = manifest;
      if (manifest.kind !== 'payload') ctx.facts.skip = `${manifest.name} is a runtime: it has no Dockerfile and no runenv image`;
    },
  },
  {
    // The ref, SHA and event (GITHUB_* or git) and the published versions decide the tags (one pure function); the plan is logged.
    name: 'planning image tags',
    mutates: false,
    skip: (ctx) => ctx.facts.skip,
    async run(ctx) {
      const { workspaceRoot, options, env } = ctx.input;
      const registry = options.registry ?? env.RUNWAY_IMAGE_REGISTRY;
      if (!registry) throw new UserError('no image registry configured', { hint: 'set RUNWAY_IMAGE_REGISTRY (e.g. ghcr.io/acme) or the executor option "registry"' });
      const run = (args: string[]) => git(workspaceRoot, args);
      // The git reads are independent: run together, they take as long as the slowest, not the sum.
      const [ref, sha, source] = await Promise.all([
        env.GITHUB_REF || run(['rev-parse', '--symbolic-full-name', 'HEAD']),
        env.GITHUB_SHA || run(['rev-parse', 'HEAD']),
        sourceUrl(env, run),
      ]);
      const defaultBranch = options.defaultBranch ?? 'main';
      const km = options.km === true;
      const releaseRef = parseReleaseRef(ref, defaultBranch);
      if (!km && releaseRef.kind !== 'branch') ctx.facts.release = { tag: releaseRef.tag, version: formatSemver(releaseRef.version), commit: sha.trim() };
      const plan = planImagePublish({
        ref, sha, published: await publishedVersions(workspaceRoot, { ref, defaultBranch, km }, options.published),
        event: env.GITHUB_EVENT_NAME || 'push',
        date: ctx.input.now,
        defaultBranch,
        km,
        registry,
        sourceUrl: source,
        payload: ctx.facts.manifest!,
      });
      if (plan.skip) ctx.facts.skip = plan.skip;
      else ctx.facts.plan = plan;
    },
  },
  {
    // A payload built from a runtime: its prebuilt environment must exist for the image's platform
    // (checked in a dry run too); the labels name it. Then the plan is logged.
    name: 'locating the runtime environment',
    mutates: false,
    skip: (ctx) => ctx.facts.skip,
    async run(ctx) {
      const { workspaceRoot, projectRoot, options } = ctx.input;
      const payload = ctx.facts.manifest!;
      let plan = ctx.facts.plan!;
      if (payload.runtime) {
        const environment = await locateRuntimeEnvironment({
          workspaceRoot, payloadRoot: projectRoot, payload, platform: options.platform ?? hostDebianPlatform(), environmentDir: options.environmentDir,
        });
        ctx.facts.environment = environment;
        plan = { ...plan, labels: { ...plan.labels, ...environmentLabels(environment) } };
        ctx.facts.plan = plan;
      }
      ctx.logger.info(describePlan(plan, ctx.facts.environment));
    },
  },
  {
    // The image of a release gets a signed provenance; the key is loaded (and a required one
    // refused) before anything is built or pushed.
    name: 'checking the signing key',
    mutates: false,
    skip: (ctx) => ctx.facts.skip ?? (ctx.facts.release ? undefined : 'not a release tag: the image gets no provenance'),
    async run(ctx) {
      const { workspaceRoot, env, options } = ctx.input;
      const { tag } = ctx.facts.release!;
      const signing = await loadReleaseSigning(env, workspaceRoot);
      try {
        ctx.facts.key = requireKeyIfConfigured(signing, `the image provenance of ${tag}`);
      } catch (err) {
        if (!(err instanceof UserError) || !options.dryRun) throw err;
        ctx.logger.warn(`a real publish would refuse this: ${err.message}${err.hint ? ` (fix: ${err.hint})` : ''}`);
      }
      const key = ctx.facts.key;
      // The statement is built once now with a stand-in digest: a bad commit or source URL fails
      // here, before anything is built or pushed, not after the push.
      if (key) await imageProvenanceEnvelope({ ...ctx.input, plan: ctx.facts.plan!, ...ctx.facts.release!, environment: ctx.facts.environment }, `sha256:${'0'.repeat(64)}`, key);
      ctx.logger.info(key
        ? `${options.dryRun ? 'would attach' : 'will attach'} a provenance signed with key ${key.publicKey.keyId} to the image of ${tag} in each repository`
        : `no signing key (${SIGNING_KEY_ENV} is not set): the image of ${tag} is published without provenance`);
    },
  },
];

/**
 * The Docker steps of a plan (from `@runway/publisher-docker`): checking access, building once with
 * every tag, running the payload's smoke command, pushing each tag, verifying that every tag
 * resolves to the one pushed digest. Building, the smoke run and pushing mutate (the daemon); the access check contacts nobody in a dry run; the digest check runs only
 * after something was pushed.
 */
function dockerSteps(ctx: ImageContext, contextDir: string, deps: Parameters<typeof imagePublishSteps>[2]): { steps: Step<ImageContext>[]; result: PublishResult } {
  const plan = ctx.facts.plan!;
  const { steps, result } = imagePublishSteps(plan, contextDir, deps, { smoke: ctx.facts.manifest!.smoke });
  return {
    result,
    steps: steps.map((s, i): Step<ImageContext> => {
      const first = i === 0;
      const last = i === steps.length - 1;
      return {
        name: s.title,
        mutates: !first && !last,
        skip: first ? (c) => (c.input.options.dryRun ? 'dry run: Docker and the registry are not contacted' : undefined)
          : last ? () => (result.digest === undefined ? 'nothing was pushed' : undefined) : undefined,
        run: () => s.run(),
      };
    }),
  };
}

/**
 * Publishes one payload's runenv images, as a step list run by the one runner: read the payload,
 * plan the tags, locate the runtime environment it is built from (if any), then (not in a dry run)
 * unpack that environment into a temporary build context, check access, build, run the payload's
 * smoke command in the new image, push every tag, and check that every tag resolves to one digest.
 * A runtime has no image: skipped.
 */
export async function publishRunenvImage(input: PublishRunenvImageInput): Promise<PublishRunenvImageOutcome> {
  const ctx: ImageContext = { input, logger: input.logger, facts: {} };
  const renderer = input.renderer ?? 'simple';
  const dryRun = input.options.dryRun === true;
  await runSteps(planningSteps, ctx, { dryRun, renderer });
  if (ctx.facts.skip || !ctx.facts.plan) return { status: 'skipped', reason: ctx.facts.skip ?? 'nothing to publish' };
  const plan = ctx.facts.plan;
  if (dryRun) return { status: 'planned', plan };

  const { env } = input;
  const access = await openRegistryAccess(env);
  const payloadDir = join(input.workspaceRoot, input.projectRoot);
  const environment = ctx.facts.environment;
  let staged: string | undefined;
  try {
    if (environment) {
      // Local and temporary (nothing is published), so it runs before the Docker steps.
      await runSteps([{
        name: `unpacking ${environment.path} into the build context as ${RUNTIME_CONTEXT_DIR}/`,
        mutates: false,
        run: async () => { staged = await stageBuildContext(payloadDir, environment); },
      }], ctx, { dryRun, renderer });
    }
    const { steps, result } = dockerSteps(ctx, staged ?? payloadDir, {
      docker: createDockerApi(env),
      credentials: access.credentials,
      registry: access.client,
      onOutput: (line) => input.logger.info(`  ${line}`),
    });
    await runSteps(steps, ctx, { dryRun, renderer });
    const { release, key } = ctx.facts;
    if (release && key && result.digest) {
      const digest = result.digest;
      await runSteps([{
        name: 'attaching the signed image provenance',
        mutates: true,
        run: async () => {
          const envelope = await imageProvenanceEnvelope({ ...input, plan, ...release, environment }, digest, key);
          await attachImageProvenance(plan, digest, envelope, access, input.logger);
        },
      }], ctx, { dryRun, renderer });
    }
    input.logger.info(plan.refs.map((ref) => `${ref}@${result.digest}`).join('\n'));
    return { status: 'published', plan, result };
  } finally {
    if (staged) await rm(staged, { recursive: true, force: true });
  }
}

/** The plan as `--dry-run` prints it: the runtime environment, every ref and label, nothing hidden. */
export function describePlan(plan: ImagePublishPlan, environment?: RuntimeEnvironment): string {
  return [
    ...(environment ? [`${plan.project}: build context ${RUNTIME_CONTEXT_DIR}/ = the ${environment.platform} environment of ${environment.runtime}@${environment.version}: ${environment.path} (${environment.checksum})`] : []),
    `${plan.project}: build from ${plan.dockerfile} and push:`,
    ...plan.refs.map((r) => `  ${r}`),
    'with labels:',
    ...Object.entries(plan.labels).map(([k, v]) => `  ${k}=${v}`),
  ].join('\n');
}

/**
 * The versions already published, which decide `X.Y`, `X` and `latest`: as given, else the clone's
 * tags, refused (by `publishedFromClone`) when the clone cannot know them (shallow, tagless, or
 * without the tag being published). Only a stable version tag needs them.
 */
async function publishedVersions(cwd: string, input: { ref: string; defaultBranch: string; km: boolean }, given: string[] | undefined): Promise<string[]> {
  if (given) return given;
  if (!needsPublishedVersions(input)) return [];
  const ref = parseReleaseRef(input.ref, input.defaultBranch);
  return publishedFromClone(cwd, ref.kind === 'branch' ? ref.branch : ref.tag);
}

/** `org.opencontainers.image.source`: the GitHub repository in CI, else the origin remote if any. */
async function sourceUrl(env: NodeJS.ProcessEnv, run: (args: string[]) => Promise<string>): Promise<string | undefined> {
  if (env.GITHUB_REPOSITORY) return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`;
  const url = await run(['remote', 'get-url', 'origin']).catch(() => '');
  // A local path or a URL with credentials is no public source: leave the label out.
  return /^https:\/\/[^@]+$/.test(url) ? url.replace(/\.git$/, '') : undefined;
}
