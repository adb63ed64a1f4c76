import { UserError } from '@runway/errors';
import type { Logger } from '@runway/log';
import type { GitHubApi } from '@runway/publisher-github';
import { planDeprecation, withDeprecationBanner, type DeprecationPlan, type DeprecationRequest } from '@runway/release-policy';
import { createTargetAdapter } from '../targets/create-target';
import type { TargetAdapter } from '../targets/target-adapter';
import type { ReleaseTarget } from '../types';
import { parseUmbrella, UMBRELLA_FILE } from '../umbrella/umbrella-document';
import { describeImageMove, moveImageTags, prepareImageMoves, readPayloadImages } from './deprecation-images';

export interface DeprecateOptions {
  workspaceRoot: string;
  /** Same resolution as `release`: the directory registry by default, GitHub from the environment. */
  target: ReleaseTarget;
  request: DeprecationRequest;
  /** Print the plan and change nothing. */
  dryRun: boolean;
  /** Image registry prefix of the payloads' runenv images (e.g. ghcr.io/acme); default `RUNWAY_IMAGE_REGISTRY`. */
  imageRegistry?: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** Injected GitHub adapter (tests); built from `target` otherwise. */
  github?: GitHubApi;
  now?: () => Date;
}

/** What a deprecation did (or, in a dry run, would do). */
export interface DeprecateResult {
  status: 'planned' | 'deprecated' | 'already-deprecated';
  version: string;
  replacement: string;
  /** `<name>@<version>` of every registry entry marked now. */
  entries: string[];
  /** Release tags whose notes get (or got) the banner now. */
  notes: string[];
  /** `<repository>:<tag> → <version>` of every image tag moved now. */
  images: string[];
}

/**
 * `runway deprecate <name>@X.Y.Z | vX.Y.Z --use <version> --reason "…"`: reads everything first
 * (the registry, the umbrella's project list, each affected release's notes), plans with
 * `planDeprecation`, prints the plan, then marks the registry entries (through the target adapter,
 * never `@latest` again; an exact pin still installs with the reason) and puts the Deprecated
 * banner on top of each affected release's notes, then moves the payloads' moving image tags
 * (`latest`, `X.Y`, `X`) that point at the deprecated image to where `planDeprecation` puts them,
 * by copying manifests inside the image registry (nothing rebuilt). Every read (registry, notes,
 * the images' tags and the manifests to copy) happens before the first change. Nothing is deleted;
 * running it again changes nothing.
 * @throws UserError for a bad request (see `planDeprecation`) or a release that is not published.
 */
export async function deprecateRelease(options: DeprecateOptions): Promise<DeprecateResult> {
  const { request, logger, dryRun } = options;
  const now = options.now ?? (() => new Date());
  const target = createTargetAdapter({ ...options, projectRoot: '.' }, now);
  const { registry, location } = await target.readRegistry();
  // `<name>@X.Y.Z` names one project; anything else is an umbrella tag (planDeprecation refuses what is neither).
  const at = request.target.lastIndexOf('@');
  const umbrellaProjects = at > 0 ? undefined : await umbrellaProjectsOf(target, request.target);
  const images = await readPayloadImages({
    workspaceRoot: options.workspaceRoot, projects: umbrellaProjects ?? [request.target.slice(0, at)],
    registryPrefix: options.imageRegistry ?? options.env.RUNWAY_IMAGE_REGISTRY, env: options.env,
  });
  const plan = planDeprecation(request, { registry, umbrellaProjects, images: images.states, now: now() });
  const notes = await notesToWrite(target, plan);
  const moves = await prepareImageMoves(plan.imageMoves, images.access);

  const entries = plan.entries.filter((e) => e.changed).map((e) => `${e.name}@${e.version}`);
  const actions = [
    ...entries.map((e) => `mark ${e} deprecated in ${location} (use ${plan.replacement}: ${plan.reason})`),
    ...notes.map((n) => `put the Deprecated banner on top of the notes of ${n.tag}`),
    ...moves.map(describeImageMove),
  ];
  const result = (status: DeprecateResult['status']): DeprecateResult => ({
    status, version: plan.version, replacement: plan.replacement, entries, notes: notes.map((n) => n.tag),
    images: moves.map((m) => `${m.repository}:${m.tag} → ${m.version}`),
  });
  if (actions.length === 0) {
    logger.info(`${request.target} is already deprecated in favour of ${plan.replacement}: nothing to do`);
    return result('already-deprecated');
  }
  logger.info(`deprecate ${request.target} (use ${plan.replacement}):\n${actions.map((a) => `  - ${a}`).join('\n')}`);
  if (dryRun) {
    logger.info('dry run: nothing changed');
    return result('planned');
  }
  // Registry first: from this moment no client picks it as latest; then the notes, then the images.
  if (entries.length > 0) {
    await target.editRegistry({
      describe: `deprecate ${entries.join(', ')} (use ${plan.replacement})`,
      apply: (current) => {
        const next = planDeprecation(request, { registry: current, umbrellaProjects, images: images.states, now: now() }).registry;
        return { registry: next, outcome: next === current ? 'unchanged' : 'deprecated' };
      },
    }, logger);
  }
  for (const n of notes) await target.writeNotes(n.tag, n.body, logger);
  await moveImageTags(moves, images.access, logger);
  return result('deprecated');
}

/** The projects of the umbrella release `tag`, from its `umbrella.json`. */
async function umbrellaProjectsOf(target: TargetAdapter, tag: string): Promise<string[]> {
  const bytes = await target.readReleaseFile(tag, UMBRELLA_FILE);
  const doc = bytes && parseUmbrella(bytes.toString('utf8'));
  if (!doc) {
    throw new UserError(`the umbrella release ${tag} is not published (no readable ${UMBRELLA_FILE})`, { hint: 'deprecate a published umbrella release, or one project with <name>@X.Y.Z' });
  }
  return doc.packages.map((p) => p.name);
}

/** The notes that change: each affected release's body with the banner on top, when it is not there already. */
async function notesToWrite(target: TargetAdapter, plan: DeprecationPlan): Promise<Array<{ tag: string; body: string }>> {
  const out: Array<{ tag: string; body: string }> = [];
  for (const { tag, banner } of plan.notes) {
    const body = await target.readNotes(tag);
    if (body === undefined) throw new UserError(`the release ${tag} is not published, so its notes cannot carry the deprecation`, { hint: `check ${tag} (re-run its release first)` });
    const next = withDeprecationBanner(body, banner);
    if (next !== body) out.push({ tag, body: next });
  }
  return out;
}
