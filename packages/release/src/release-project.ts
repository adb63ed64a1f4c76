import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickRenderer, runSteps, type RunStepsOptions } from './runner';
import type { ReleaseContext, Step } from './step';
import { releaseSteps } from './steps';
import { createTargetAdapter } from './targets/create-target';
import type { ReleaseOptions, ReleaseOutcome } from './types';

/** Test seams of `releaseProject`: another step list, or a hook run after each step (to simulate a crash). */
export interface ReleaseInternals {
  steps?: readonly Step[];
  afterStep?: RunStepsOptions['afterStep'];
}

/**
 * Releases one runtime or payload (registry section `runtimes` or `payloads`): validate → pack
 * → plan → publish assets → update registry → publish release → verify. With `dryRun` it stops
 * at the plan (logged) and changes nothing. Safe to run again after any failure: every step converges, and an identical published version is a no-op.
 * @throws UserError for an invalid project, a version mismatch with the tag, or changed content
 * under a published version.
 */
export async function releaseProject(options: ReleaseOptions, internals: ReleaseInternals = {}): Promise<ReleaseOutcome> {
  const now = options.now ?? (() => new Date());
  const workDir = await mkdtemp(join(tmpdir(), 'runway-release-'));
  try {
    const ctx: ReleaseContext = {
      options,
      logger: options.logger,
      target: createTargetAdapter(options, now),
      now,
      workDir,
      facts: {},
    };
    await runSteps(internals.steps ?? releaseSteps, ctx, {
      dryRun: options.dryRun,
      renderer: options.renderer ?? pickRenderer(options.env, Boolean(process.stdout.isTTY)),
      afterStep: internals.afterStep,
    });
    return outcomeOf(ctx);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Pure: the outcome from the facts the steps gathered. */
function outcomeOf(ctx: ReleaseContext): ReleaseOutcome {
  const { manifest, tag, notConcerned, plan, assets = [] } = ctx.facts;
  const base = {
    project: manifest?.name ?? ctx.options.projectRoot,
    tag: tag ?? '',
    assets: assets.map(({ name, sha256, size }) => ({ name, sha256, size })),
  };
  if (notConcerned) return { ...base, status: 'skipped', reason: notConcerned };
  if (plan?.status === 'already-released') return { ...base, status: 'already-released', reason: `${tag} is already released with identical content`, entry: plan.entry };
  if (ctx.options.dryRun) return { ...base, status: 'planned', entry: plan?.entry };
  return { ...base, status: 'released', entry: ctx.facts.published ?? plan?.entry };
}
