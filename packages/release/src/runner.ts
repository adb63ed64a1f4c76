import { Listr } from 'listr2';
import type { ReleaseContext, Step } from './step';
import { SkipStep } from './step';

/** How a step ended. */
export interface StepResult {
  name: string;
  status: 'ran' | 'skipped';
  reason?: string;
}

export interface RunStepsOptions {
  /** Skip every mutating step (the only place dry-run is decided). */
  dryRun: boolean;
  renderer: 'default' | 'simple' | 'silent';
  /** Called after each step that ran or skipped; tests throw here to simulate a crash at a boundary. */
  afterStep?: (step: Step, result: StepResult) => void | Promise<void>;
}

/** The listr2 renderer for an environment: plain output when not on a TTY or in CI. */
export function pickRenderer(env: NodeJS.ProcessEnv, isTty: boolean): 'default' | 'simple' {
  return isTty && !env.CI ? 'default' : 'simple';
}

/**
 * Pure: why the runner skips `step`, or undefined to run it. The step's own reason comes first, so
 * a dry-run log explains "already released" rather than only "dry run".
 */
export function skipReason(step: Step, ctx: ReleaseContext, dryRun: boolean): string | undefined {
  const own = step.skip?.(ctx);
  if (own) return own;
  if (dryRun && step.mutates) return 'dry run: changes nothing';
  return undefined;
}

/**
 * Runs `steps` in order through listr2, stopping at the first failure. Every skip is logged with
 * its reason; a step throwing `SkipStep` counts as skipped.
 */
export async function runSteps(steps: readonly Step[], ctx: ReleaseContext, options: RunStepsOptions): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const finish = async (step: Step, result: StepResult) => {
    results.push(result);
    if (result.status === 'skipped') ctx.logger.info(`${step.name}: skipped (${result.reason})`);
    await options.afterStep?.(step, result);
  };
  const listr = new Listr(steps.map((step) => ({
    title: step.name,
    task: async (_: unknown, task: { skip(message?: string): void }) => {
      const reason = skipReason(step, ctx, options.dryRun);
      if (reason) {
        task.skip(`${step.name}: ${reason}`);
        return finish(step, { name: step.name, status: 'skipped', reason });
      }
      try {
        await step.run(ctx);
      } catch (err) {
        if (!(err instanceof SkipStep)) throw err;
        task.skip(`${step.name}: ${err.reason}`);
        return finish(step, { name: step.name, status: 'skipped', reason: err.reason });
      }
      return finish(step, { name: step.name, status: 'ran' });
    },
  })), {
    renderer: options.renderer,
    exitOnError: true,
    concurrent: false,
    // Our errors carry their own user-facing message; listr must not wrap or collapse them.
    collectErrors: false,
    rendererOptions: { collapseErrors: false },
  });
  await listr.run();
  return results;
}
