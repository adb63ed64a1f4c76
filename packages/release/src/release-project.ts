import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReleaseContext } from './release-context';
import { runSteps, type RunStepsOptions } from './runner';
import type { Step } from './step';
import { preflightSteps, publishSteps, releaseSteps } from './steps';
import { createTargetAdapter } from './targets/create-target';
import type { ReleaseOptions, ReleaseOutcome } from './types';

/** Test seams of `releaseProject`: another step list, or a hook run after each step (to simulate a crash). */
export interface ReleaseInternals {
  steps?: readonly Step<ReleaseContext>[];
  afterStep?: RunStepsOptions<ReleaseContext>['afterStep'];
}

/** A release whose preflight has run: publish it (or not), then let it go. */
export interface PreparedRelease {
  /** What the preflight found (`planned` for a dry run; nothing has changed yet). */
  readonly preview: ReleaseOutcome;
  /** Runs the publishing steps and returns the final outcome; the dry-run answer for a dry run. */
  publish(afterStep?: ReleaseInternals['afterStep']): Promise<ReleaseOutcome>;
  /** Removes the scratch directory; call once, whatever happened. */
  dispose(): Promise<void>;
}

/**
 * Runs the read-only preflight of one release (working tree, validation, build, package check,
 * plan against the target) and keeps its context, so the publishing steps can follow without
 * building again. The umbrella prepares every project before publishing any.
 * @throws UserError for anything the preflight refuses; nothing has changed then.
 */
export async function prepareRelease(options: ReleaseOptions, internals: Omit<ReleaseInternals, 'steps'> = {}): Promise<PreparedRelease> {
  const { ctx, dispose } = await newContext(options);
  const run = (steps: readonly Step<ReleaseContext>[], afterStep = internals.afterStep) => runSteps(steps, ctx, { dryRun: options.dryRun, renderer: options.renderer ?? 'simple', afterStep });
  try {
    await run(preflightSteps);
  } catch (err) {
    await dispose();
    throw err;
  }
  return {
    preview: outcomeOf(ctx),
    async publish(afterStep) {
      await run(publishSteps, afterStep ?? internals.afterStep);
      return outcomeOf(ctx);
    },
    dispose,
  };
}

/**
 * Releases one runtime or payload (registry section `runtimes` or `payloads`) from a commit:
 * preflight (working tree, validate, build, unpack, plan) → tag the commit → publish the release
 * exclusively → verify the public download → add the registry entry. With `dryRun` it prints the
 * plan and changes nothing. Safe to run again after any failure: every step converges, and an
 * identical published version is a no-op.
 * @throws UserError for an invalid project, a dirty tree, a version mismatch with the tag, changed
 * content under a published version, a tag at another commit, or a lost race.
 */
export async function releaseProject(options: ReleaseOptions, internals: ReleaseInternals = {}): Promise<ReleaseOutcome> {
  const { ctx, dispose } = await newContext(options);
  try {
    await runSteps(internals.steps ?? releaseSteps, ctx, { dryRun: options.dryRun, renderer: options.renderer ?? 'simple', afterStep: internals.afterStep });
    return outcomeOf(ctx);
  } finally {
    await dispose();
  }
}

/** A fresh release context with its private scratch directory (also the RC umbrella's per-project preflight). */
export async function newContext(options: ReleaseOptions): Promise<{ ctx: ReleaseContext; dispose: () => Promise<void> }> {
  const now = options.now ?? (() => new Date());
  const target = createTargetAdapter(options, now);
  const workDir = await mkdtemp(join(tmpdir(), 'runway-release-'));
  const ctx: ReleaseContext = { options, logger: options.logger, target, now, workDir, facts: {} };
  return { ctx, dispose: () => rm(workDir, { recursive: true, force: true }) };
}

/** Pure: the outcome from the facts the steps gathered. */
function outcomeOf(ctx: ReleaseContext): ReleaseOutcome {
  const { manifest, tag, notConcerned, plan, assets = [], source } = ctx.facts;
  const base = {
    project: manifest?.name ?? ctx.options.projectRoot,
    tag: tag ?? '',
    ...(source && { commit: source.commit }),
    assets: assets.map(({ name, sha256, size }) => ({ name, sha256, size })),
  };
  if (notConcerned) return { ...base, status: 'skipped', reason: notConcerned };
  if (plan?.status === 'already-released') return { ...base, status: 'already-released', reason: `${tag} is already released with identical content`, entry: plan.entry };
  if (ctx.options.dryRun || !ctx.facts.published) return { ...base, status: 'planned', entry: plan?.entry };
  return { ...base, status: 'released', entry: ctx.facts.published };
}
